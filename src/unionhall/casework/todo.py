"""What in casework waits on the signed-in officer or rep (the home page lists it)."""

import datetime as dt

from django.db.models import Count, Min
from django.urls import reverse

from unionhall.casework.access import has_oversight, oversight_q
from unionhall.casework.models import Case, CaseDeadline
from unionhall.members.models import Member
from unionhall.members.remit import remit_for
from unionhall.todo import ToDo


def to_do_for(user, *, today: dt.date | None = None, remit=None) -> list[ToDo]:
    """For a rep: cases offered to them to accept, and their cases' deadlines
    within the week. For branch officers and HQ: requests for help with no rep
    yet, and the week's deadlines across the remit. Counts only: no case's
    contents, so the home page reads nothing confidential."""
    today = today or dt.date.today()
    week = today + dt.timedelta(days=7)
    items = []
    member = Member.objects.filter(user=user).only("pk").first()
    if member is not None:
        offered = Case.objects.filter(rep=member, status=Case.Status.OFFERED).count()
        if offered:
            items.append(ToDo(f"{offered} case{'s' if offered != 1 else ''} offered to you to accept", reverse("casework_home"), urgent=True))
        mine = CaseDeadline.objects.filter(case__rep=member, case__status=Case.Status.OPEN, met_at__isnull=True, due_on__gte=today, due_on__lte=week)
        week_of_mine = mine.aggregate(n=Count("pk"), soonest=Min("due_on"))  # one query for both
        n, soonest = week_of_mine["n"], week_of_mine["soonest"]
        if n:
            items.append(ToDo(f"{n} deadline{'s' if n != 1 else ''} in your cases this week", reverse("casework_home"), urgent=True, due=soonest))
    remit = remit or remit_for(user)  # the home page passes the request's remit
    if has_oversight(remit):
        waiting = Case.objects.filter(oversight_q(remit), status=Case.Status.REQUESTED).count()
        if waiting:
            items.append(ToDo(f"{waiting} request{'s' if waiting != 1 else ''} for help waiting for a rep", reverse("casework_branch"), urgent=True))
        week_q = CaseDeadline.objects.filter(oversight_q(remit), met_at__isnull=True, due_on__gte=today, due_on__lte=week)
        n = week_q.count()
        if n:
            items.append(ToDo(f"{n} case deadline{'s' if n != 1 else ''} this week across your remit", reverse("casework_deadlines")))
    return items
