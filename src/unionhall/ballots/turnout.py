"""The turnout drive: how many of the members in an officer's remit have
voted, where, how fast, and who has not yet, never how anyone voted.

Workplaces with fewer than MIN_AREA_SIZE entitled members are shown together,
so a small office's turnout cannot single anyone out. The statutory threshold
rules (and which of these views a statutory ballot may show) arrive with the
rule profiles; until then the 50% line is shown for reference.
"""

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from unionhall.ballots.models import Ballot, RollEntry
from unionhall.ballots.services import MIN_AREA_SIZE
from unionhall.members.remit import Remit

REFERENCE_THRESHOLD = 0.5
SMALL_WORKPLACES = "Smaller workplaces together"


@dataclass(frozen=True)
class Place:
    name: str
    entitled: int
    voted: int

    @property
    def percent(self) -> float:
        return 100 * self.voted / self.entitled if self.entitled else 0.0


@dataclass(frozen=True)
class Projection:
    percent: float
    plus_minus: float
    votes_needed: int  # more votes needed to reach the reference threshold


@dataclass(frozen=True)
class Turnout:
    total: Place
    places: list[Place]
    by_day: list[tuple[dt.date, int]]  # cumulative votes at the end of each day
    projection: Projection | None


def roll_in_remit(ballot: Ballot, remit: Remit):
    return RollEntry.objects.filter(remit.members_q("member__"), ballot=ballot, removed_at__isnull=True)


def turnout(ballot: Ballot, remit: Remit, now: dt.datetime | None = None) -> Turnout:
    now = now or timezone.now()
    rows = list(roll_in_remit(ballot, remit).values_list("member__workplace__name", "voted_at"))
    entitled = Counter(name or SMALL_WORKPLACES for name, _ in rows)
    voted = Counter(name or SMALL_WORKPLACES for name, at in rows if at)
    places: dict[str, Place] = {}
    for name, n in entitled.items():
        key = name if n >= MIN_AREA_SIZE else SMALL_WORKPLACES
        old = places.get(key, Place(key, 0, 0))
        places[key] = Place(key, old.entitled + n, old.voted + voted[name])
    total = Place("All members in your remit", len(rows), sum(1 for _, at in rows if at))
    days = Counter(timezone.localtime(at).date() for _, at in rows if at)
    by_day, running = [], 0
    for day in sorted(days):
        running += days[day]
        by_day.append((day, running))
    return Turnout(total, sorted(places.values(), key=lambda p: (p.name == SMALL_WORKPLACES, p.name)), by_day, _project(ballot, total, now))


def _project(ballot: Ballot, total: Place, now: dt.datetime) -> Projection | None:
    """Turnout at close if votes keep coming at the pace so far, with a rough
    uncertainty: the count so far as a Poisson process (±2 standard deviations
    of the rate), capped at the roll."""
    elapsed = (min(now, ballot.closes_at) - ballot.opens_at).total_seconds()
    window = (ballot.closes_at - ballot.opens_at).total_seconds()
    if total.entitled == 0 or elapsed <= 0 or window <= 0:
        return None
    scale = window / elapsed
    expected = min(total.entitled, total.voted * scale)
    spread = min(total.entitled, 2 * math.sqrt(max(total.voted, 1)) * scale)
    needed = max(0, math.ceil(REFERENCE_THRESHOLD * total.entitled) - total.voted)
    return Projection(100 * expected / total.entitled, 100 * spread / total.entitled, needed)


def non_voters(ballot: Ballot, remit: Remit):
    """Members in the remit who have not voted, with how to reach them (for reminders)."""
    return (
        roll_in_remit(ballot, remit)
        .filter(voted_at__isnull=True)
        .select_related("member__workplace")
        .order_by("member__last_name", "member__first_name")
    )
