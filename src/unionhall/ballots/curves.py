"""Voting curves: what share of a ballot's final votes had come in by each
point of its voting window. Kept for every closed ballot (Ballot.turnout_curve),
they let the turnout drive project a ballot that is open now from how this
union's members have actually voted before, rather than from the pace so far,
which overshoots early because votes come in a rush after the opening."""

import bisect
import datetime as dt
import statistics
from collections.abc import Iterable, Sequence

MARKS = 20  # the curve's points: the share of final votes by 5%, 10%, … 100% of the window
MIN_HISTORY = 3  # fewer past ballots than this and the projection falls back to the pace so far
MIN_VOTES = 50  # a ballot with fewer votes, or
MIN_WINDOW = dt.timedelta(days=1)  # a shorter window (a vote at conference), says nothing about a members' ballot's curve


def comparable(ballot, votes: int) -> bool:
    """Whether a ballot's curve can teach the projection anything."""
    return votes >= MIN_VOTES and ballot.closes_at - ballot.opens_at >= MIN_WINDOW


def voting_curve(voted_at: Iterable[dt.datetime], opens_at: dt.datetime, closes_at: dt.datetime) -> list[float]:
    """Cumulative share of the votes by each of MARKS equal steps of the window."""
    window = (closes_at - opens_at).total_seconds()
    times = sorted(min(max((t - opens_at).total_seconds() / window, 0.0), 1.0) for t in voted_at)
    if not times or window <= 0:
        return []
    return [round(bisect.bisect_right(times, k / MARKS) / len(times), 4) for k in range(1, MARKS + 1)]


def share_by(curve: Sequence[float], fraction: float) -> float:
    """The curve's share of final votes at ``fraction`` of the window (linear between marks, 0 at the opening)."""
    points = [0.0, *curve]
    x = min(max(fraction, 0.0), 1.0) * MARKS
    i = min(int(x), MARKS - 1)
    return points[i] + (points[i + 1] - points[i]) * (x - i)


def expected_share(curves: Sequence[Sequence[float]], fraction: float) -> tuple[float, float] | None:
    """Mean and standard deviation, across past ballots, of the share of final
    votes in by ``fraction`` of the window; None without enough history."""
    shares = [share_by(c, fraction) for c in curves if len(c) == MARKS]
    if len(shares) < MIN_HISTORY:
        return None
    return statistics.fmean(shares), statistics.stdev(shares)
