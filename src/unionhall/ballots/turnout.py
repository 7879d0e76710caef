"""The turnout drive: how many of the members in an officer's remit have
voted, where, how fast, and who has not yet, never how anyone voted.

Workplaces with fewer than MIN_AREA_SIZE entitled members are shown together,
and a group still that small has its figures suppressed, so a small office's
turnout cannot single anyone out. A statutory ballot is measured against the
turnout threshold its rules set (the drive terms of its rule profile,
``ballots.hooks``); for it
the page offers nothing that looks like supervising or urging voting at the
workplace, and reminders never go to a work address. Other ballots show 50%
for reference.
"""

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.utils import timezone

from unionhall.ballots import hooks
from unionhall.ballots.curves import expected_share
from unionhall.ballots.models import Ballot, RollEntry
from unionhall.ballots.roll import MIN_AREA_SIZE
from unionhall.members.models import Workplace
from unionhall.members.remit import Remit

REFERENCE_THRESHOLD = 50
HISTORY = 10  # past ballots whose voting curves the projection learns from
SMALL_WORKPLACES = "Smaller workplaces together"


@dataclass(frozen=True)
class Place:
    name: str
    entitled: int
    voted: int

    @property
    def percent(self) -> float:
        return 100 * self.voted / self.entitled if self.entitled else 0.0

    @property
    def suppressed(self) -> bool:
        return self.entitled < MIN_AREA_SIZE


@dataclass(frozen=True)
class Projection:
    percent: float
    plus_minus: float
    votes_needed: int  # more votes needed to reach the threshold
    past_ballots: int = 0  # how many past ballots' curves it learnt from; 0 = the pace so far

    @property
    def basis(self) -> str:
        if self.past_ballots:
            return f"judging by how members voted in the last {self.past_ballots} ballots"
        return "at this pace"


@dataclass(frozen=True)
class Chart:
    """Turnout over time as an SVG: x is the voting window, y is 0-100%."""

    width: int
    height: int
    points: str  # the turnout so far, as SVG polyline points
    threshold_y: float | None
    projection: tuple[float, float, float, float] | None  # from the last point to the close
    band: str  # the projection's uncertainty at the close, as polygon points
    ticks: list[tuple[float, str]]  # y position and label


@dataclass(frozen=True)
class Turnout:
    total: Place
    places: list[Place]
    by_day: list[tuple[dt.date, int]]  # cumulative votes at the end of each day
    projection: Projection | None
    threshold: int | None  # percent; None when no turnout threshold applies to a statutory ballot
    statutory: bool
    chart: Chart | None


def roll_in_remit(ballot: Ballot, remit: Remit):
    """The roll entries in the officer's remit, by where members worked when the roll froze."""
    return RollEntry.objects.filter(remit.members_q(), ballot=ballot, removed_at__isnull=True)


def turnout(ballot: Ballot, remit: Remit, now: dt.datetime | None = None) -> Turnout:
    now = now or timezone.now()
    terms = hooks.drive_terms(ballot_id=ballot.pk)
    threshold = terms.threshold if terms.statutory else REFERENCE_THRESHOLD
    roll = roll_in_remit(ballot, remit)
    # Counted in the database: a large roll is never loaded row by row.
    # Grouped on the roll alone (no join to members or workplaces for every row), named after.
    counts = list(roll.values_list("workplace_id").annotate(n=Count("pk"), voted=Count("pk", filter=Q(voted_at__isnull=False))))
    names = dict(Workplace.objects.filter(pk__in=[w for w, _, _ in counts if w]).values_list("pk", "name"))
    entitled, voted = Counter(), Counter()
    for workplace, n, v in counts:
        name = names.get(workplace) or SMALL_WORKPLACES
        entitled[name] += n
        voted[name] += v
    places: dict[str, Place] = {}
    for name, n in entitled.items():
        key = name if n >= MIN_AREA_SIZE else SMALL_WORKPLACES
        old = places.get(key, Place(key, 0, 0))
        places[key] = Place(key, old.entitled + n, old.voted + voted[name])
    total = Place("All members in your remit", sum(entitled.values()), sum(voted.values()))
    by_day, running = [], 0
    for day, n in sorted(votes_by_day(roll).items()):
        running += n
        by_day.append((day, running))
    projection = _project(ballot, total, now, threshold, past_curves(ballot))
    return Turnout(total, sorted(places.values(), key=lambda p: (p.name == SMALL_WORKPLACES, p.name)), by_day, projection,
                   threshold, terms.statutory, _chart(ballot, total, by_day, projection, threshold, now))  # fmt: skip


def votes_by_day(roll) -> dict[dt.date, int]:
    """Votes on each local day. Casting stores only the day, at noon
    (``do_cast_ballot``), so the roll is grouped on ``voted_at`` as stored,
    with no function called for each row, and the few groups are put on
    their local days here (any time of day folds into its day, so entries
    stamped otherwise count correctly too)."""
    days: Counter = Counter()
    for moment, n in roll.filter(voted_at__isnull=False).values_list("voted_at").annotate(n=Count("pk")).order_by():
        days[timezone.localtime(moment).date()] += n
    return dict(days)


