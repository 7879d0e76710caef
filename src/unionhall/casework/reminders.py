"""Periodic jobs (rows for unionhall/jobs/table.py): reminders as deadlines
near, and a flag to the branch for a close deadline nobody is acting on.
Each is safe to run again: every email has a key, so it is queued once."""

import datetime as dt

from django.utils import timezone

from unionhall.casework.models import Case, CaseDeadline, Entry
from unionhall.casework.services import _address, _mail, secretaries

REMIND_DAYS = (14, 7, 3, 1)
# A deadline this close with nothing recorded by the rep for this long is flagged.
FLAG_WITHIN_DAYS = 7
IDLE_DAYS = 7
OPEN = (Case.Status.REQUESTED, Case.Status.OFFERED, Case.Status.OPEN)


def _say(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _members_actions(rows) -> set[str]:
    """The codes, among these deadlines, of actions set for the member to do."""
    ids = {int(d.code[len(CaseDeadline.ACTION):]) for d in rows if d.code.startswith(CaseDeadline.ACTION) and d.code[len(CaseDeadline.ACTION):].isdigit()}
    if not ids:
        return set()
    return {f"{CaseDeadline.ACTION}{pk}" for pk in Entry.objects.filter(pk__in=ids, for_member=True).values_list("pk", flat=True)}


def send_deadline_reminders(*, today: dt.date | None = None) -> int:
    """Remind each open case's rep and branch secretaries of a deadline 14, 7,
    3 and 1 days ahead, and the member of an action set for them; returns how
    many deadlines were reminded of (again: none)."""
    today = today or timezone.localdate()
    days = {today + dt.timedelta(days=n): n for n in REMIND_DAYS}
    rows = list(
        CaseDeadline.objects.filter(met_at__isnull=True, due_on__in=list(days), case__status__in=OPEN)
        .select_related("case", "case__rep", "case__branch", "case__member")
        .order_by("due_on", "pk")
    )
    by_branch = secretaries({d.branch_id for d in rows})
    members = _members_actions(rows)
    for d in rows:
        n = days[d.due_on]
        case = d.case
        to = [_address(case.rep)] if case.rep_id else []
        to += by_branch.get(d.branch_id, [])
        _mail(case, to, f"deadline in {n} day{'s' if n != 1 else ''}",
              [f"A deadline in a {case.get_kind_display().lower()} case in {case.branch} branch is on {_say(d.due_on)}, "
               f"in {n} day{'s' if n != 1 else ''}:", d.title, "How it was worked out is on the case page."],
              topic="casework_reminder", key=f"casework-reminder:{d.pk}:{d.due_on.isoformat()}:{n}")  # fmt: skip
        if d.code in members:  # what the action is stays on the case page
            _mail(case, [case.member.email], f"something to do by {_say(d.due_on)}",
                  [f"Your rep asked you to do something for your case by {_say(d.due_on)}, in {n} day{'s' if n != 1 else ''}.",
                   "Open the case to see what it is, and mark it done there when you have done it."],
                  topic="casework_member", key=f"casework-reminder:{d.pk}:{d.due_on.isoformat()}:{n}:member", member_id=case.member_id)  # fmt: skip
    return len(rows)


def flag_idle_deadlines(*, today: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """Flag to the branch each open case with a deadline under seven days away
    and nothing recorded by its rep for seven days; each deadline is flagged
    once for its date. Returns how many were flagged now."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    rows = list(
        CaseDeadline.objects.filter(met_at__isnull=True, flagged_on__isnull=True, due_on__gte=today,
                                    due_on__lt=today + dt.timedelta(days=FLAG_WITHIN_DAYS), case__status__in=OPEN,
                                    case__last_activity_at__lt=now - dt.timedelta(days=IDLE_DAYS))  # fmt: skip
        .select_related("case", "case__branch")
        .order_by("due_on", "pk")
    )
    by_branch = secretaries({d.branch_id for d in rows})
    for d in rows:
        _mail(d.case, by_branch.get(d.branch_id, []), "a deadline close and no action",
              [f"A {d.case.get_kind_display().lower()} case in {d.case.branch} branch has a deadline on {_say(d.due_on)} "
               f"and nothing has been recorded on it for {IDLE_DAYS} days:", d.title, "Please check that someone is acting on it."],
              topic="casework_flag", key=f"casework-flag:{d.pk}:{d.due_on.isoformat()}")  # fmt: skip
    CaseDeadline.objects.filter(pk__in=[d.pk for d in rows]).update(flagged_on=today)
    return len(rows)
