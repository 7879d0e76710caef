"""How dates and counts are written in the steps a rep reads out."""

from __future__ import annotations

import datetime as dt

_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def say(day: dt.date) -> str:
    """``Tuesday 10 March 2026``: the weekday is always given, so a weekend shows."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def say_short(day: dt.date) -> str:
    """``Tue 10 Mar``, for lists of days inside one step."""
    return f"{day:%a} {day.day} {day:%b}"


def number(n: int) -> str:
    """Small numbers in words (``three``), larger ones in figures."""
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)


def count_of(n: int, singular: str, plural: str | None = None) -> str:
    """``one month``, ``three months``, ``31 days``."""
    return f"{number(n)} {singular if n == 1 else (plural or singular + 's')}"
