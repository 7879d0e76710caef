"""Back pay: what a member is owed, month by month, when a new scale replaces
an old one for dates already paid.

For each calendar month (a *period*) in the window, the member's history is cut
into *steps* wherever something changes: a month boundary, a history period, an
anniversary point, or a rate taking effect in either scale. Each step is

    (new annual − old annual) × share of the year × hours ÷ full-time hours

where the share of the year is, by convention:

- ``monthly`` (the default): one twelfth a month, and for part of a month the
  calendar days worked over the days in that month: days ÷ (12 × days in month).
  This is how monthly-paid salaried staff are paid: every full month is exactly
  a twelfth of the annual amount, whatever its length, so a full month's back
  pay matches the difference on the payslip.
- ``daily``: days ÷ 365 for every day, 29 February included (so a leap year
  holds 366 365ths). Used where an employer pays sessional or daily-rate staff.

Arithmetic is exact: amounts are whole pence and hours hundredths of an hour,
each step a fraction of integers, summed exactly over the period; the period's
sum is rounded once, to the penny, halves away from zero (ROUND_HALF_UP), and
the total is the sum of the rounded periods. Nothing is rounded anywhere else.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from .errors import BackpayError
from .history import History, segments
from .money import approx, round_half_up, to_units
from .scales import Scale

CONVENTIONS = ("monthly", "daily")
DEFAULT_CONVENTION = "monthly"
CONVENTION_TEXT = {
    "monthly": "monthly twelfths: a full month is 1/12 of the annual amount; part of a month is 1/12 × calendar days worked ÷ days in the month",
    "daily": "daily 365ths: each day is 1/365 of the annual amount, 29 February included",
}
ROUNDING_TEXT = "exact arithmetic; each month's amount rounded once to the penny, halves up (ROUND_HALF_UP); the total is the sum of the rounded months"


@lru_cache(maxsize=4096)
def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


@dataclass(slots=True)
class Step:
    """One stretch of days within a month at one rate. ``numerator / denominator``
    is the exact amount owed in pence."""

    start: dt.date
    end: dt.date
    band: str
    point: int
    hours: Decimal
    full_time_hours: Decimal
    old_pence: int
    new_pence: int
    days: int
    month_days: int
    numerator: int
    denominator: int

    @property
    def old_annual(self) -> Decimal:
        return Decimal(self.old_pence) / 100

    @property
    def new_annual(self) -> Decimal:
        return Decimal(self.new_pence) / 100

    @property
    def difference(self) -> Decimal:
        return Decimal(self.new_pence - self.old_pence) / 100

    @property
    def amount(self) -> Decimal:
        """The step's amount to four places, for reading only: sums use the exact fraction."""
        return approx(self.numerator, self.denominator)

    def share(self, convention: str) -> str:
        year = f"1/12 × {self.days}/{self.month_days}" if convention == "monthly" else f"{self.days}/365"
        return f"{year} × {self.hours}/{self.full_time_hours} h"


@dataclass(slots=True)
class MonthOwed:
    """One period: a calendar month, its steps and the amount owed for it, rounded once."""

    year: int
    month: int
    steps: list[Step] = field(default_factory=list)
    numerator: int = 0
    denominator: int = 1

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def exact(self) -> Fraction:
        """The exact amount owed for the month, in pence."""
        return Fraction(self.numerator, self.denominator)

    @property
    def owed(self) -> Decimal:
        return round_half_up(self.numerator, self.denominator)


@dataclass
class BackPay:
    employee_number: str
    employer: str
    start: dt.date
    end: dt.date
    convention: str
    periods: list[MonthOwed]

    @property
    def total(self) -> Decimal:
        return sum((p.owed for p in self.periods), Decimal("0.00"))

    @property
    def exact_total(self) -> Fraction:
        """The unrounded total in pence (for checking; what is owed is ``total``)."""
        return sum((p.exact for p in self.periods), Fraction(0))

    def as_dict(self) -> dict:
        return {
            "employee_number": self.employee_number, "employer": self.employer,
            "from": self.start.isoformat(), "to": self.end.isoformat(), "convention": self.convention,
            "convention_text": CONVENTION_TEXT[self.convention], "rounding": ROUNDING_TEXT,
            "periods": [{
                "period": p.label, "owed": str(p.owed),
                "steps": [{
                    "from": s.start.isoformat(), "to": s.end.isoformat(), "band": s.band, "point": s.point,
                    "hours": str(s.hours), "full_time_hours": str(s.full_time_hours), "days": s.days,
                    "days_in_month": s.month_days, "old_annual": str(s.old_annual), "new_annual": str(s.new_annual),
                    "difference": str(s.difference), "share": s.share(self.convention), "amount_before_rounding": str(s.amount),
                } for s in p.steps],
            } for p in self.periods],
            "total": str(self.total),
        }  # fmt: skip


def calculate(*, old: Scale, new: Scale, history: History, start: dt.date, end: dt.date, convention: str = DEFAULT_CONVENTION) -> BackPay:
    """What ``history`` is owed from ``start`` to ``end`` (inclusive) when ``new``
    replaces ``old``. Days outside the history are owed nothing. Raises
    BackpayError if a scale has no rate for a day worked, or the window is bad."""
    if convention not in CONVENTIONS:
        raise BackpayError(f"convention {convention!r} is not one of: {', '.join(CONVENTIONS)}")
    if end < start:
        raise BackpayError(f"the back-pay window ends {end}, before it starts {start}")
    employer = history.employer
    months: dict[tuple[int, int], MonthOwed] = {}
    daily = convention == "daily"
    one_day = dt.timedelta(days=1)
    for seg in segments(history, lambda band: new.top_point(employer, band)):
        a, z = max(seg.start, start), min(seg.end, end)
        if a > z:
            continue
        hours_h, fte_h = to_units(seg.hours), to_units(seg.full_time_hours)
        old_rate = old.rate_finder(employer, seg.band, seg.point)
        new_rate = new.rate_finder(employer, seg.band, seg.point)
        cuts = set(old.changes(employer, seg.band, seg.point, a, z)) | set(new.changes(employer, seg.band, seg.point, a, z))
        month = _next_month(a)
        while month <= z:
            cuts.add(month)
            month = _next_month(month)
        edges = [a, *sorted(cuts), z + one_day]
        for i in range(len(edges) - 1):
            piece_start, after = edges[i], edges[i + 1]
            old_p = old_rate(piece_start)
            new_p = new_rate(piece_start)
            days = (after - piece_start).days
            year, mon = piece_start.year, piece_start.month
            dim = days_in_month(year, mon)
            numerator = (new_p - old_p) * days * hours_h
            denominator = (365 if daily else 12 * dim) * fte_h
            owed = months.get((year, mon))
            if owed is None:
                owed = months[(year, mon)] = MonthOwed(year, mon, [], numerator, denominator)
            elif owed.denominator == denominator:
                owed.numerator += numerator
            else:
                owed.numerator = owed.numerator * denominator + numerator * owed.denominator
                owed.denominator *= denominator
            owed.steps.append(Step(piece_start, after - one_day, seg.band, seg.point, seg.hours, seg.full_time_hours,
                                   old_p, new_p, days, dim, numerator, denominator))  # fmt: skip
    periods = [months[k] for k in sorted(months)]
    return BackPay(history.employee_number, employer, start, end, convention, periods)
