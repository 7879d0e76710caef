"""What in bargaining waits on a negotiator (the home page lists it)."""

import datetime as dt

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone

from unionhall.bargaining.models import BackPayQuery, Commitment
from unionhall.bargaining.roles import bargaining_employers, query_answerers
from unionhall.todo import ToDo

SOON_DAYS = 14


def to_do_for(user, *, remit=None) -> list[ToDo]:  # remit: unused, bargaining has its own scope
    """For those who bargain (HQ, the General Secretary, the officers group: all;
    a link officer: their employer's): open back-pay queries (HQ's and a link
    officer's only), urgent when one is due within a week, and commitments
    overdue or due within two weeks. At most four queries."""
    everyone, employers = bargaining_employers(user)
    if not (everyone or employers):
        return []
    today = timezone.localdate()
    items = []
    answers_all, answers_for = query_answerers(user)  # HQ, or a link officer: not everyone who bargains reads queries
    queries = BackPayQuery.objects.filter(status=BackPayQuery.Status.OPEN)
    if not answers_all:
        queries = queries.filter(settlement__employer_id__in=answers_for)
    q = queries.aggregate(n=Count("pk"), due=Min("due_on")) if answers_all or answers_for else {"n": 0}
    if q["n"]:
        count = q["n"]
        items.append(ToDo(f"{count} back-pay quer{'ies' if count != 1 else 'y'} to answer, the next by {q['due']:%-d %B}",
                          reverse("bargaining_queries"), urgent=q["due"] <= today + dt.timedelta(days=7), due=q["due"]))  # fmt: skip
    scope = Q() if everyone else Q(employer_id__in=employers)
    open_ = Commitment.objects.filter(scope, status__in=Commitment.OPEN)
    late = open_.filter(due_on__lt=today).aggregate(n=Count("pk"), due=Min("due_on"))
    if late["n"]:
        count = late["n"]
        items.append(ToDo(f"{count} commitment{'s are' if count != 1 else ' is'} overdue: record where {'they stand' if count != 1 else 'it stands'}",
                          reverse("bargaining_tracker") + "?show=overdue", urgent=True, due=late["due"]))  # fmt: skip
    soon = open_.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=SOON_DAYS)).aggregate(n=Count("pk"), due=Min("due_on"))
    if soon["n"]:
        items.append(ToDo(f"A commitment falls due by {soon['due']:%-d %B}", reverse("bargaining_tracker") + "?sort=due", due=soon["due"]))
    return items
