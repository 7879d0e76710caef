"""Counting a period from an event, with every step written down.

The conventions, as the law and guidance use them:

- **Calendar days.** "14 days after X" ends on X + 14 (the day of X is not
  counted). "14 days starting with X" ends on X + 13 (X is day one).
- **Weeks** are seven calendar days each.
- **Working days.** "5 working days after X" ends on the fifth working day
  after X; X is not counted even if it is a working day. "Starting with X"
  counts X as day one if it is a working day.
- **Months** are calendar months. "N months after X" ends on the
  *corresponding date* N months on: the day with the same number (Dodds v
  Walker [1981] UKHL; Tanveer v East London Bus & Coach Co [2016], EAT). If
  that month has no such day, the period ends on the last day of the month
  (the end-of-month rule): 31 January + 1 month = 28 February (29 in a leap
  year); 30 November + 3 months = 28 or 29 February.
- **Months "starting with" X ("less a day").** "Three months beginning with
  the effective date of termination" ends the day before the corresponding
  date: 10 March -> 9 June. Where a month is short the published readings
  part: the corresponding date less a day (31 August -> 30 November - 1 =
  29 November; 1 March -> 31 May) or the day before X carried forward
  (Pruden v Cunard Ellerman [1993] IRLR 317, EAT: 30 August -> 30 November;
  28 February -> 28 May). When they differ this module gives the EARLIER
  date and says so in the steps, so that following it never loses a claim.
- **Before.** "30 days before X" is X - 30; months back use the
  corresponding date the same way.
- **A day that is not a working day** does not move a deadline unless the
  rule says so (``Roll``): the ICO's subject access month moves to the next
  working day; a tribunal limit does not move at all.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass
from enum import Enum

from .errors import DeadlineError
from .words import count_of, month_and_year, say, say_short
from .workdays import MAX_WORKING_DAYS, ONE_DAY, WorkingCalendar, check_year


class Unit(str, Enum):
    CALENDAR_DAYS = "calendar-days"
    WORKING_DAYS = "working-days"
    WEEKS = "weeks"
    MONTHS = "months"

    def words(self, n: int) -> str:
        return {
            "calendar-days": count_of(n, "calendar day"),
            "working-days": count_of(n, "working day"),
            "weeks": count_of(n, "week"),
            "months": count_of(n, "month"),
        }[self.value]


class Counting(str, Enum):
    """Whether the day of the event is day one of the period or not counted."""

    DAY_AFTER = "day-after"
    STARTING_WITH = "starting-with"


class Direction(str, Enum):
    AFTER = "after"
    BEFORE = "before"


class Roll(str, Enum):
    """What happens when the period ends on a day that is not a working day."""

    STAY = "stay"
    NEXT = "next-working-day"
    PREVIOUS = "previous-working-day"


LIMITS = {Unit.CALENDAR_DAYS: 36_600, Unit.WEEKS: 5_200, Unit.MONTHS: 1_200, Unit.WORKING_DAYS: MAX_WORKING_DAYS}


def last_day_of_month(year: int, month: int) -> int:
    return _calendar.monthrange(year, month)[1]


def add_months(day: dt.date, n: int) -> dt.date:
    """The corresponding date ``n`` calendar months on (back if negative); the
    month's last day where it has no such day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + n
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, last_day_of_month(year, month)))


def months_starting_with(day: dt.date, n: int) -> tuple[dt.date, dt.date]:
    """The last day of ``n`` months beginning with ``day``, by both readings:
    (corresponding date less a day, day before carried forward)."""
    return add_months(day, n) - ONE_DAY, add_months(day - ONE_DAY, n)


