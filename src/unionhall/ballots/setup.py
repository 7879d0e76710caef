"""Setting a ballot up, each step validated and then done atomically with its
audit entry: the draft with its questions and trustees, the manifest the
trustees' key is bound to, the key itself, and the opening that freezes the
roll (once every registered rule profile lets it, ``ballots.hooks``)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.ballots import hooks
from unionhall.ballots.models import Ballot, Question, Trustee
from unionhall.ballots.reminders import invite
from unionhall.ballots.roll import roll_freeze
from unionhall.refusals import Refused
from votecrypt import api


@transaction.atomic
def ballot_create(*, ballot: Ballot, questions: list[dict], trustees: list[tuple], actor, electorate=()) -> Ballot:
    """Save a new draft ballot with its questions and trustees; ``electorate``,
    if given, names the only members entitled to vote (still only while active)."""
    ballot.created_by = actor
    ballot.full_clean()
    ballot.save()
    ballot.electorate.set(electorate)
    for position, q in enumerate(questions, start=1):
        Question.objects.create(ballot=ballot, position=position, key=f"q{position}", text=q["text"], kind=q["kind"], options=q["options"], max_choices=q["max"])
    for index, (user, label) in enumerate(trustees, start=1):
        Trustee.objects.create(ballot=ballot, index=index, user=user, label=label)
    audit_record(actor=actor, action=Action.CHANGE, subject=ballot, detail={"event": "ballot created", "questions": len(questions), "trustees": len(trustees)})
    return ballot


def ballot_manifest(ballot: Ballot) -> dict:
    questions = [q.manifest_entry() for q in ballot.questions.all()]
    if not questions:
        raise Refused("The ballot has no questions.")
    n = ballot.trustees.count()
    if n < 1 or not 1 <= ballot.trustee_threshold <= n:
        raise Refused(f"The ballot needs trustees: {ballot.trustee_threshold} of at least {ballot.trustee_threshold}.")
    election_id = f"unionhall/{ballot.slug}" + (f"/attempt-{ballot.ceremony_attempt}" if ballot.ceremony_attempt > 1 else "")
    return api.make_manifest(election_id, ballot.title, questions, n, ballot.trustee_threshold)


@transaction.atomic
def ballot_set_keys(*, ballot: Ballot, manifest: dict, joint_key: str, publics: list[dict], actor) -> None:
    """Record the outcome of the trustees' key generation: only public data."""
    if ballot.status != Ballot.Status.DRAFT:
        raise Refused("Keys can only be set before the ballot opens.")
    ballot.manifest, ballot.joint_key, ballot.trustee_publics = manifest, joint_key, publics
    ballot.save(update_fields=["manifest", "joint_key", "trustee_publics"])
    audit_record(actor=actor, action=Action.CHANGE, subject=ballot, detail={"event": "trustee keys recorded", "fingerprint": api.fingerprint(manifest)})


@transaction.atomic
def ballot_open(*, ballot: Ballot, actor, now: dt.datetime | None = None) -> int:
    """Freeze the roll and open the ballot. Returns the roll's size."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if ballot.status != Ballot.Status.DRAFT:
        raise Refused("This ballot is already open or closed.")
    if not ballot.joint_key or not ballot.manifest:
        raise Refused("The trustees have not yet generated the ballot's key.")
    # A rule profile (mandates, registered at start-up) may hold the ballot back.
    if problems := hooks.blockers(ballot_id=ballot.pk):
        raise Refused("This statutory ballot cannot open yet: " + " ".join(problems), status=409)
    size = roll_freeze(ballot)
    ballot.status = Ballot.Status.OPEN
    ballot.roll_frozen_at = now or timezone.now()
    ballot.save(update_fields=["status", "roll_frozen_at"])
    audit_record(actor=actor, action=Action.CHANGE, subject=ballot, detail={"event": "opened; roll frozen", "roll": size})
    invite(ballot)
    return size
