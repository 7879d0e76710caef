"""Working-day arithmetic at speed, dates only: for lists and nightly
recomputation, where the steps in words are not wanted.

The working days of a nation (weekdays less its bank holidays; no employer
closures) from FAST_FIRST to FAST_LAST are held as one sorted list of day
numbers, so the n-th working day after a date is one binary search and an
index, instead of walking day by day. Outside those years it falls back to
``WorkingCalendar``, which gives the same answers (tested with hypothesis).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from functools import lru_cache

from .workdays import Nation, WorkingCalendar, bank_holidays, nation_of

FAST_FIRST, FAST_LAST = 2000, 2060


@lru_cache(maxsize=3)
def _ordinals(nation: Nation) -> tuple[int, ...]:
    holidays = {d.toordinal() for year in range(FAST_FIRST, FAST_LAST + 1) for d in bank_holidays(nation, year)}
    first, last = dt.date(FAST_FIRST, 1, 1).toordinal(), dt.date(FAST_LAST, 12, 31).toordinal()
    # 1 Jan 0001 (ordinal 1) was a Monday, so (ordinal - 1) % 7 is the weekday.
    return tuple(o for o in range(first, last + 1) if (o - 1) % 7 < 5 and o not in holidays)


def add_working_days(day: dt.date, n: int, nation: Nation | str = Nation.ENGLAND_WALES) -> dt.date:
    """The ``n``-th working day after ``day`` (before it if n is negative;
    ``day`` itself if n is 0), as ``WorkingCalendar(nation).add_working_days``."""
    nation = nation_of(nation)
    days = _ordinals(nation)
    o = day.toordinal()
    i = bisect_right(days, o) + n - 1 if n > 0 else bisect_left(days, o) + n
    if n == 0:
        return day
    if 0 <= i < len(days) and days[0] <= o <= days[-1]:
        return dt.date.fromordinal(days[i])
    return WorkingCalendar.of(nation).add_working_days(day, n)


def working_days_between(start: dt.date, end: dt.date, nation: Nation | str = Nation.ENGLAND_WALES) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if end is earlier)."""
    nation = nation_of(nation)
    days = _ordinals(nation)
    a, b = start.toordinal(), end.toordinal()
    if not (days[0] <= min(a, b) and max(a, b) <= days[-1]):
        return WorkingCalendar.of(nation).working_days_between(start, end)
    if b < a:
        return -working_days_between(end, start, nation)
    return bisect_right(days, b) - bisect_right(days, a)


def companion_date(proposed: dt.date, nation: Nation | str = Nation.ENGLAND_WALES) -> dt.date:
    """ERA 1999 s10(5)(b): the end of five working days beginning with the
    first working day after the day the employer proposed (date only)."""
    return add_working_days(proposed, 5, nation)
