"""Negotiating bodies: creating one, its union side, its status over time,
and the ratification of its constitution by a quorate NEC or officers' decision."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bargaining.models import BodyStatusChange, NegotiatingBody
from unionhall.bargaining.roles import require_negotiator
from unionhall.conference import api as conference
from unionhall.members.models import Employer, Office
from unionhall.refusals import Refused

# Conference bodies whose decisions may ratify a constitution.
RATIFYING_BODIES = ("nec", "officers")


@transaction.atomic
def body_create(*, name: str, employer: Employer | None, parties: str, constitution: str = "", actor, on: dt.date | None = None) -> NegotiatingBody:
    require_negotiator(actor, employer.pk if employer else None)
    name, parties = name.strip(), parties.strip()
    if not name or not parties:
        raise Refused("A negotiating body needs a name and its parties.")
    slug = slugify(name)[:60]
    if NegotiatingBody.objects.filter(slug=slug).exists():
        raise Refused(f"There is already a negotiating body called {name}.", status=409)
    body = NegotiatingBody.objects.create(
        name=name, slug=slug, employer=employer, level=NegotiatingBody.Level.EMPLOYER if employer else NegotiatingBody.Level.NATIONAL,
        parties=parties, constitution=constitution.strip(), status_on=on or timezone.localdate(),
    )  # fmt: skip
    BodyStatusChange.objects.create(body=body, status=body.status, on=body.status_on, note="Set up", recorded_by=actor)
    audit_record(actor=actor, action=Action.CHANGE, subject=body, detail={"event": "negotiating body created"})
    return body


def check_status_change(*, body: NegotiatingBody, status: str, on: dt.date) -> None:
    if status not in NegotiatingBody.Status.values:
        raise Refused("Choose active, suspended or withdrawn.")
    last = body.status_changes.order_by("-on", "-pk").first()
    if last and on < last.on:
        raise Refused(f"The body's status was last changed on {last.on:%-d %B %Y}; a change cannot be dated before it.")
    if status == body.status:
        raise Refused(f"The body is already {body.get_status_display().lower()}.", status=409)


@transaction.atomic
def body_set_status(*, body: NegotiatingBody, status: str, on: dt.date, note: str = "", actor) -> NegotiatingBody:
    """Suspend, withdraw or restore a body from a date, kept in its history."""
    body = NegotiatingBody.objects.select_for_update().get(pk=body.pk)
    require_negotiator(actor, body.employer_id)
    check_status_change(body=body, status=status, on=on)
    body.status, body.status_on = status, on
    body.save(update_fields=["status", "status_on"])
    BodyStatusChange.objects.create(body=body, status=status, on=on, note=note.strip(), recorded_by=actor)
    audit_record(actor=actor, action=Action.CHANGE, subject=body, detail={"event": "status changed", "status": status})
    return body


def check_ratification(*, body: NegotiatingBody, decision_id: int) -> conference.DecisionFacts:
    """The decision, if it can ratify: recorded at a quorate meeting of the NEC
    or the officers group. Otherwise Refused, saying why."""
    facts = conference.decision_facts(decision_id=decision_id)
    if facts is None:
        raise Refused("No such decision is recorded in conference's meetings.")
    if facts.body_slug not in RATIFYING_BODIES:
        raise Refused(f"Only a decision of the NEC or the officers group can ratify a constitution, not of the {facts.body_name}.")
    if not facts.quorate:
        raise Refused(
            f"{facts} cannot ratify the constitution: the meeting was not quorate "
            f"({facts.attended} attended; the quorum was {facts.quorum})."
        )
    if body.ratification_id:
        raise Refused("This body's constitution is already ratified.", status=409)
    return facts


@transaction.atomic
def body_ratify(*, body: NegotiatingBody, decision_id: int, actor) -> NegotiatingBody:
    body = NegotiatingBody.objects.select_for_update().get(pk=body.pk)
    require_negotiator(actor, body.employer_id)
    facts = check_ratification(body=body, decision_id=decision_id)
    body.ratification_id, body.ratified_on = facts.id, facts.held_on
    body.save(update_fields=["ratification", "ratified_on"])
    audit_record(actor=actor, action=Action.CHANGE, subject=body, detail={"event": "constitution ratified", "decision": facts.id})
    return body


@transaction.atomic
def body_set_union_side(*, body: NegotiatingBody, offices: list[Office], actor) -> None:
    """The union side: current offices from the register (a national body any;
    an employer's body offices of that employer or national ones)."""
    require_negotiator(actor, body.employer_id)
    today = timezone.localdate()
    current = set(Office.objects.current(today).filter(pk__in=[o.pk for o in offices]).values_list("pk", flat=True))
    stale = [str(o) for o in offices if o.pk not in current]
    if stale:
        raise Refused(f"Not held today: {', '.join(stale)}.")
    body.union_side.set(offices)
    audit_record(actor=actor, action=Action.OFFICE, subject=body, detail={"event": "union side set", "offices": len(offices)})
