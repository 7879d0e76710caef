"""A case's deadlines, worked out by the ``deadlines`` package from the dates
recorded on the case, and stored with their working so lists and reminders
read them without recomputing."""

import datetime as dt
from dataclasses import dataclass

from deadlines import Deadline, DeadlineError, deadline
from deadlines.profiles import Profile

from unionhall.casework.models import Case, CaseDeadline, CaseType, Commencement, Meeting, RuleProfile
from unionhall.refusals import Refused

# Kinds of case that end in an outcome a member may appeal.
APPEALABLE = {CaseType.GRIEVANCE, CaseType.DISCIPLINARY, CaseType.ATTENDANCE, CaseType.CAPABILITY, CaseType.VETTING, CaseType.REGRADING}


@dataclass(frozen=True)
class Worked:
    code: str
    found: Deadline


def commenced() -> dict[str, dt.date]:
    return dict(Commencement.objects.values_list("rule", "commenced_on"))


def work_out(case: Case, *, meetings: list[Meeting], profile: RuleProfile | None, commencements: dict[str, dt.date]) -> list[Worked]:
    """Every deadline the case's dates set. Raises DeadlineError on dates the
    law cannot use (a certificate before the notification, say)."""
    worked = []
    if case.incident_on:
        extra = {}
        if case.acas_from:
            extra["acas_from"] = case.acas_from
        if case.acas_cert:
            extra["acas_cert"] = case.acas_cert
        if Commencement.ERA2025_SIX_MONTHS in commencements:
            extra["era2025_commenced"] = commencements[Commencement.ERA2025_SIX_MONTHS]
        worked.append(Worked("tribunal", deadline("tribunal", start=case.incident_on, nation=case.nation, extra=extra)))
    for meeting in meetings:
        if meeting.companion_unavailable:
            found = deadline("companion", start=meeting.on, nation=case.nation)
            worked.append(Worked(f"companion-{meeting.pk}", found))
    rules = Profile.from_dict({"code": profile.code, "title": profile.title, "rules": profile.rules}) if profile else None
    events = {
        "opened": case.opened_at.date(),
        "meeting": max((m.on for m in meetings), default=None),
        "invitation": min((m.recorded_at.date() for m in meetings), default=None),
        "outcome": case.outcome_on,
        "incident": case.incident_on,
    }
    applied = rules.applied(case_type=case.kind, events=events, nation=case.nation) if rules else []
    for entry, found in applied:
        worked.append(Worked(f"policy-{entry.rule.code}", found))
    if case.outcome_on and case.kind in APPEALABLE and not any(entry.start == "outcome" for entry, _ in applied):
        worked.append(Worked("appeal", deadline("appeal", start=case.outcome_on, nation=case.nation)))
    return worked


def check_dates(case: Case, *, meetings: list[Meeting] | None = None) -> list[Worked]:
    """Work the deadlines out for dates not yet saved; Refused(400) with the
    package's message if they cannot be used."""
    meetings = list(case.meetings.all()) if meetings is None and case.pk else (meetings or [])
    try:
        return work_out(case, meetings=meetings, profile=case.policy, commencements=commenced())
    except DeadlineError as exc:
        raise Refused(f"Those dates cannot be used: {exc}.") from None


def deadlines_refresh(case: Case) -> None:
    """Store the case's deadlines as its dates now set them: new ones added,
    changed ones updated (a met deadline stays met), gone ones deleted.
    Actions' deadlines are set by the rep, not by dates: left as they are."""
    worked = {w.code: w.found for w in check_dates(case)}
    held = {d.code: d for d in case.deadlines.exclude(code__startswith=CaseDeadline.ACTION)}
    for code, d in held.items():
        if code not in worked:
            d.delete()
    for code, found in worked.items():
        values = dict(title=found.title[:300], due_on=found.date, source=found.source[:500], steps=list(found.steps),
                      notes=list(found.notes), branch_id=case.branch_id, employer_id=case.employer_id)  # fmt: skip
        row = held.get(code)
        if row is None:
            CaseDeadline.objects.create(case=case, code=code, **values)
        elif any(getattr(row, k) != v for k, v in values.items()):
            if row.due_on != found.date:
                values["flagged_on"] = None
            CaseDeadline.objects.filter(pk=row.pk).update(**values)
