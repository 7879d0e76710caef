"""Meetings of the NEC and the officers group: who belongs (the current
holders of the body's office on the day), the quorum (from the body's rule),
attendance, and the decisions minuted. A decision of an inquorate meeting is
recorded but flagged invalid."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.conference.models import Body, Decision, Meeting
from unionhall.conference.standing import require_clerk
from unionhall.members.models import Member, Office
from unionhall.refusals import Refused


def body_members(body: Body, on: dt.date):
    holders = Office.objects.current(on).filter(role=body.role).values("member_id")
    return Member.objects.filter(pk__in=holders, status=Member.Status.ACTIVE)


@transaction.atomic
def meeting_create(*, body: Body, held_on: dt.date, title: str, actor) -> Meeting:
    """Record a meeting; its membership and quorum are frozen from the offices held that day."""
    require_clerk(actor)
    members = body_members(body, held_on).count()
    meeting = Meeting.objects.create(
        body=body, held_on=held_on, title=title.strip() or f"{body} meeting", members_count=members,
        quorum=body.quorum_for(members), created_by=actor,
    )  # fmt: skip
    audit_record(actor=actor, action=Action.CHANGE, subject=meeting, detail={"event": "meeting recorded", "members": members, "quorum": meeting.quorum})
    return meeting


@transaction.atomic
def meeting_record_attendance(*, meeting: Meeting, members: list[Member], actor) -> None:
    """Set who attended. Fixed once a decision is minuted, since validity depends on it."""
    require_clerk(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.decisions.exists():
        raise Refused("Attendance is fixed once decisions are minuted.", status=409)
    belonging = set(body_members(meeting.body, meeting.held_on).values_list("pk", flat=True))
    strangers = [m.full_name for m in members if m.pk not in belonging]
    if strangers:
        raise Refused(f"Not members of the {meeting.body} on that day: {', '.join(strangers)}.")
    meeting.attendees.set(members)
    audit_record(actor=actor, action=Action.CHANGE, subject=meeting, detail={"event": "attendance recorded", "present": len(members)})


@transaction.atomic
def decision_record(*, meeting: Meeting, minute: str, text: str, actor, now: dt.datetime | None = None) -> Decision:
    require_clerk(actor)
    if not minute.strip() or not text.strip():
        raise Refused("A decision needs its minute number and its text.")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    decision = Decision.objects.create(meeting=meeting, minute=minute.strip(), text=text.strip(), recorded_by=actor, recorded_at=now or timezone.now())
    audit_record(actor=actor, action=Action.CHANGE, subject=decision, detail={"event": "decision minuted", "quorate": meeting.quorate})
    return decision
