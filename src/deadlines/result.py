"""What a computed deadline carries: the date, the steps that found it, the law."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .words import say, weekday
from .workdays import Nation

DISCLAIMER = "This is date arithmetic on the facts given, not legal advice."


@dataclass(frozen=True)
class Deadline:
    """A deadline and how it was worked out.

    ``date`` is None when the rule fixes no date (the ACAS Code's "without
    unreasonable delay" with no employer policy given; no statutory
    consultation below 20 redundancies): the steps say so. ``steps`` are
    plain-English lines a rep can read out or print. ``notes`` are what the
    tool does not decide. ``figures`` holds the intermediate dates by name
    (e.g. ``primary``, ``after_s207b_3``) for anyone checking the arithmetic.
    """

    rule: str
    title: str
    date: dt.date | None
    start: dt.date
    nation: Nation
    steps: tuple[str, ...]
    source: str
    source_url: str = ""
    law: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    figures: Mapping[str, dt.date] = field(default_factory=dict, compare=False)

    @property
    def headline(self) -> str:
        if self.date is None:
            return "No fixed date"
        return say(self.date)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO strings."""
        return {
            "rule": self.rule,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "weekday": weekday(self.date) if self.date else None,
            "start": self.start.isoformat(),
            "nation": self.nation.value,
            "steps": list(self.steps),
            "source": self.source,
            "source_url": self.source_url,
            "law": list(self.law),
            "notes": list(self.notes),
            "figures": {name: day.isoformat() for name, day in self.figures.items()},
            "disclaimer": DISCLAIMER,
        }