def past_curves(ballot: Ballot) -> list[list[float]]:
    """The voting curves of the union's most recent closed ballots."""
    closed = Ballot.objects.exclude(pk=ballot.pk).exclude(closed_at=None).exclude(turnout_curve=[]).order_by("-closed_at")
    return list(closed.values_list("turnout_curve", flat=True)[:HISTORY])


def _project(ballot: Ballot, total: Place, now: dt.datetime, threshold: int | None, history=()) -> Projection | None:
    """Turnout at the close. With enough past ballots: the votes so far divided
    by the share of final votes that had come in by this point of their
    windows, ± the spread of that share across them (2 standard deviations)
    and of the count itself (Poisson). Otherwise: the pace so far, which
    overshoots early, as votes come in a rush after the opening."""
    elapsed = (min(now, ballot.closes_at) - ballot.opens_at).total_seconds()
    window = (ballot.closes_at - ballot.opens_at).total_seconds()
    if total.entitled == 0 or elapsed <= 0 or window <= 0:
        return None
    needed = max(0, math.ceil((threshold or 0) * total.entitled / 100) - total.voted)
    learnt = expected_share(history, elapsed / window)
    if learnt and learnt[0] > 0.02:
        share, sd = learnt
        expected = total.voted / share
        low, high = total.voted / min(1.0, share + 2 * sd), total.voted / max(share - 2 * sd, share / 3)
        spread = math.hypot((high - low) / 2, 2 * math.sqrt(max(total.voted, 1)) / share)
        return Projection(100 * min(total.entitled, expected) / total.entitled, 100 * min(total.entitled, spread) / total.entitled,
                          needed, len(history))  # fmt: skip
    scale = window / elapsed
    expected = min(total.entitled, total.voted * scale)
    spread = min(total.entitled, 2 * math.sqrt(max(total.voted, 1)) * scale)
    return Projection(100 * expected / total.entitled, 100 * spread / total.entitled, needed)


CHART_W, CHART_H, PAD = 600, 240, 36


def _chart(ballot: Ballot, total: Place, by_day, projection: Projection | None, threshold: int | None, now: dt.datetime) -> Chart | None:
    if not total.entitled:
        return None
    start, end = ballot.opens_at, ballot.closes_at
    span = (end - start).total_seconds() or 1

    def x(moment: dt.datetime) -> float:
        return round(PAD + (CHART_W - 2 * PAD) * min(max((moment - start).total_seconds() / span, 0), 1), 1)

    def y(percent: float) -> float:
        return round(CHART_H - PAD - (CHART_H - 2 * PAD) * min(max(percent, 0), 100) / 100, 1)

    points = [(x(start), y(0))]
    for day, n in by_day:
        end_of_day = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))
        points.append((x(min(end_of_day, now)), y(100 * n / total.entitled)))
    last = (x(min(now, end)), y(total.percent))
    points.append(last)
    line, band = None, ""
    if projection and now < end:
        line = (*last, x(end), y(projection.percent))
        band = " ".join(f"{a},{b}" for a, b in [last, (x(end), y(projection.percent + projection.plus_minus)), (x(end), y(projection.percent - projection.plus_minus))])
    ticks = [(y(p), f"{p}%") for p in (0, 25, 50, 75, 100)]
    return Chart(CHART_W, CHART_H, " ".join(f"{a},{b}" for a, b in points), None if threshold is None else y(threshold), line, band, ticks)


NAME_ORDER = ("member__last_name", "member__first_name", "member__membership_number")  # members_member's member_order index


def non_voters(ballot: Ballot, remit: Remit):
    """Members in the remit who have not voted, with how to reach them (for
    reminders), in name order. ``reminder_email`` is blank for a work address
    in a statutory ballot: reminders go to members at home, never through the
    workplace.

    The order is the whole of the members' name index (member_order), so a
    page of the list (the turnout page shows 500) can be read by walking that
    index and looking each member's roll entry up, stopping when the page is
    full, where the planner finds that cheaper than sorting the remit's
    non-voters (PostgreSQL does, for a large remit)."""
    entries = roll_in_remit(ballot, remit).filter(voted_at__isnull=True).select_related("member__workplace")
    domains = hooks.drive_terms(ballot_id=ballot.pk).work_domains
    if domains:
        work = Q()
        for domain in domains:
            work |= Q(member__email__iendswith=f"@{domain}") | Q(member__email__iendswith=f".{domain}")
        reminder = Case(When(work, then=Value("")), default=F("member__email"), output_field=CharField())
    else:
        reminder = F("member__email")
    return entries.annotate(reminder_email=reminder).order_by(*NAME_ORDER)
