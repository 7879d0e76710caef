"""Plain functions other parts of the site call (the home page composes them)."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from unionhall.ballots.models import Ballot, RollEntry
from unionhall.members.remit import remit_for
from unionhall.todo import ToDo


def open_ballots_for(user) -> list[tuple[Ballot, bool]]:
    """Ballots open now with the user on the roll, and whether they have voted."""
    now = timezone.now()
    entries = (
        RollEntry.objects.filter(member__user=user, removed_at__isnull=True, ballot__status=Ballot.Status.OPEN,
                                 ballot__opens_at__lte=now, ballot__closes_at__gt=now)
        .select_related("ballot")
        .order_by("ballot__closes_at")
    )  # fmt: skip
    return [(e.ballot, e.voted_at is not None) for e in entries]


def to_do_for(user, *, remit=None) -> list[ToDo]:
    """HQ's ballots that wait on somebody: drafts not yet opened, and closed
    ballots whose trustees have not yet decrypted the result."""
    if not (remit or remit_for(user)).everyone:  # the home page passes the request's remit
        return []
    counts = dict(Ballot.objects.filter(status__in=[Ballot.Status.DRAFT, Ballot.Status.CLOSED]).values_list("status").annotate(n=Count("id")))
    items = []
    if counts.get(Ballot.Status.CLOSED):
        n = counts[Ballot.Status.CLOSED]
        items.append(ToDo(f"{n} closed ballot{'s' if n != 1 else ''} wait{'' if n != 1 else 's'} for the trustees to decrypt the result", reverse("ballot_list"), urgent=True))
    if counts.get(Ballot.Status.DRAFT):
        n = counts[Ballot.Status.DRAFT]
        items.append(ToDo(f"{n} ballot{'s are' if n != 1 else ' is'} being prepared and not yet open", reverse("ballot_list")))
    return items