@dataclass(frozen=True)
class Period:
    """A time limit's shape: ``count`` ``unit`` ``direction`` the event, counted as ``counting``."""

    count: int
    unit: Unit
    counting: Counting = Counting.DAY_AFTER
    direction: Direction = Direction.AFTER
    roll: Roll = Roll.STAY

    def __post_init__(self) -> None:
        for name, kind in (("unit", Unit), ("counting", Counting), ("direction", Direction), ("roll", Roll)):
            value = getattr(self, name)
            if not isinstance(value, kind):
                try:
                    object.__setattr__(self, name, kind(value))
                except ValueError:
                    raise DeadlineError(f"{name} must be one of {', '.join(k.value for k in kind)}, not {value!r}") from None
        if not isinstance(self.count, int) or isinstance(self.count, bool) or self.count < 0:
            raise DeadlineError(f"a period's length must be a whole number, 0 or more, not {self.count!r}")
        if self.count > LIMITS[self.unit]:
            raise DeadlineError(f"{self.count} {self.unit.value.replace('-', ' ')} is more than this tool counts (at most {LIMITS[self.unit]})")
        if self.direction is Direction.BEFORE and self.counting is Counting.STARTING_WITH:
            raise DeadlineError("a period counted back before an event cannot start with the event; use day-after")
        if self.counting is Counting.STARTING_WITH and self.count == 0:
            raise DeadlineError("a period starting with the event must be at least one unit long")

    def describe(self) -> str:
        how = "starting with the day of the event" if self.counting is Counting.STARTING_WITH else "counted from the day after the event"
        if self.direction is Direction.BEFORE:
            how = "before the event"
        roll = {Roll.STAY: "", Roll.NEXT: "; if it ends on a day that is not a working day, the next working day",
                Roll.PREVIOUS: "; if it ends on a day that is not a working day, the working day before"}[self.roll]  # fmt: skip
        return f"{self.unit.words(self.count)} {how}{roll}"

    def to_dict(self) -> dict:
        return {"count": self.count, "unit": self.unit.value, "counting": self.counting.value,
                "direction": self.direction.value, "roll": self.roll.value}  # fmt: skip


@dataclass(frozen=True)
class Counted:
    """The end of a period and how it was found. ``other_reading`` is the later
    date a different published reading gives, when the two differ."""

    date: dt.date
    steps: tuple[str, ...]
    other_reading: dt.date | None = None


def work_out(period: Period, start: dt.date, calendar: WorkingCalendar, event: str = "the event") -> Counted:
    """Where ``period`` ends for an event on ``start``, with the steps in words.

    ``event`` names the start in the steps ("the date of the outcome letter").
    """
    check_year(start)
    unit, n = period.unit, period.count
    steps: list[str] = []
    other = None
    if unit in (Unit.CALENDAR_DAYS, Unit.WEEKS):
        days = n * 7 if unit is Unit.WEEKS else n
        as_days = f" ({count_of(days, 'day')})" if unit is Unit.WEEKS else ""
        if period.direction is Direction.BEFORE:
            end = start - dt.timedelta(days=days)
            steps.append(f"{unit.words(n).capitalize()}{as_days} before {event}, {say(start)}, is {say(end)}.")
        elif period.counting is Counting.STARTING_WITH:
            end = start + dt.timedelta(days=days - 1)
            steps.append(f"{unit.words(n).capitalize()}{as_days} starting with {event}, {say(start)}, as day one, end on {say(end)}.")
        else:
            end = start + dt.timedelta(days=days)
            steps.append(f"{unit.words(n).capitalize()}{as_days} counted from the day after {event}, {say(start)}, end on {say(end)}.")
    elif unit is Unit.MONTHS:
        end, other, month_steps = _months(period, start, event)
        steps.extend(month_steps)
    else:
        end, day_steps = _working_days(period, start, calendar, event)
        steps.extend(day_steps)
    check_year(end)
    if period.roll is not Roll.STAY:
        why = calendar.closed_because(end)
        if why is not None:
            moved = calendar.next_working_day(end) if period.roll is Roll.NEXT else calendar.previous_working_day(end)
            way = "next working day" if period.roll is Roll.NEXT else "last working day before it"
            steps.append(f"{say(end)} is not a working day ({why}), so the deadline moves to the {way}, {say(moved)}.")
            end = moved
    return Counted(end, tuple(steps), other)


