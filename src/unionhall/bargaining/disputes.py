"""Disputes with an employer: stages with dates, and the statutory ballot run in one."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bargaining.models import Dispute, DisputeStage
from unionhall.bargaining.roles import require_negotiator
from unionhall.mandates import api as mandates
from unionhall.members.models import Employer
from unionhall.refusals import Refused

STAGE_ORDER = list(Dispute.Stage.values)


@transaction.atomic
def dispute_open(*, employer: Employer, title: str, issue: str, opened_on: dt.date, actor) -> Dispute:
    require_negotiator(actor, employer.pk)
    if not title.strip() or not issue.strip():
        raise Refused("A dispute needs a title and the issue in dispute.")
    dispute = Dispute.objects.create(employer=employer, title=title.strip(), issue=issue.strip(), opened_on=opened_on, created_by=actor)
    audit_record(actor=actor, action=Action.CHANGE, subject=dispute, detail={"event": "dispute opened"})
    return dispute


@transaction.atomic
def dispute_stage_add(*, dispute: Dispute, stage: str, on: dt.date, note: str = "", actor) -> DisputeStage:
    """A stage reached on a day; stages are dated no earlier than the dispute or the last stage."""
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    require_negotiator(actor, dispute.employer_id)
    if stage not in Dispute.Stage.values:
        raise Refused("Choose a stage: failure to agree, ACAS conciliation, ballot, action or settlement.")
    last = dispute.stages.order_by("-on", "-pk").first()
    if on < dispute.opened_on or (last and on < last.on):
        raise Refused(f"A stage cannot be dated before {max(dispute.opened_on, last.on if last else dispute.opened_on):%-d %B %Y}.")
    if on > timezone.localdate():
        raise Refused("A stage is recorded once reached: it cannot be dated in the future.")
    row = DisputeStage.objects.create(dispute=dispute, stage=stage, on=on, note=note.strip(), recorded_by=actor)
    audit_record(actor=actor, action=Action.CHANGE, subject=dispute, detail={"event": "dispute stage", "stage": stage})
    return row


@transaction.atomic
def dispute_link_ballot(*, dispute: Dispute, statutory_ballot_id: int, actor) -> mandates.StatutoryBallotFacts:
    """Link the statutory ballot run in this dispute (of the same employer)."""
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    require_negotiator(actor, dispute.employer_id)
    facts = mandates.statutory_ballot_facts(statutory_ballot_id=statutory_ballot_id)
    if facts is None:
        raise Refused("No such statutory ballot.")
    if facts.employer_id != dispute.employer_id:
        raise Refused("That ballot was of another employer's members.")
    dispute.statutory_ballot_id = facts.id
    dispute.save(update_fields=["statutory_ballot"])
    audit_record(actor=actor, action=Action.CHANGE, subject=dispute, detail={"event": "ballot linked", "statutory_ballot": facts.id})
    return facts


@dataclass(frozen=True)
class TimelineEntry:
    on: dt.date
    what: str
    note: str = ""


def dispute_timeline(dispute: Dispute) -> list[TimelineEntry]:
    """The dispute's stages and its ballot's dates, in date order."""
    entries = [TimelineEntry(dispute.opened_on, "Dispute opened", dispute.issue)]
    entries += [TimelineEntry(s.on, s.get_stage_display(), s.note) for s in dispute.stages.all()]
    if dispute.statutory_ballot_id:
        facts = mandates.statutory_ballot_facts(statutory_ballot_id=dispute.statutory_ballot_id)
        if facts:
            entries += [TimelineEntry(facts.opens_on, f"Ballot opened: {facts.title}"), TimelineEntry(facts.closes_on, "Ballot closed")]
            entries += [TimelineEntry(day, what) for what, day in facts.documents]
    return sorted(entries, key=lambda e: e.on)
