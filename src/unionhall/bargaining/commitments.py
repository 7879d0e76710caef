"""Agreements, their clauses and the commitments in them: recording them,
dated updates with evidence, and members following a commitment."""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bargaining.models import Agreement, Clause, Commitment, CommitmentFollower, CommitmentUpdate, Dispute, NegotiatingBody
from unionhall.bargaining.notifications import notify_followers
from unionhall.bargaining.roles import require_negotiator
from unionhall.members.models import Member
from unionhall.refusals import Refused


@dataclass(frozen=True)
class ClauseSpec:
    number: str
    text: str


@transaction.atomic
def agreement_create(*, body: NegotiatingBody, title: str, agreed_on: dt.date | None, signatories: str, text: str = "",
                     clauses: list[ClauseSpec] = (), actor) -> Agreement:  # fmt: skip
    """Record an agreement reached in a body, with its clauses."""
    require_negotiator(actor, body.employer_id)
    title, signatories = title.strip(), signatories.strip()
    if not title or agreed_on is None or not signatories:
        raise Refused("An agreement needs a title, the date it was agreed and who signed it.")
    numbers = [c.number.strip() for c in clauses]
    if any(not n for n in numbers) or len(set(numbers)) != len(numbers):
        raise Refused("Each clause needs a number of its own.")
    agreement = Agreement.objects.create(body=body, title=title, agreed_on=agreed_on, signatories=signatories, text=text.strip(), created_by=actor)
    Clause.objects.bulk_create([Clause(agreement=agreement, number=c.number.strip(), text=c.text.strip()) for c in clauses])
    audit_record(actor=actor, action=Action.CHANGE, subject=agreement, detail={"event": "agreement recorded", "clauses": len(numbers)})
    return agreement


def check_commitment(*, title: str, delivered_means: str, due_on: dt.date | None, who_acts: str) -> None:
    if not title.strip():
        raise Refused("Say what was promised.")
    if due_on is None:
        raise Refused("A commitment needs a due date: without one nobody can say when it is late. If none was agreed, record the date the union expects.")
    if not delivered_means.strip():
        raise Refused("Say what counts as delivered, so members can tell when it has been.")
    if who_acts not in Commitment.Who.values:
        raise Refused("Say who must act: the employer or the union.")


@transaction.atomic
def commitment_create(*, agreement: Agreement, title: str, delivered_means: str, due_on: dt.date | None, who_acts: str = Commitment.Who.EMPLOYER,
                      clause: Clause | None = None, dispute: Dispute | None = None, resolution_id: int | None = None, actor,
                      today: dt.date | None = None) -> Commitment:  # fmt: skip
    """A promise in an agreement (optionally its clause), with its due date."""
    employer_id = agreement.body.employer_id
    require_negotiator(actor, employer_id)
    check_commitment(title=title, delivered_means=delivered_means, due_on=due_on, who_acts=who_acts)
    if clause is not None and clause.agreement_id != agreement.pk:
        raise Refused("That clause belongs to another agreement.")
    commitment = Commitment.objects.create(
        agreement=agreement, clause=clause, employer_id=employer_id, title=title.strip(), who_acts=who_acts,
        delivered_means=delivered_means.strip(), due_on=due_on, status_on=today or timezone.localdate(), dispute=dispute,
        resolution_id=resolution_id,
    )  # fmt: skip
    audit_record(actor=actor, action=Action.CHANGE, subject=commitment, detail={"event": "commitment recorded"})
    return commitment


@transaction.atomic
def commitment_update(*, commitment: Commitment, status: str, on: dt.date | None, note: str, evidence: str = "", actor,
                      today: dt.date | None = None) -> CommitmentUpdate:  # fmt: skip
    """A dated update. A change of status is emailed to followers in the same transaction."""
    today = today or timezone.localdate()
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    require_negotiator(actor, commitment.employer_id)
    if status not in Commitment.Status.values:
        raise Refused("Choose a status: not started, in progress, delivered, broken or superseded.")
    if on is None or on > today:
        raise Refused("Date the update: the day it happened, not later than today.")
    if not note.strip():
        raise Refused("Say what happened.")
    if status == Commitment.Status.DELIVERED and not evidence.strip():
        raise Refused("Say what shows it was delivered (a letter, a payslip, a published document).")
    latest = commitment.updates.order_by("-on", "-pk").first()
    if latest and on < latest.on and status != commitment.status:
        raise Refused(f"The last update is dated {latest.on:%-d %B %Y}; a change of status cannot be dated before it.")
    was = commitment.status
    update = CommitmentUpdate.objects.create(commitment=commitment, status=status, on=on, note=note.strip(), evidence=evidence.strip(), recorded_by=actor)
    commitment.last_update_on = max(on, commitment.last_update_on or on)
    fields = ["last_update_on"]
    if status != was:
        commitment.status, commitment.status_on = status, on
        fields += ["status", "status_on"]
    commitment.save(update_fields=fields)
    if status != was:
        notify_followers(
            commitment=commitment, subject=f"{commitment.get_status_display()}: {commitment.title}", key=f"bargaining-update:{update.pk}",
            lines=[f"{commitment.title} is now: {commitment.get_status_display().lower()} (from {on:%-d %B %Y}).", "", note.strip()],
        )  # fmt: skip
    audit_record(actor=actor, action=Action.CHANGE, subject=commitment, detail={"event": "commitment updated", "status": status})
    return update


def commitment_in_scope(*, commitment: Commitment, member: Member) -> bool:
    """A national commitment concerns every member; an employer's its members."""
    return commitment.employer_id is None or commitment.employer_id == member.employer_id


@transaction.atomic
def commitment_follow(*, commitment: Commitment, member: Member, follow: bool = True) -> bool:
    """Follow (or stop following) a commitment in the member's scope; says whether anything changed."""
    if not commitment_in_scope(commitment=commitment, member=member):
        raise Refused("Not found.", status=404)
    if not follow:
        return bool(CommitmentFollower.objects.filter(commitment=commitment, member=member).delete()[0])
    if not member.email:
        raise Refused("Add an email address to your record to follow a commitment by email.")
    try:
        with transaction.atomic():
            CommitmentFollower.objects.create(commitment=commitment, member=member)
    except IntegrityError:
        return False
    return True
