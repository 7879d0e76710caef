"""A member's pay history: for each stretch of dates, their band, point and
weekly hours against the full-time hours of the post.

Periods may not overlap (a member is paid at one point at a time), hours must be
more than zero and no more than full time, and a period ends on or after it
starts. With an anniversary date, the member moves up one point a year on that
day of the year (29 February counts as 28 February in other years), never
past the top point of their band in the scale given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .errors import BackpayError
from .money import parse_date, parse_decimal

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    band: str
    point: int
    hours: Decimal
    full_time_hours: Decimal


@dataclass(frozen=True)
class History:
    employee_number: str
    employer: str
    periods: tuple[Period, ...]
    anniversary: dt.date | None = None  # one point a year on this day of the year

    def __post_init__(self):
        problems = []
        ordered = sorted(self.periods, key=lambda p: p.start)
        for p in ordered:
            if p.end < p.start:
                problems.append(f"history: the period from {p.start} ends {p.end}, before it starts")
            if p.full_time_hours <= 0:
                problems.append(f"history: the period from {p.start} has full-time hours of {p.full_time_hours}; they must be more than zero")
            elif p.hours > p.full_time_hours:
                problems.append(f"history: the period from {p.start} has {p.hours} hours a week, above the full-time {p.full_time_hours}")
            if p.hours <= 0:
                problems.append(f"history: the period from {p.start} has {p.hours} hours a week; they must be more than zero")
        for a, b in zip(ordered, ordered[1:]):
            if b.start <= a.end:
                problems.append(f"history: the period from {b.start} overlaps the period from {a.start} to {a.end}")
        if not self.periods:
            problems.append("history: no periods")
        if problems:
            raise BackpayError(problems)
        object.__setattr__(self, "periods", tuple(ordered))

    @classmethod
    def from_dict(cls, data: dict) -> History:
        """From the ``member`` object of the input file (see docs/backpay.md)."""
        if not isinstance(data, dict):
            raise BackpayError("member: expected an object with employee_number, employer and periods")
        problems: list[str] = []
        for f in ("employee_number", "employer", "periods"):
            if data.get(f) in (None, "", []):
                problems.append(f"member: missing {f}")
        if problems:
            raise BackpayError(problems)
        default_fte = data.get("full_time_hours")
        anniversary = parse_date(data["anniversary"], "member: anniversary", problems) if data.get("anniversary") else None
        periods = []
        for number, row in enumerate(data["periods"], start=1):
            where = f"member, period {number}"
            if not isinstance(row, dict):
                problems.append(f"{where}: expected an object")
                continue
            missing = [f for f in ("from", "to", "band", "point", "hours") if row.get(f) in (None, "")]
            if row.get("full_time_hours", default_fte) in (None, ""):
                missing.append("full_time_hours")
            if missing:
                problems.append(f"{where}: missing {', '.join(missing)}")
                continue
            start = parse_date(row["from"], f"{where}: from", problems)
            end = parse_date(row["to"], f"{where}: to", problems)
            hours = parse_decimal(row["hours"], f"{where}: hours", problems)
            fte = parse_decimal(row.get("full_time_hours", default_fte), f"{where}: full_time_hours", problems)
            try:
                point = int(str(row["point"]))
            except ValueError:
                problems.append(f"{where}: point {row['point']!r} is not a whole number")
                continue
            if None in (start, end, hours, fte):
                continue
            periods.append(Period(start, end, str(row["band"]).strip(), point, hours, fte))
        if problems:
            raise BackpayError(problems)
        return cls(str(data["employee_number"]).strip(), str(data["employer"]).strip(), tuple(periods), anniversary)


def anniversaries(anniversary: dt.date, start: dt.date, end: dt.date) -> list[dt.date]:
    """The anniversaries strictly after ``start`` and up to ``end``."""
    days = []
    for year in range(start.year, end.year + 1):
        try:
            day = anniversary.replace(year=year)
        except ValueError:  # 29 February in a year without one
            day = dt.date(year, 2, 28)
        if start < day <= end and day > anniversary:
            days.append(day)
    return days


def segments(history: History, top_point) -> list[Period]:
    """The history with progression applied: each period split on the member's
    anniversaries, the point going up by one at each (stopping at
    ``top_point(band)``, which returns None for no limit)."""
    if history.anniversary is None:
        return list(history.periods)
    out = []
    for p in history.periods:
        start, point = p.start, p.point
        top = top_point(p.band)
        for day in anniversaries(history.anniversary, p.start, p.end):
            out.append(Period(start, day - ONE_DAY, p.band, point, p.hours, p.full_time_hours))
            start = day
            if top is None or point < top:
                point += 1
        out.append(Period(start, p.end, p.band, point, p.hours, p.full_time_hours))
    return out
