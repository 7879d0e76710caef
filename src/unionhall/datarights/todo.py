"""What in members' data rights waits on HQ (the home page lists it)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from unionhall.datarights.erasure import erasures_pending
from unionhall.datarights.requests import sars_open
from unionhall.members.remit import remit_for
from unionhall.todo import ToDo

# A request due within this many days is shown as urgent, as an overdue one is.
SOON_DAYS = 7


def to_do_for(user, *, remit=None) -> list[ToDo]:
    """For HQ only: subject access requests overdue or due within a week
    (urgent), others open, and erasure requests waiting. Two queries."""
    if not getattr(user, "is_authenticated", False) or not (remit or remit_for(user)).everyone:  # the home page passes the request's remit
        return []
    today = timezone.localdate()
    items = []
    due = list(sars_open().select_related(None).values_list("due_on", flat=True)[:500])
    late = [d for d in due if d < today]
    coming = [d for d in due if d >= today]
    url = reverse("datarights_hq_requests")
    if late:
        items.append(ToDo(f"{len(late)} subject access request{'s are' if len(late) != 1 else ' is'} overdue", url, urgent=True, due=min(late)))
    if coming:
        soon = min(coming) <= today + dt.timedelta(days=SOON_DAYS)
        items.append(ToDo(f"{len(coming)} subject access request{'s' if len(coming) != 1 else ''} to answer, the next by {min(coming):%-d %B}",
                          url, urgent=soon, due=min(coming)))  # fmt: skip
    waiting = erasures_pending().count()
    if waiting:
        items.append(ToDo(f"{waiting} erasure request{'s wait' if waiting != 1 else ' waits'} for HQ", reverse("datarights_hq_erasures")))
    return items
