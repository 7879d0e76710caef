"""Conference's meetings and decisions for other apps, as plain functions over
frozen facts (bargaining ratifies a negotiating body's constitution by an NEC
or officers' decision and must know whether its meeting was quorate). Other
apps call these and never import conference's models."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count

from unionhall.conference import meetings
from unionhall.conference.models import Body, Decision, Meeting, Resolution
from unionhall.members.models import Member


@dataclass(frozen=True)
class DecisionFacts:
    id: int
    minute: str
    text: str
    body_slug: str
    body_name: str
    body_role: str
    meeting_id: int
    meeting_title: str
    held_on: dt.date
    attended: int
    quorum: int
    members_count: int

    @property
    def quorate(self) -> bool:
        return self.attended >= self.quorum

    def __str__(self):
        return f"{self.minute} of the {self.body_name} meeting of {self.held_on:%-d %B %Y}"


def decision_facts(*, decision_id: int) -> DecisionFacts | None:
    """The decision and its meeting's quorum and attendance, or None."""
    decision = (
        Decision.objects.select_related("meeting__body").annotate(attended=Count("meeting__attendees"))
        .filter(pk=decision_id).first()
    )  # fmt: skip
    if decision is None:
        return None
    m = decision.meeting
    return DecisionFacts(decision.pk, decision.minute, decision.text, m.body.slug, m.body.name, m.body.role, m.pk, m.title, m.held_on,
                         decision.attended, m.quorum, m.members_count)  # fmt: skip


def decisions_of(*, body_slugs: tuple[str, ...], limit: int = 50) -> list[DecisionFacts]:
    """Recent decisions of these bodies (e.g. "nec", "officers"), newest first."""
    ids = Decision.objects.filter(meeting__body__slug__in=body_slugs).order_by("-meeting__held_on", "-pk").values_list("pk", flat=True)[:limit]
    rows = (
        Decision.objects.select_related("meeting__body").annotate(attended=Count("meeting__attendees"))
        .filter(pk__in=list(ids)).order_by("-meeting__held_on", "-pk")
    )  # fmt: skip
    return [DecisionFacts(d.pk, d.minute, d.text, d.meeting.body.slug, d.meeting.body.name, d.meeting.body.role, d.meeting_id,
                          d.meeting.title, d.meeting.held_on, d.attended, d.meeting.quorum, d.meeting.members_count) for d in rows]  # fmt: skip


def meeting_hold(*, body_slug: str, held_on: dt.date, title: str, attendee_ids: list[int], actor) -> int:
    """Record a meeting of the body and who attended, through conference's own
    services (HQ acts as clerk); returns the meeting's id."""
    body = Body.objects.get(slug=body_slug)
    meeting = meetings.meeting_create(body=body, held_on=held_on, title=title, actor=actor)
    meetings.meeting_record_attendance(meeting=meeting, members=list(Member.objects.filter(pk__in=attendee_ids)), actor=actor)
    return meeting.pk


def body_member_ids(*, body_slug: str, on: dt.date) -> list[int]:
    """Who belonged to the body on the day (the holders of its office), by membership number."""
    body = Body.objects.get(slug=body_slug)
    return list(meetings.body_members(body, on).order_by("membership_number").values_list("pk", flat=True))


def decision_minute(*, meeting_id: int, minute: str, text: str, actor, now: dt.datetime | None = None) -> int:
    """Minute a decision at the meeting (conference's service); returns its id."""
    return meetings.decision_record(meeting=Meeting.objects.get(pk=meeting_id), minute=minute, text=text, actor=actor, now=now).pk


def resolution_titles(*, ids) -> dict[int, str]:
    """Titles of conference resolutions, by id, for links from a commitment."""
    return dict(Resolution.objects.filter(pk__in=list(ids)).values_list("pk", "title"))


def resolution_find(*, title_contains: str) -> tuple[int, str] | None:
    """The latest resolution whose title contains the words, as (id, title), if any."""
    row = Resolution.objects.filter(title__icontains=title_contains).order_by("-created_at", "-pk").values_list("pk", "title").first()
    return tuple(row) if row else None
