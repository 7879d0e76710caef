"""Which bulletins a member may read. One filter serves the archive, a
bulletin's page, commenting and the feed, so they cannot disagree."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from unionhall.bulletins.models import Audience, Bulletin, Reader
from unionhall.members.models import Member, Office


def holds_office(member: Member, on: dt.date | None = None) -> bool:
    """Activists and reps: members holding any current office."""
    return Office.objects.current(on).filter(member=member).exists()


def published(now: dt.datetime | None = None) -> QuerySet:
    now = now or timezone.now()
    return Bulletin.objects.filter(published_at__isnull=False, publish_at__lte=now)


def audience_q(member: Member) -> Q:
    """Bulletins addressed to ``member``. A bulletin for chosen employers,
    branches or grades reaches a member who matches every dimension it names
    (any employer listed, and any branch listed, and any grade listed)."""
    q = Q(audience=Audience.ALL)
    if holds_office(member):
        q |= Q(audience=Audience.ACTIVISTS)
    employers = Bulletin.employers.through.objects.filter(bulletin_id=OuterRef("pk"))
    branches = Bulletin.branches.through.objects.filter(bulletin_id=OuterRef("pk"))
    chosen = (
        Q(audience=Audience.CHOSEN)
        & (~Exists(employers) | Exists(employers.filter(employer_id=member.employer_id)))
        & (~Exists(branches) | Exists(branches.filter(branch_id=member.branch_id)))
        & (Q(grades="") | Q(grades__contains=f",{member.grade},"))
    )
    return q | chosen


def bulletins_for(member: Member, *, now: dt.datetime | None = None) -> QuerySet:
    """Published bulletins in the member's audience, newest first."""
    return published(now).filter(audience_q(member)).select_related("series").order_by("-publish_at", "-pk")


def search_bulletins(queryset: QuerySet, text: str) -> QuerySet:
    """A plain substring search over title, summary and body.

    TODO(bulletins issue): replace with full-text search — SQLite FTS5 in the
    embedded default, PostgreSQL's tsvector/websearch_to_tsquery (with a GIN
    index) in production — so the archive ranks results and scales past a few
    thousand bulletins."""
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(Q(title__icontains=text) | Q(summary__icontains=text) | Q(body__icontains=text))


def reader_for(member: Member) -> Reader:
    reader, _ = Reader.objects.get_or_create(member=member, defaults={"feed_key": Reader.new_feed_key()})
    return reader
