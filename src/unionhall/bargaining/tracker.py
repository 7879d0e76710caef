"""The commitments tracker: what was promised, when, and how late it is, for
the members in scope, in a bounded number of queries whatever its size (the
page, its count, and nothing per row)."""

import datetime as dt

from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Q, Value, When

from unionhall.bargaining.models import Commitment, CommitmentUpdate

SORTS = {
    # Most late first: open commitments by due date (the earliest due is the latest), then the closed ones.
    "late": ("open_rank", "due_on", "pk"),
    "due": ("due_on", "pk"),
    "recent": (F("last_update_on").desc(nulls_last=True), "-pk"),
}
FILTERS = ("open", "overdue", "delivered", "all")
PAGE_SIZE = 25  # a phone's screenful or two; every page costs the same


def scope_q(*, employer_ids, everyone: bool = False) -> Q:
    """National commitments concern every member; an employer's its members
    (and its link officer). ``everyone`` (a national negotiator) sees them all."""
    if everyone:
        return Q()
    return Q(employer__isnull=True) | Q(employer_id__in=[e for e in employer_ids if e is not None])


def tracker_page(*, scope: Q, sort: str = "late", show: str = "open", today: dt.date, page: int = 1):
    """One page of the tracker: a Paginator page of Commitments, each with
    ``updates_count``, ``late_by`` and ``shown`` (worked out from ``today``).
    Three queries whatever the size: the count, the page, and the page's
    update counts (read for its rows only, never aggregated over every update)."""
    rows = Commitment.objects.filter(scope)
    if show == "open":
        rows = rows.filter(status__in=Commitment.OPEN)
    elif show == "overdue":
        rows = rows.filter(status__in=Commitment.OPEN, due_on__lt=today)
    elif show == "delivered":
        rows = rows.filter(status=Commitment.Status.DELIVERED)
    rows = (
        rows.select_related("agreement__body")
        .annotate(open_rank=Case(When(status__in=Commitment.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by(*SORTS.get(sort, SORTS["late"]))
    )  # fmt: skip
    current = Paginator(rows, PAGE_SIZE).get_page(page)
    counts = dict(
        CommitmentUpdate.objects.filter(commitment_id__in=[c.pk for c in current]).values("commitment_id")
        .annotate(n=Count("pk")).values_list("commitment_id", "n")
    )  # fmt: skip
    for c in current:
        c.updates_count = counts.get(c.pk, 0)
        c.late_by = c.days_late(today)
        c.shown = c.shown_status(today)
    return current


def lateness_words(days: int) -> str:
    if days <= 0:
        return "on time"
    years, rest = divmod(days, 365)
    months = rest // 30
    parts = ([f"{years} year{'s' * (years > 1)}"] if years else []) + ([f"{months} month{'s' * (months > 1)}"] if months else [])
    return " ".join(parts) + " late" if parts else f"{days} day{'s' * (days > 1)} late"
