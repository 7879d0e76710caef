"""Employer policy rules: a time limit an employer's own procedure sets.

A ``PolicyRule`` is data the caller supplies, for example "appeal within 5
working days of the outcome letter"::

    PolicyRule.from_dict({"code": "acme-appeal", "title": "Appeal against a disciplinary outcome",
                          "count": 5, "unit": "working-days", "event": "the date of the outcome letter",
                          "source": "Acme disciplinary procedure, para 9.1"})

Policy rules count the employer's closure days as non-working days, since a
policy's "working days" are the employer's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..counting import Counting, Direction, Period, Roll, Unit, work_out
from ..errors import DeadlineError
from ..result import Deadline
from ..words import say
from ..workdays import WorkingCalendar, unverified_note

NAME = "policy"
FIELDS = {"code", "title", "count", "unit", "counting", "direction", "roll", "event", "source", "source_url"}


@dataclass(frozen=True)
class PolicyRule:
    """An employer's time limit: ``period`` from ``event``, as its ``source`` says."""

    code: str
    title: str
    period: Period
    event: str = "the start date"
    source: str = "employer policy"
    source_url: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PolicyRule:
        """From JSON-like data: code, title, count, unit (calendar-days, working-days, weeks, months),
        and optionally counting (day-after, starting-with), direction (after, before),
        roll (stay, next-working-day, previous-working-day), event, source, source_url."""
        if not isinstance(data, Mapping):
            raise DeadlineError("a policy rule must be an object with code, title, count and unit")
        unknown = sorted(set(data) - FIELDS)
        if unknown:
            raise DeadlineError(f"a policy rule does not take {', '.join(unknown)}; it takes: {', '.join(sorted(FIELDS))}")
        missing = [k for k in ("code", "title", "count", "unit") if k not in data]
        if missing:
            raise DeadlineError(f"a policy rule needs {', '.join(missing)}")
        period = Period(
            count=data["count"],
            unit=data["unit"],
            counting=data.get("counting", Counting.DAY_AFTER.value),
            direction=data.get("direction", Direction.AFTER.value),
            roll=data.get("roll", Roll.STAY.value),
        )
        for key in ("code", "title", "event", "source", "source_url"):
            if key in data and not isinstance(data[key], str):
                raise DeadlineError(f"a policy rule's {key} must be text")
        return cls(code=data["code"], title=data["title"], period=period, event=data.get("event", "the start date"),
                   source=data.get("source", "employer policy"), source_url=data.get("source_url", ""))  # fmt: skip

    def to_dict(self) -> dict:
        return {"code": self.code, "title": self.title, **self.period.to_dict(), "event": self.event,
                "source": self.source, "source_url": self.source_url}  # fmt: skip


def policy_of(value: PolicyRule | Mapping[str, Any]) -> PolicyRule:
    return value if isinstance(value, PolicyRule) else PolicyRule.from_dict(value)


def compute(policy: PolicyRule, start: dt.date, calendar: WorkingCalendar, lead: tuple[str, ...] = ()) -> Deadline:
    """The deadline ``policy`` sets for an event on ``start``; ``lead`` steps come first."""
    steps = list(lead)
    steps.append(f"The employer's rule \"{policy.title}\" ({policy.source}): {policy.period.describe()}.")
    steps.append(f"{policy.event[0].upper() + policy.event[1:]} is {say(start)}.")
    counted = work_out(policy.period, start, calendar, event=policy.event)
    steps += counted.steps
    steps.append(f"The deadline under the employer's rule is {say(counted.date)}.")
    notes = [("An employer's policy is a contract or procedure term, not statute: whether it binds, and whether a late step "
             "can still be taken, is not decided here.")]  # fmt: skip
    if policy.period.unit is Unit.WORKING_DAYS:
        late = unverified_note([counted.date])
        if late:
            notes.append(late)
    return Deadline(rule=policy.code, title=policy.title, date=counted.date, start=start, nation=calendar.nation,
                    steps=tuple(steps), source=policy.source, source_url=policy.source_url, law=(f"policy/{policy.code}",),
                    notes=tuple(notes), figures={"deadline": counted.date})  # fmt: skip
