"""Statutory ballots for other apps, as plain functions over frozen facts
(bargaining links a dispute to the ballot run in it and shows the ballot's
dates on the dispute's timeline). Other apps never import mandates' models."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from unionhall.mandates.models import StatutoryBallot


@dataclass(frozen=True)
class StatutoryBallotFacts:
    id: int
    ballot_id: int
    ballot_slug: str
    title: str
    employer_id: int
    opens_on: dt.date
    closes_on: dt.date
    documents: tuple[tuple[str, dt.date], ...]  # (what was issued, the day), in order


def _facts(sb: StatutoryBallot) -> StatutoryBallotFacts:
    docs = tuple((d.get_kind_display(), timezone.localdate(d.issued_at)) for d in sorted(sb.documents.all(), key=lambda d: d.issued_at))
    return StatutoryBallotFacts(sb.pk, sb.ballot_id, sb.ballot.slug, sb.ballot.title, sb.employer_id,
                                timezone.localdate(sb.ballot.opens_at), timezone.localdate(sb.ballot.closes_at), docs)  # fmt: skip


def statutory_ballot_facts(*, statutory_ballot_id: int) -> StatutoryBallotFacts | None:
    sb = StatutoryBallot.objects.select_related("ballot").prefetch_related("documents").filter(pk=statutory_ballot_id).first()
    return _facts(sb) if sb else None


def statutory_ballot_find(*, ballot_slug: str) -> StatutoryBallotFacts | None:
    """The statutory ballot whose ballot has this slug, if any."""
    sb = StatutoryBallot.objects.select_related("ballot").prefetch_related("documents").filter(ballot__slug=ballot_slug).first()
    return _facts(sb) if sb else None


def statutory_ballots_for(*, employer_id: int) -> list[StatutoryBallotFacts]:
    rows = StatutoryBallot.objects.select_related("ballot").prefetch_related("documents").filter(employer_id=employer_id).order_by("-pk")[:50]
    return [_facts(sb) for sb in rows]
