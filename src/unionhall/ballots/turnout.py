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
import time
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.utils import timezone

from unionhall.ballots import hooks
from unionhall.ballots.curves import expected_share
from unionhall.ballots.models import Ballot, RollEntry
from unionhall.ballots.roll import MIN_AREA_SIZE
from unionhall.members.models import Member, Workplace
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
    # Counted in the database: a large roll is never loaded row by row. One
    # pass over the roll gives both the workplaces and the days: grouped on
    # (workplace, voted_at) as stored, a few hundred groups (casting stores
    # the day only), read in the order of the roll's covering index for the
    # remit (roll_turnout_workplace, _branch, _employer) with no join and no
    # function called for each row. Workplaces are named after.
    counts = list(roll_in_remit(ballot, remit).values_list("workplace_id", "voted_at").annotate(n=Count("pk")).order_by())
    names = dict(Workplace.objects.filter(pk__in={w for w, _, _ in counts if w}).values_list("pk", "name"))
    entitled, voted, days, local_day = Counter(), Counter(), Counter(), {}
    for workplace, moment, n in counts:
        name = names.get(workplace) or SMALL_WORKPLACES
        entitled[name] += n
        if moment is not None:
            voted[name] += n
            if moment not in local_day:
                local_day[moment] = timezone.localtime(moment).date()
            days[local_day[moment]] += n
    places: dict[str, Place] = {}
    for name, n in entitled.items():
        key = name if n >= MIN_AREA_SIZE else SMALL_WORKPLACES
        old = places.get(key, Place(key, 0, 0))
        places[key] = Place(key, old.entitled + n, old.voted + voted[name])
    total = Place("All members in your remit", sum(entitled.values()), sum(voted.values()))
    by_day, running = [], 0
    for day, n in sorted(days.items()):
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


NON_VOTERS_SHOWN = 500  # the turnout page's list; a longer one is for reminders, not reading
UNION_SIZE_SECONDS = 300
_union_size: tuple[float, int] = (0.0, 0)


@dataclass(frozen=True)
class Contact:
    """How to reach a member who has not voted, as the turnout page lists them."""

    last_name: str
    first_name: str
    membership_number: str
    email: str
    phone: str
    workplace: str | None  # its name


@dataclass(frozen=True)
class NonVoter:
    member: Contact
    reminder_email: str  # blank where only a work address is known in a statutory ballot (``non_voters``)


CONTACT_FIELDS = ("pk", "member__last_name", "member__first_name", "member__membership_number", "member__email", "member__phone",
                  "member__workplace__name", "reminder_email")  # fmt: skip


def union_size() -> int:
    """How many members the register holds, counted at most every five
    minutes in each process. Only ``first_non_voters`` uses it, to choose how
    to read; a stale figure can make that read slower, never different."""
    global _union_size
    counted_at, size = _union_size
    if time.monotonic() - counted_at > UNION_SIZE_SECONDS:
        _union_size = (time.monotonic(), size := Member.objects.count())
    return size


def first_non_voters(ballot: Ballot, remit: Remit, *, waiting: int, limit: int = NON_VOTERS_SHOWN) -> list[NonVoter]:
    """The first ``limit`` entries of ``non_voters(ballot, remit)``, in its
    order, as the contacts the page shows (seven columns, not three models). ``waiting`` is how many there are (the turnout's entitled less
    voted); it chooses only the way of reading, never what is read.

    There are two ways. Walking the members' name index (member_order) from
    the start and looking each member's roll entry up reads about
    limit x members / waiting entries: 900 for HQ's remit (57,000 of 100,000
    waiting), 37,000 for a workplace rep's 1,300. Sorting the remit's
    non-voters reads all of them. Each database, left to itself, takes one
    way for every remit: PostgreSQL walks (its planner sees the LIMIT), which
    for a rep reads a third of the register; SQLite, with no statistics,
    sorts, which for HQ sorts 57,000 rows to show 500. So each is steered:
    PostgreSQL sorts a small remit's keys with no LIMIT and reads the page
    by id; SQLite walks for a large remit, a chunk of member ids at a time.
    The database's own collation orders the names either way, so the page
    is the one the sorted query gives."""
    if limit <= 0 or waiting <= 0:
        return []
    entries = non_voters(ballot, remit)
    if connection.vendor == "postgresql":
        if waiting > 4 * limit:
            return _contacts(entries[:limit])  # its planner walks member_order
        return _in_order(entries, list(entries.values_list("pk", flat=True))[:limit])  # no LIMIT: sorted, not walked
    members = max(union_size(), 1)
    if waiting * waiting < 4 * limit * members:
        return _contacts(entries[:limit])  # SQLite sorts the remit's few non-voters
    return _walk_names(ballot, remit, entries, members=members, waiting=waiting, limit=limit)


def _walk_names(ballot: Ballot, remit: Remit, entries, *, members: int, waiting: int, limit: int) -> list[NonVoter]:
    """``first_non_voters`` by walking member_order, for SQLite."""
    chunk = min(max(math.ceil(1.25 * limit * members / waiting), 200), 5000)
    in_name_order = Member.objects.order_by(*(name.removeprefix("member__") for name in NAME_ORDER)).values_list("pk", flat=True)
    found: list[NonVoter] = []
    offset = 0
    while len(found) < limit:  # to the end of the register, whatever size union_size() last saw
        ids = list(in_name_order[offset : offset + chunk])
        if not ids:
            break
        offset += chunk
        position = {member: i for i, member in enumerate(ids)}
        # Looked up by (ballot, member), the roll's unique index, and only then
        # filtered: with voted_at or a one-branch remit in the query SQLite
        # reads roll_turnout_day or the branch's index instead. ``covers`` reads
        # the roll's own employer, branch and workplace, as ``members_q`` does.
        on_roll = RollEntry.objects.filter(ballot=ballot, member_id__in=ids).values_list(
            "pk", "member_id", "voted_at", "removed_at", "employer_id", "branch_id", "workplace_id", named=True
        )  # fmt: skip
        waiting_here = [row for row in on_roll if row.voted_at is None and row.removed_at is None and remit.covers(row)]
        keys = [row.pk for row in sorted(waiting_here, key=lambda row: position[row.member_id])]
        while keys and len(found) < limit:
            batch, keys = keys[: limit - len(found)], keys[limit - len(found) :]
            found += _in_order(entries, batch)  # the remit and the rest checked again, in the database
    return found


def _contacts(entries) -> list[NonVoter]:
    return [NonVoter(Contact(*row[1:7]), row[7]) for row in entries.values_list(*CONTACT_FIELDS)]


def _in_order(entries, keys: list[int]) -> list[NonVoter]:
    """The entries with these ids (those that ``entries`` holds), in the order of ``keys``."""
    rank = {pk: i for i, pk in enumerate(keys)}
    rows = sorted(entries.filter(pk__in=keys).order_by().values_list(*CONTACT_FIELDS), key=lambda row: rank[row[0]])
    return [NonVoter(Contact(*row[1:7]), row[7]) for row in rows]
