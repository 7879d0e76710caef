"""How dates and counts are written in the steps a rep reads out."""

from __future__ import annotations

import datetime as dt

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def say(day: dt.date) -> str:
    """``Tuesday 10 March 2026``: the weekday is always given, so a weekend shows.

    English names from tables, not strftime: the same words whatever the locale (and faster)."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def weekday(day: dt.date) -> str:
    return WEEKDAYS[day.weekday()]


def month_and_year(day: dt.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def say_short(day: dt.date) -> str:
    """``Tue 10 Mar``, for lists of days inside one step."""
    return f"{WEEKDAYS[day.weekday()][:3]} {day.day} {MONTHS[day.month - 1][:3]}"


def number(n: int) -> str:
    """Small numbers in words (``three``), larger ones in figures."""
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)


def count_of(n: int, singular: str, plural: str | None = None) -> str:
    """``one month``, ``three months``, ``31 days``."""
    return f"{number(n)} {singular if n == 1 else (plural or singular + 's')}"
