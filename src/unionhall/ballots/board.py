"""The bulletin board: the counted ballots by tracker, the ballots that stopped
counting (replaced by a re-vote, or withdrawn with their voter from the roll),
and the ballots voters opened to check the booth. What the record publishes
and the tally sums; never who cast which."""

from unionhall.ballots.models import AuditedBallot, Ballot, Cast
from votecrypt import api


def board(ballot: Ballot) -> list[dict]:
    """The counted ballots, as votecrypt's record holds them."""
    casts = Cast.objects.filter(ballot=ballot, superseded=False, roll_entry__removed_at__isnull=True).select_related("roll_entry").order_by("tracker")
    return [{"ballot": c.content, "area": c.roll_entry.area, "tracker": c.tracker} for c in casts]


def not_counted(ballot: Ballot) -> list[dict]:
    """Ballots replaced by the voter's later one, or withdrawn with the voter
    from the roll: by tracker only, so the board does not show who re-voted."""
    rows = Cast.objects.filter(ballot=ballot, superseded=True).values_list("content", "roll_entry__removed_at", "credential__revoked_at").order_by("tracker")
    return [api.not_counted_entry(ballot.manifest, ballot.joint_key, content, "withdrawn" if removed else "revoked" if revoked else "replaced") for content, removed, revoked in rows]


def audited_ballots(ballot: Ballot) -> list[dict]:
    return list(AuditedBallot.objects.filter(ballot=ballot).values_list("entry", flat=True))
