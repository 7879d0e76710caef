"""Which bulletins a member may read. One filter serves the archive, a
bulletin's page, commenting and the feed, so they cannot disagree."""

import datetime as dt
import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from unionhall.bulletins.models import AddressFlag, Audience, Bulletin, Reader
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


def audience_members(bulletin: Bulletin) -> QuerySet:
    """Active members the bulletin is addressed to: the same rule as
    ``audience_q``, seen from the bulletin's side, as one query that scales
    to any register (iterate it; never load it)."""
    members = Member.objects.filter(status=Member.Status.ACTIVE)
    if bulletin.audience == Audience.ACTIVISTS:
        return members.filter(Exists(Office.objects.current().filter(member=OuterRef("pk"))))
    if bulletin.audience == Audience.CHOSEN:
        employers = list(bulletin.employers.values_list("pk", flat=True))
        branches = list(bulletin.branches.values_list("pk", flat=True))
        if employers:
            members = members.filter(employer_id__in=employers)
        if branches:
            members = members.filter(branch_id__in=branches)
        if bulletin.grade_list:
            members = members.filter(grade__in=bulletin.grade_list)
    return members


def address_bounced() -> Exists:
    """Over Member: their current email address bounced and is not yet corrected."""
    return Exists(AddressFlag.objects.filter(member=OuterRef("pk"), email=OuterRef("email"), cleared_at__isnull=True))


def address_flags_in(remit_q: Q) -> QuerySet:
    """Open flags on members' current addresses, for the officers whose remit is ``remit_q`` (over Member)."""
    members = Member.objects.filter(remit_q).values("pk")
    return (
        AddressFlag.objects.filter(cleared_at__isnull=True, member__in=members, email=F("member__email"))
        .select_related("member__branch")
        .order_by("member__last_name", "member__first_name", "pk")
    )


def open_address_flag(member: Member) -> AddressFlag | None:
    """The flag on the member's current address, if it bounced."""
    return AddressFlag.objects.filter(member=member, email=member.email, cleared_at__isnull=True).first() if member.email else None


def search_vector() -> SearchVector:
    """What PostgreSQL searches. Migration 0005 indexes exactly this expression (GIN)."""
    return SearchVector("title", "summary", "body", config="english")


def fts5_query(text: str) -> str:
    """Members' words as an FTS5 query that cannot be a syntax error: each
    word quoted, all required, the last one also as a prefix ("pay offe" finds "offer")."""
    words = re.findall(r"\w+", text)
    if not words:
        return ""
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def search_bulletins(queryset: QuerySet, text: str) -> QuerySet:
    """Full-text search over title, summary and body, best matches first:
    SQLite's FTS5 table (bm25) or PostgreSQL's websearch syntax (ts_rank)."""
    text = text.strip()
    if not text:
        return queryset
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        query = SearchQuery(text, config="english", search_type="websearch")
        return queryset.annotate(search=search_vector()).filter(search=query).annotate(rank=SearchRank(search_vector(), query)).order_by("-rank", "-publish_at", "-pk")
    if vendor == "sqlite":
        match = fts5_query(text)
        if not match:
            return queryset.none()
        rank = RawSQL(
            "(SELECT bm25(bulletins_bulletin_fts) FROM bulletins_bulletin_fts WHERE bulletins_bulletin_fts MATCH %s AND rowid = bulletins_bulletin.id)", [match]
        )
        return queryset.annotate(rank=rank).filter(rank__isnull=False).order_by("rank", "-publish_at", "-pk")
    return queryset.filter(Q(title__icontains=text) | Q(summary__icontains=text) | Q(body__icontains=text))


THREADS_PER_PAGE = 50


def threads(bulletin: Bulletin) -> QuerySet:
    """Top-level comments in the order the page shows them (replies follow their thread)."""
    return bulletin.comments.filter(parent__isnull=True).order_by("posted_at", "pk")


def comment_page(comment) -> int:
    """The page of its bulletin's discussion that shows ``comment``."""
    root = comment.parent or comment
    earlier = threads(comment.bulletin).filter(Q(posted_at__lt=root.posted_at) | Q(posted_at=root.posted_at, pk__lt=root.pk)).count()
    return earlier // THREADS_PER_PAGE + 1


def reader_for(member: Member) -> Reader:
    reader, _ = Reader.objects.get_or_create(member=member, defaults={"feed_key": Reader.new_feed_key()})
    return reader
