"""Time limits as dated law: which version of a rule applies on a given day.

The rows live in ``law.json`` (the pattern of the mandates app's rules.json):
each version has its source, its URL, the nations it covers and the dates it
applies from (inclusive) and until (exclusive). A version with no start date
is law not yet commenced; a caller who knows the commencement date passes it
in ``commencements`` as ``{"tribunal-limit/six-months": date}``, and that
version then starts that day while the open version before it ends that day.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from .errors import DeadlineError
from .words import say
from .workdays import Nation


@dataclass(frozen=True)
class LawVersion:
    """One version of a rule. ``applies_from`` None: not yet commenced."""

    code: str
    version: str
    nations: tuple[Nation, ...]
    title: str
    statement: str
    params: Mapping[str, Any] = field(compare=False)
    source: str
    source_url: str
    applies_from: dt.date | None
    applies_until: dt.date | None
    basis: str
    note: str
    earliest_commencement: dt.date | None = None

    @property
    def key(self) -> str:
        return f"{self.code}/{self.version}"

    @property
    def period(self) -> str:
        if self.applies_from is None:
            return "not yet in force (no commencement date fixed)"
        if self.applies_until:
            return f"from {say(self.applies_from)} to {say(self.applies_until - dt.timedelta(days=1))}"
        return f"on or after {say(self.applies_from)}"

    def applies_on(self, day: dt.date) -> bool:
        return self.applies_from is not None and self.applies_from <= day and (self.applies_until is None or day < self.applies_until)

    def to_dict(self) -> dict:
        return {"code": self.code, "version": self.version, "nations": [n.value for n in self.nations], "title": self.title,
                "statement": self.statement, "params": dict(self.params), "source": self.source, "source_url": self.source_url,
                "from": _iso(self.applies_from), "until": _iso(self.applies_until), "basis": self.basis, "note": self.note}  # fmt: skip


@dataclass(frozen=True)
class Applied:
    """The version that applies, and why, in a sentence for the steps."""

    version: LawVersion
    why: str


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@lru_cache(maxsize=1)
def all_versions() -> tuple[LawVersion, ...]:
    """Every row of law.json, in file order."""
    data = json.loads(resources.files(__package__).joinpath("law.json").read_text(encoding="utf-8"))
    return tuple(_row(row) for row in data["rules"])


def _row(row: dict) -> LawVersion:
    return LawVersion(
        code=row["code"], version=row["version"], nations=tuple(Nation(n) for n in row["nations"]), title=row["title"],
        statement=row["statement"], params=MappingProxyType(row["params"]), source=row["source"], source_url=row["source_url"],
        applies_from=_day(row["from"]), applies_until=_day(row["until"]), basis=row["basis"], note=row["note"],
        earliest_commencement=_day(row.get("earliest_commencement")),
    )  # fmt: skip


def versions(code: str, nation: Nation | None = None) -> tuple[LawVersion, ...]:
    found = _versions(code, nation)
    if not found and nation is None:
        raise DeadlineError(f"no rule {code!r} in the law table")
    return found


@cache
def _versions(code: str, nation: Nation | None) -> tuple[LawVersion, ...]:
    return tuple(v for v in all_versions() if v.code == code and (nation is None or nation in v.nations))


@lru_cache(maxsize=1024)
def _in_force(code: str, nation: Nation, commenced: tuple[tuple[str, dt.date], ...]) -> tuple[LawVersion, ...]:
    return with_commencements(versions(code, nation), dict(commenced))


def with_commencements(rows: tuple[LawVersion, ...], commencements: Mapping[str, dt.date]) -> tuple[LawVersion, ...]:
    """``rows`` with the caller's commencement dates filled in: each commenced
    version starts that day and the open version before it ends that day."""
    rows = list(rows)
    for key, day in commencements.items():
        matches = [i for i, v in enumerate(rows) if v.key == key]
        if not matches:
            continue
        i = matches[0]
        version = rows[i]
        if version.applies_from is not None and version.applies_from != day:
            raise DeadlineError(f"{version.title} is already recorded as in force from {say(version.applies_from)}")
        if version.earliest_commencement and day < version.earliest_commencement:
            raise DeadlineError(f"{version.title} cannot be commenced before {say(version.earliest_commencement)}")
        rows[i] = replace(version, applies_from=day)
        for j, other in enumerate(rows):
            open_before = other.applies_from is not None and other.applies_from < day and other.applies_until is None
            if j != i and open_before and set(other.nations) & set(version.nations):
                rows[j] = replace(other, applies_until=day)
    return tuple(rows)


def resolve(code: str, nation: Nation, on: dt.date, commencements: Mapping[str, dt.date] | None = None) -> Applied:
    """The version of ``code`` in force in ``nation`` for a start date ``on``.

    Raises DeadlineError, saying why, when no version covers that day.
    """
    rows = _in_force(code, nation, tuple(sorted((commencements or {}).items())))
    if not rows:
        raise DeadlineError(f"this tool has no rule for {code!r} in {nation.label}")
    for version in rows:
        if version.applies_on(on):
            return Applied(version, f"Rule in force: {version.title} ({version.source}). It covers cases where {version.basis} "
                                    f"falls {version.period}; here it is {say(on)}.")
    recorded = [v for v in rows if v.applies_from is not None]
    if recorded and on < min(v.applies_from for v in recorded):
        first = min(v.applies_from for v in recorded)
        raise DeadlineError(f"{versions(code)[0].title}: dates before {say(first)} are not recorded in this tool ({nation.label})")
    raise DeadlineError(f"no version of {code!r} is recorded as in force on {say(on)} in {nation.label}")


def not_applying(code: str, nation: Nation, on: dt.date, commencements: Mapping[str, dt.date] | None = None) -> list[Applied]:
    """The other versions of ``code`` in ``nation`` and why each does not apply to ``on``."""
    out = []
    for version in _in_force(code, nation, tuple(sorted((commencements or {}).items()))):
        if version.applies_on(on):
            continue
        if version.applies_from is None:
            why = f"{version.title} ({version.source}) is not in force here: no commencement date was given."
        elif on < version.applies_from:
            why = f"{version.title} applies only where {version.basis} is on or after {say(version.applies_from)}."
        else:
            why = f"{version.title} applied only where {version.basis} was before {say(version.applies_until)}."
        out.append(Applied(version, why))
    return out
