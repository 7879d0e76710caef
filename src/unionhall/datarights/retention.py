"""Retention as data: HQ sets how long each kind of data is kept, and the
nightly ``retention_nightly`` applies the schedule through each app's
``RetentionRule`` (unionhall.personal_data), in batches, resumably.

A run moves its cursor and counts in the same transaction as each batch, so a
run killed half way resumes where it stopped: nothing is deleted twice (a
rule's ``apply`` re-checks each row) and nothing due is skipped. Each run
writes one audit entry per kind of data with how many rows it changed, never
whose."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from unionhall import personal_data
from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.datarights.models import RetentionPeriod, RetentionRun
from unionhall.refusals import Refused

BATCH = 1000
YEAR = 365

# The periods a new installation starts with; HQ changes them on the schedule
# page. (days, the legal reason, the legal minimum in days, why that minimum).
DEFAULTS: dict[str, tuple[int, str, int, str]] = {
    "member_register": (0, "Kept while you are a member: the union cannot represent you without it.", 0, ""),
    "lapsed_member": (6 * YEAR, "Six years after leaving: claims on the membership contract and arrears (Limitation Act 1980 s.5).", 0, ""),
    "account": (6 * YEAR, "Closed with the register details of a member who left.", 0, ""),
    "office_record": (12 * YEAR, "Two five-year terms and more: questions about who could act (TULRCA 1992 s.46; the union's rules).", 0, ""),
    "ballot_roll": (6 * YEAR, "Evidence behind a result that may be challenged.", YEAR, "Ballot records must survive a challenge to the result."),
    "statutory_ballot": (6 * YEAR, "A statutory ballot's records support its mandate if challenged.", YEAR, "The scrutineer keeps the papers for a year after the ballot (TULRCA 1992 Part V)."),
    "election_record": (12 * YEAR, "The record of a union election (TULRCA 1992 Part I Ch. IV).", YEAR, "Voting papers are kept a year after the result (TULRCA 1992 s.49)."),
    "conference_record": (50 * YEAR, "The union's democratic record: resolutions and who moved them.", 0, ""),
    "comment_of_leaver": (YEAR, "A year after the author left: threads stay readable, the author and words go.", 0, ""),
    "moderation_record": (2 * YEAR, "Explains past moderation and appeals.", 0, ""),
    "delivery_record": (YEAR, "A year after queueing: enough to answer \"did you send me this?\".", 0, ""),
    "audit_entry": (6 * YEAR, "Evidence of who read or changed members' data (Art. 5(2)); the log is append-only.", 0, ""),
    "data_rights": (2 * YEAR, "Shows how requests were answered, if the ICO asks.", 0, ""),
    "survey_response": (2 * YEAR, "Two years after the run closed: long enough to compare runs and answer questions on the results.", 0, ""),
    "equality_data": (90, "Kept while you consent and are a member: withdrawing consent deletes your answers at once, "
                          "and they are deleted three months after you leave.", 0, ""),
    "case_file": (6 * YEAR, "Six years after the case closed: claims arising from it (Limitation Act 1980 ss.2, 5).", 0, ""),
    "bargaining_query": (6 * YEAR, "Six years: claims for unpaid pay (Limitation Act 1980 s.5).", 0, ""),
    "campaign_letter": (28, "Four weeks, as WriteToThem keeps letters: long enough to answer a question about one; "
                            "where each went stays, for the count.", 0, ""),
    "campaign_reply": (0, "Kept because you asked, for the campaign's record of what representatives answered; "
                          "untick it, or ask us to erase your letters, and it goes.", 0, ""),
    "campaign_evidence": (0, "Each call says how long it keeps evidence after it closes (12 months unless it says otherwise, "
                             "at most six years), on its page and on your receipt.", 0, ""),
}

# A setting that gives a key's first period, where an installation set one
# before the period was on the schedule; after that HQ changes it there.
SEEDED_BY_SETTING = {"campaign_letter": "CAMPAIGNS_KEEP_LETTERS_DAYS"}


def default_for(key: str) -> tuple[int, str, int, str] | None:
    """The period ``key`` starts with on a new installation."""
    default = DEFAULTS.get(key)
    setting = SEEDED_BY_SETTING.get(key)
    if default is not None and setting and getattr(settings, setting, None) is not None:
        default = (int(getattr(settings, setting)), *default[1:])
    return default


def period_days(key: str) -> int | None:
    """HQ's period for ``key`` in days, or the one it starts with; None for a
    key with neither. One query (personal_data.period_days asks here)."""
    days = RetentionPeriod.objects.filter(key=key).values_list("days", flat=True).first()
    if days is not None:
        return days
    default = default_for(key)
    return default[0] if default else None


def periods_ensure() -> dict[str, RetentionPeriod]:
    """Every retention key's period, creating any missing from DEFAULTS."""
    have = {p.key: p for p in RetentionPeriod.objects.all()}
    missing = [
        RetentionPeriod(key=key, days=d[0], legal_reason=d[1], minimum_days=d[2], minimum_reason=d[3], updated_at=timezone.now())
        for key, d in ((key, default_for(key)) for key in DEFAULTS)
        if key in personal_data.RETENTION_KEYS and key not in have
    ]
    if missing:
        RetentionPeriod.objects.bulk_create(missing, ignore_conflicts=True)
        have = {p.key: p for p in RetentionPeriod.objects.all()}
    return have


