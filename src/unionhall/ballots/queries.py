"""Plain functions other parts of the site call (the home page composes them)."""

from django.utils import timezone

from unionhall.ballots.models import Ballot, RollEntry


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
