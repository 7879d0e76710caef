"""Rule profiles: an employer's procedure as a set of policy rules, each saying
which kinds of case it applies to and which event it counts from.

A profile is data (JSON-like), so HQ can edit it without a code change; this
module only interprets it::

    profile = Profile.from_dict({
        "code": "pps-2026", "title": "Public service procedures 2026",
        "rules": [{"code": "appeal", "title": "Appeal within 5 working days of the outcome letter",
                   "count": 5, "unit": "working-days", "from": "outcome",
                   "case_types": ["disciplinary", "grievance"], "source": "Disciplinary policy 9.1"}],
    })
    profile.deadlines(case_type="disciplinary", events={"outcome": date(2026, 3, 2)})

Each rule's own fields are those of ``PolicyRule`` (count, unit, counting,
direction, roll, event, source, source_url), plus ``from`` (one of EVENTS)
and ``case_types`` (empty or absent: every kind of case).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import DeadlineError
from .result import Deadline
from .rules import policy as _policy
from .rules.policy import PolicyRule
from .workdays import Nation, WorkingCalendar

EVENTS = {
    "opened": "the day the member asked for help",
    "invitation": "the date of the employer's letter inviting the member to a meeting",
    "meeting": "the date of the meeting",
    "outcome": "the date of the outcome letter",
    "incident": "the date of the act complained of, or of dismissal",
}


@dataclass(frozen=True)
class ProfileRule:
    rule: PolicyRule
    start: str
    case_types: frozenset[str] = frozenset()

    def applies_to(self, case_type: str) -> bool:
        return not self.case_types or case_type in self.case_types

    def to_dict(self) -> dict:
        return {**self.rule.to_dict(), "from": self.start, "case_types": sorted(self.case_types)}


@dataclass(frozen=True)
class Profile:
    code: str
    title: str
    rules: tuple[ProfileRule, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Profile:
        """From JSON-like data; raises DeadlineError saying what to fix."""
        if not isinstance(data, Mapping):
            raise DeadlineError("a rule profile must be an object with code, title and rules")
        code, title, rules = data.get("code"), data.get("title"), data.get("rules", [])
        if not isinstance(code, str) or not code.strip():
            raise DeadlineError("a rule profile needs a code")
        if not isinstance(title, str) or not title.strip():
            raise DeadlineError("a rule profile needs a title")
        if not isinstance(rules, list):
            raise DeadlineError("a rule profile's rules must be a list")
        return cls(code=code, title=title, rules=tuple(rule_of(r, n) for n, r in enumerate(rules, 1)))

    def to_dict(self) -> dict:
        return {"code": self.code, "title": self.title, "rules": [r.to_dict() for r in self.rules]}

    def deadlines(self, *, case_type: str, events: Mapping[str, dt.date | None], nation: Nation | str = Nation.ENGLAND_WALES,
                  closures: Iterable[dt.date] = ()) -> list[Deadline]:  # fmt: skip
        """The deadlines this profile sets for a case of ``case_type`` whose
        ``events`` (names from EVENTS) happened on the dates given; a rule
        whose event has no date yet sets none."""
        return [found for _, found in self.applied(case_type=case_type, events=events, nation=nation, closures=closures)]

    def applied(self, *, case_type: str, events: Mapping[str, dt.date | None], nation: Nation | str = Nation.ENGLAND_WALES,
                closures: Iterable[dt.date] = ()) -> list[tuple[ProfileRule, Deadline]]:  # fmt: skip
        """As ``deadlines``, each with the rule that set it."""
        calendar = WorkingCalendar.of(nation, closures)
        found = []
        for entry in self.rules:
            day = events.get(entry.start)
            if day is None or not entry.applies_to(case_type):
                continue
            lead = (f"Rule profile \"{self.title}\" applies; this rule counts from {EVENTS[entry.start]}.",)
            found.append((entry, _policy.compute(entry.rule, day, calendar, lead=lead)))
        return found


def rule_of(data: Any, n: int = 1) -> ProfileRule:
    if not isinstance(data, Mapping):
        raise DeadlineError(f"rule {n} must be an object")
    own = dict(data)
    start = own.pop("from", None)
    types = own.pop("case_types", [])
    if start not in EVENTS:
        raise DeadlineError(f"rule {n}: 'from' must be one of {', '.join(EVENTS)}, not {start!r}")
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise DeadlineError(f"rule {n}: case_types must be a list of case types")
    own.setdefault("event", EVENTS[start])
    try:
        rule = PolicyRule.from_dict(own)
    except DeadlineError as exc:
        raise DeadlineError(f"rule {n}: {exc}") from None
    return ProfileRule(rule=rule, start=start, case_types=frozenset(types))