@transaction.atomic
def period_set(*, key: str, days: int, legal_reason: str, actor) -> RetentionPeriod:
    """Change how long ``key`` is kept. Refused, changing nothing, when shorter
    than the legal minimum HQ recorded, or without a reason."""
    periods_ensure()
    period = RetentionPeriod.objects.select_for_update().filter(key=key).first()
    if period is None:
        raise Refused("There is no such kind of data.", status=404)
    if days < period.minimum_days:
        raise Refused(f"{days} days is shorter than the legal minimum of {period.minimum_days} days: {period.minimum_reason}")
    if not legal_reason.strip():
        raise Refused("Give the legal reason for the period: members see it.")
    before = period.days
    period.days, period.legal_reason, period.updated_by, period.updated_at = days, legal_reason.strip()[:500], actor, timezone.now()
    period.save()
    audit_record(actor=actor, action=Action.CHANGE, subject=("datarights.retentionperiod", key), detail={"days": days, "was": before})
    return period


@transaction.atomic
def minimum_set(*, key: str, minimum_days: int, reason: str, actor) -> RetentionPeriod:
    """Record the legal minimum for ``key``; refused above the period now set
    (raise the period first), or without the law it comes from."""
    periods_ensure()
    period = RetentionPeriod.objects.select_for_update().filter(key=key).first()
    if period is None:
        raise Refused("There is no such kind of data.", status=404)
    if minimum_days > period.days:
        raise Refused(f"The period now set ({period.days} days) is shorter than that minimum: lengthen it first.")
    if minimum_days and not reason.strip():
        raise Refused("Say which law sets the minimum.")
    period.minimum_days, period.minimum_reason, period.updated_by, period.updated_at = minimum_days, reason.strip()[:500], actor, timezone.now()
    period.save()
    audit_record(actor=actor, action=Action.CHANGE, subject=("datarights.retentionperiod", key), detail={"minimum_days": minimum_days})
    return period


@dataclass(frozen=True)
class Due:
    key: str
    model: str
    action: str
    event: str
    before: dt.date
    count: int
    keeps: str


def _name(rule: personal_data.RetentionRule) -> str:
    return f"{rule.key}:{rule.model}"


def _applicable(today: dt.date):
    """Each rule with the day before which its rows are due; keys with a
    period of 0 days ("while a member") or not applied are left out."""
    periods = periods_ensure()
    for rule in personal_data.retention_rules():
        period = periods.get(rule.key)
        if period is None or not period.applied or period.days == 0:
            continue
        yield rule, today - dt.timedelta(days=period.days)


def retention_dry_run(*, today: dt.date | None = None, batch: int = BATCH) -> list[Due]:
    """What the next run would change, counted batch by batch (bounded
    memory); nothing written."""
    today = today or timezone.localdate()
    found = []
    for rule, before in _applicable(today):
        count, after = 0, 0
        while ids := rule.due(before, after, batch):
            count, after = count + len(ids), ids[-1]
        found.append(Due(rule.key, rule.model, rule.action, rule.event, before, count, rule.keeps))
    return found


def _run_claim(today: dt.date) -> RetentionRun:
    """The unfinished run to resume, or a new one; refused while another process runs one."""
    run = RetentionRun.objects.filter(running=True).first()
    if run is not None:
        return run
    try:
        with transaction.atomic():
            return RetentionRun.objects.create(started_at=timezone.now(), today=today)
    except IntegrityError:
        raise Refused("A retention run is already under way.", status=409) from None


def retention_run(*, today: dt.date | None = None, batch: int = BATCH, stop_after: int | None = None) -> RetentionRun:
    """Apply the schedule: for each rule, delete or anonymise its due rows in
    batches of ``batch``. Resumes an unfinished run (with that run's day).
    ``stop_after`` batches stops early, unfinished, as a killed run would
    (for tests and for spreading a large backlog over nights)."""
    run = _run_claim(today or timezone.localdate())
    done = 0
    for rule, before in _applicable(run.today):
        name = _name(rule)
        while True:
            if stop_after is not None and done >= stop_after:
                return run
            ids = rule.due(before, run.cursor.get(name, 0), batch)
            if not ids:
                break
            with transaction.atomic():
                changed = rule.apply(ids)
                run.cursor[name] = ids[-1]
                run.counts[name] = run.counts.get(name, 0) + changed
                run.save(update_fields=["cursor", "counts"])
            done += 1
    return _run_finish(run)


@transaction.atomic
def _run_finish(run: RetentionRun) -> RetentionRun:
    by_key: dict[str, dict[str, int]] = {}
    for name, count in run.counts.items():
        key, model = name.split(":", 1)
        by_key.setdefault(key, {})[model] = count
    for key, models in sorted(by_key.items()):
        audit_record(
            actor=None,
            action=Action.CHANGE,
            subject=("datarights.retention", key),
            detail={"event": "retention run", "run": run.pk, "kind": key, "count": sum(models.values()), "by_model": models},
        )
    run.finished_at, run.running = timezone.now(), None
    run.save(update_fields=["finished_at", "running"])
    return run


def retention_nightly(today: dt.date | None = None) -> None:
    """The worker's nightly job (a row in unionhall/jobs/table.py): run the schedule."""
    try:
        retention_run(today=today)
    except Refused:
        pass  # another worker is running it: that run will finish the work