def _months(period: Period, start: dt.date, event: str) -> tuple[dt.date, dt.date | None, list[str]]:
    n, words = period.count, period.unit.words(period.count)
    if period.direction is Direction.BEFORE:
        end = add_months(start, -n)
        return end, None, [f"{words.capitalize()} before {event}, {say(start)}, is {say(end)}{end_of_month_note(start, end)}."]
    if period.counting is Counting.DAY_AFTER:
        end = add_months(start, n)
        return end, None, [f"{words.capitalize()} after {event}, {say(start)}, ends on the corresponding date, {say(end)}{end_of_month_note(start, end)}."]
    corresponding = add_months(start, n)
    less_a_day, carried = months_starting_with(start, n)
    steps = [
        f"{words.capitalize()} starting with {event}, {say(start)}, end the day before the corresponding date "
        + f"{say(corresponding)}{end_of_month_note(start, corresponding)}: that is {say(less_a_day)} (\"{words} less a day\")."
    ]
    if carried == less_a_day:
        return less_a_day, None, steps
    day_before = start - ONE_DAY
    if carried < less_a_day:
        steps.append(
            f"Read the other published way (the day before, {say(day_before)}, carried forward {words} to its corresponding date), "
            f"the period ends earlier, on {say(carried)}. The earlier date is used, so that a claim is not lost on a reading of the rule."
        )
        return carried, less_a_day, steps
    steps.append(
        f"Read the other published way (the day before, {say(day_before)}, carried forward {words}), it would end on {say(carried)}; "
        f"the earlier date, {say(less_a_day)}, is used, so that a claim is not lost on a reading of the rule."
    )
    return less_a_day, carried, steps


def end_of_month_note(start: dt.date, end: dt.date) -> str:
    """" (June 2026 has no 31st, so its last day is used)" when ``end`` is not ``start``'s corresponding date."""
    if end.day != start.day:
        return f" ({month_and_year(end)} has no {_ordinal(start.day)}, so its last day is used)"
    return ""


def _working_days(period: Period, start: dt.date, calendar: WorkingCalendar, event: str) -> tuple[dt.date, list[str]]:
    n = period.count
    words = period.unit.words(n)
    if period.direction is Direction.BEFORE:
        counted = calendar.working_days_before(start, n)
        end = counted[-1] if counted else start
        span_from, span_to = end, start
        head = f"Count {words} back from the day before {event}, {say(start)}"
    elif period.counting is Counting.STARTING_WITH and calendar.is_working_day(start):
        counted = [start, *calendar.working_days_after(start, n - 1)]
        end = counted[-1]
        span_from, span_to = start, end
        head = f"Count {words} starting with {event}, {say(start)}, a working day, as day one"
    else:
        counted = calendar.working_days_after(start, n)
        end = counted[-1] if counted else start
        span_from, span_to = start, end
        if period.counting is Counting.STARTING_WITH:
            head = f"Count {words} starting with {event}, {say(start)}; it is not a working day ({calendar.closed_because(start)}), so day one is the next working day"
        else:
            head = f"Count {words} from the day after {event}, {say(start)}"
    steps = [f"Working days: {calendar.describe()}."]
    if not counted:
        steps.append(f"{head}: none to count, so the date is {event} itself, {say(end)}.")
        return end, steps
    if len(counted) <= 10:
        listed = ", ".join(f"{say_short(d)} ({i})" for i, d in enumerate(counted, 1))
        steps.append(f"{head}: {listed}.")
    else:
        steps.append(f"{head}: the {_ordinal(len(counted))} is {say(end)}.")
    first, last = min(span_from, span_to), max(span_from, span_to)
    if start not in counted:  # the event's own day is not part of the count, whatever it is
        first, last = (first + ONE_DAY, last) if first == start else (first, last - ONE_DAY)
    skipped = _skipped(calendar, first, last, counted)
    if skipped:
        steps.append(skipped)
    steps.append(f"The {_ordinal(len(counted))} working day is {say(end)}.")
    return end, steps


def _skipped(calendar: WorkingCalendar, first: dt.date, last: dt.date, counted: list[dt.date]) -> str:
    weekends, others = 0, []
    day, chosen = first, set(counted)
    while day <= last:
        if day not in chosen:
            why = calendar.closed_because(day)
            if why is None:
                pass
            elif day.weekday() >= 5:
                weekends += 1
            else:
                others.append(f"{say(day)}, {why}")
        day += ONE_DAY
    parts = []
    if weekends:
        parts.append(f"{count_of(weekends, 'weekend day')}")
    parts.extend(others)
    return ("Not counted: " + "; ".join(parts) + ".") if parts else ""


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
