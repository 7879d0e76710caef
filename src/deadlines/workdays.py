"""Working days by UK nation: Monday to Friday less bank holidays.

Bank holidays come from the ``holidays`` package (vacanza/holidays, the
``UnitedKingdom`` calendar with its ``ENG``, ``SCT`` and ``NIR``
subdivisions), which keeps the regular days, the substitute days when a
holiday falls at a weekend, and the one-off days proclaimed so far (the 2022
jubilee and state funeral, the 2023 coronation, Scotland's 15 June 2026).
tests/deadlines/test_bank_holidays.py checks it against the gov.uk lists for
2019-2026. A one-off day proclaimed after the installed release is unknown
until the package is upgraded: that is the one way this calendar can be wrong.

England and Wales share one list (gov.uk publishes them together).

A ``WorkingCalendar`` may also carry an employer's own closure days. The
statutory rules ignore them (the law's working days are weekdays less bank
holidays); employer policy rules count them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from types import MappingProxyType

import holidays as _holidays

from .errors import DeadlineError
from .words import weekday

ONE_DAY = dt.timedelta(days=1)
# Dates outside these years are refused: nothing here is meant for them.
FIRST_YEAR, LAST_YEAR = 1990, 2200
# The last year whose bank holidays the tests check against the gov.uk list.
VERIFIED_THROUGH = 2026
MAX_WORKING_DAYS = 10_000


class Nation(str, Enum):
    """A UK jurisdiction with its own list of bank holidays."""

    ENGLAND_WALES = "england-wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"

    @property
    def label(self) -> str:
        return {"england-wales": "England and Wales", "scotland": "Scotland", "northern-ireland": "Northern Ireland"}[self.value]

    @property
    def subdivision(self) -> str:
        """The ``holidays`` package's ISO 3166-2 subdivision code."""
        return {"england-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}[self.value]

    @property
    def great_britain(self) -> bool:
        return self is not Nation.NORTHERN_IRELAND


_ALIASES = {
    "england-wales": Nation.ENGLAND_WALES,
    "england-and-wales": Nation.ENGLAND_WALES,
    "england": Nation.ENGLAND_WALES,
    "wales": Nation.ENGLAND_WALES,
    "eng": Nation.ENGLAND_WALES,
    "wls": Nation.ENGLAND_WALES,
    "scotland": Nation.SCOTLAND,
    "sct": Nation.SCOTLAND,
    "northern-ireland": Nation.NORTHERN_IRELAND,
    "ni": Nation.NORTHERN_IRELAND,
    "nir": Nation.NORTHERN_IRELAND,
}


def nation_of(value: Nation | str) -> Nation:
    """The nation named by ``value`` (``scotland``, ``SCT``, ``Northern Ireland``...)."""
    if isinstance(value, Nation):
        return value
    key = str(value).strip().lower().replace(" ", "-").replace("_", "-")
    try:
        return _ALIASES[key]
    except KeyError:
        raise DeadlineError(f"unknown nation {value!r}; choose england-wales, scotland or northern-ireland") from None


def check_year(day: dt.date) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DeadlineError(f"{day.isoformat()} is outside the years {FIRST_YEAR}-{LAST_YEAR} this tool works with")


@cache
def bank_holidays(nation: Nation, year: int) -> Mapping[dt.date, str]:
    """Every bank holiday of ``nation`` in ``year`` with its name, weekend dates included.

    A holiday that falls at a weekend is listed on its own date and its
    substitute day separately ("Boxing Day (observed)"), as the package gives them.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DeadlineError(f"{year} is outside the years {FIRST_YEAR}-{LAST_YEAR} this tool works with")
    found = _holidays.country_holidays("GB", subdiv=nation.subdivision, years=year)
    return MappingProxyType({day: name for day, name in sorted(found.items()) if day.year == year})


def holiday_package_version() -> str:
    return getattr(_holidays, "__version__", "unknown")


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days of ``nation``: weekdays that are neither bank holidays nor ``closures``."""

    nation: Nation
    closures: frozenset[dt.date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, nation: Nation | str, closures: Iterable[dt.date] = ()) -> WorkingCalendar:
        closed = frozenset(closures)
        for day in closed:
            if not isinstance(day, dt.date):
                raise DeadlineError(f"a closure day must be a date, not {day!r}")
            check_year(day)
        return cls(nation_of(nation), closed)

    def statutory(self) -> WorkingCalendar:
        """The same nation without employer closures: the law's working days."""
        return self if not self.closures else WorkingCalendar(self.nation)

    def bank_holiday(self, day: dt.date) -> str | None:
        """The name of the bank holiday on ``day``, or None."""
        return bank_holidays(self.nation, day.year).get(day)

    def closed_because(self, day: dt.date) -> str | None:
        """Why ``day`` is not a working day ("Saturday", "bank holiday (Good Friday)"), or None if it is one."""
        if day.weekday() >= 5:
            return weekday(day)
        name = self.bank_holiday(day)
        if name is not None:
            return f"bank holiday in {self.nation.label} ({name})"
        if day in self.closures:
            return "employer closure day"
        return None

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and self.bank_holiday(day) is None and day not in self.closures

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        day += ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def previous_working_day(self, day: dt.date) -> dt.date:
        """The last working day strictly before ``day``."""
        day -= ONE_DAY
        while not self.is_working_day(day):
            day -= ONE_DAY
        return day

    def working_days_after(self, day: dt.date, n: int) -> list[dt.date]:
        """The first ``n`` working days strictly after ``day``, in order."""
        _check_count(n)
        days = []
        while len(days) < n:
            day = self.next_working_day(day)
            days.append(day)
        return days

    def working_days_before(self, day: dt.date, n: int) -> list[dt.date]:
        """The last ``n`` working days strictly before ``day``, latest first."""
        _check_count(n)
        days = []
        while len(days) < n:
            day = self.previous_working_day(day)
            days.append(day)
        return days

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (``day`` itself when n is 0); n may be negative."""
        if n >= 0:
            days = self.working_days_after(day, n)
        else:
            days = self.working_days_before(day, -n)
        return days[-1] if days else day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """How many working days fall after ``start`` and on or before ``end``.

        So ``working_days_between(d, add_working_days(d, n)) == n``; negative
        when ``end`` is before ``start``.
        """
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count

    def describe(self) -> str:
        extra = f" and {len(self.closures)} employer closure day{'s' if len(self.closures) != 1 else ''}" if self.closures else ""
        return f"Monday to Friday, less bank holidays in {self.nation.label}{extra}"


def _check_count(n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise DeadlineError(f"a number of working days must be a whole number, not {n!r}")
    if n > MAX_WORKING_DAYS:
        raise DeadlineError(f"{n} working days is more than this tool counts ({MAX_WORKING_DAYS})")


def unverified_years(days: Iterable[dt.date]) -> list[int]:
    """Years among ``days`` later than the bank holiday lists the tests check."""
    return sorted({d.year for d in days if d.year > VERIFIED_THROUGH})


def unverified_note(days: Iterable[dt.date]) -> str | None:
    years = unverified_years(days)
    if not years:
        return None
    return (
        f"Bank holidays in {', '.join(map(str, years))} are the usual pattern as known to the holidays package "
        f"{holiday_package_version()}; a one-off bank holiday proclaimed later (like 19 September 2022) would not be known. "
        f"Check the gov.uk list before relying on a count that reaches {years[0]} or later."
    )
