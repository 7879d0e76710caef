"""Pay scales as data: for each employer, band and point, the annual amount and
the day it takes effect (and optionally the last day it applies).

A scale is checked as a whole before use: every amount a non-negative number of
pounds and pence, every date real, and for each (employer, band, point) its rates
in date order must neither overlap nor leave a gap. A rate with no last day runs
until the next rate of the same point takes effect.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .errors import BackpayError
from .money import parse_date, parse_decimal, to_units

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Rate:
    employer: str
    band: str
    point: int
    annual: Decimal
    effective_from: dt.date
    effective_to: dt.date | None = None  # inclusive; None: until the next rate

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.employer, self.band, self.point)


def _label(rate: Rate) -> str:
    return f"{rate.employer} band {rate.band} point {rate.point}"


class Scale:
    """A checked pay scale. Build with ``Scale.from_rows`` (untrusted input) or
    ``Scale(rates)`` (Rate objects); either raises ``BackpayError`` listing every
    problem found, so a scale is used whole or not at all."""

    def __init__(self, rates: list[Rate], name: str = "scale"):
        self.name = name
        self.rates = tuple(sorted(rates, key=lambda r: (r.key, r.effective_from)))
        problems: list[str] = []
        self._starts: dict[tuple, list[dt.date]] = {}
        self._ends: dict[tuple, list[dt.date | None]] = {}
        self._pence: dict[tuple, list[int]] = {}
        previous: Rate | None = None
        for rate in self.rates:
            if rate.annual < 0:
                problems.append(f"{name}, {_label(rate)} from {rate.effective_from}: the amount is negative")
            if rate.effective_to is not None and rate.effective_to < rate.effective_from:
                problems.append(f"{name}, {_label(rate)}: ends {rate.effective_to}, before it starts {rate.effective_from}")
            if previous is not None and previous.key == rate.key:
                end = previous.effective_to
                if rate.effective_from == previous.effective_from or (end is not None and rate.effective_from <= end):
                    problems.append(f"{name}, {_label(rate)}: the rate from {rate.effective_from} overlaps the rate from {previous.effective_from}")
                elif end is not None and rate.effective_from > end + ONE_DAY:
                    problems.append(f"{name}, {_label(rate)}: a gap from {end + ONE_DAY} to {rate.effective_from - ONE_DAY} with no rate")
            self._starts.setdefault(rate.key, []).append(rate.effective_from)
            self._ends.setdefault(rate.key, []).append(rate.effective_to)
            self._pence.setdefault(rate.key, []).append(to_units(rate.annual))
            previous = rate
        if not self.rates:
            problems.append(f"{name}: no rates")
        if problems:
            raise BackpayError(problems)
        self._top: dict[tuple[str, str], int] = {}
        for employer, band, point in self._starts:
            self._top[(employer, band)] = max(point, self._top.get((employer, band), point))

    @classmethod
    def from_rows(cls, rows: list[dict], name: str = "scale") -> Scale:
        """Rates from dicts with employer, band, point, annual, effective_from and
        optionally effective_to (strings or ints; floats are refused, since a float
        cannot hold most amounts in pence exactly). Raises BackpayError listing
        every bad row and every gap or overlap."""
        if not isinstance(rows, list):
            raise BackpayError(f"{name}: expected a list of rates")
        problems: list[str] = []
        rates = []
        for number, row in enumerate(rows, start=1):
            where = f"{name}, row {number}"
            if not isinstance(row, dict):
                problems.append(f"{where}: expected an object with employer, band, point, annual and effective_from")
                continue
            missing = [f for f in ("employer", "band", "point", "annual", "effective_from") if row.get(f) in (None, "")]
            if missing:
                problems.append(f"{where}: missing {', '.join(missing)}")
                continue
            point = _point(row["point"], where, problems)
            annual = parse_decimal(row["annual"], f"{where}: amount", problems)
            start = parse_date(row["effective_from"], f"{where}: effective_from", problems)
            end = parse_date(row["effective_to"], f"{where}: effective_to", problems) if row.get("effective_to") not in (None, "") else None
            if point is None or annual is None or start is None or (row.get("effective_to") not in (None, "") and end is None):
                continue
            rates.append(Rate(str(row["employer"]).strip(), str(row["band"]).strip(), point, annual, start, end))
        if problems:
            raise BackpayError(problems)
        return cls(rates, name=name)

    def annual_pence(self, employer: str, band: str, point: int, on: dt.date) -> int:
        """The annual amount in pence in force on the day; BackpayError if none is."""
        key = (employer, band, point)
        starts = self._starts.get(key)
        if starts is None:
            raise BackpayError(f"{self.name} has no rate for {employer} band {band} point {point}")
        i = bisect.bisect_right(starts, on) - 1
        end = self._ends[key][i] if i >= 0 else None
        if i < 0 or (end is not None and on > end):
            raise BackpayError(f"{self.name} has no rate for {employer} band {band} point {point} on {on}")
        return self._pence[key][i]

    def rate_finder(self, employer: str, band: str, point: int):
        """A function day -> annual pence for one point (what ``annual_pence``
        does, with the point's timeline looked up once: the hot path of a
        calculation calls it for every step)."""
        key = (employer, band, point)
        starts = self._starts.get(key)
        if starts is None:
            raise BackpayError(f"{self.name} has no rate for {employer} band {band} point {point}")
        ends, pence, name = self._ends[key], self._pence[key], self.name

        def find(on: dt.date) -> int:
            i = bisect.bisect_right(starts, on) - 1
            if i < 0 or (ends[i] is not None and on > ends[i]):
                raise BackpayError(f"{name} has no rate for {employer} band {band} point {point} on {on}")
            return pence[i]

        return find

    def annual(self, employer: str, band: str, point: int, on: dt.date) -> Decimal:
        return Decimal(self.annual_pence(employer, band, point, on)) / 100

    def changes(self, employer: str, band: str, point: int, start: dt.date, end: dt.date) -> list[dt.date]:
        """Days strictly after ``start`` and up to ``end`` on which this point's rate
        changes (a rate takes effect, or the day after one ends)."""
        key = (employer, band, point)
        days = [d for d in self._starts.get(key, ()) if start < d <= end]
        days += [e + ONE_DAY for e in self._ends.get(key, ()) if e is not None and start < e + ONE_DAY <= end]
        return sorted(set(days))

    def top_point(self, employer: str, band: str) -> int | None:
        return self._top.get((employer, band))


def _point(value, where: str, problems: list[str]) -> int | None:
    try:
        if isinstance(value, (bool, float)):
            raise ValueError
        point = int(str(value).strip())
    except ValueError:
        problems.append(f"{where}: point {value!r} is not a whole number")
        return None
    if point < 0:
        problems.append(f"{where}: point {value!r} is negative")
        return None
    return point
