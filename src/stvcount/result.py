"""What a count produces: stages, ties, elections and exclusions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .fixedpoint import format_units


@dataclass(frozen=True)
class Tie:
    """A tie met at ``stage`` while choosing whom to ``purpose`` (e.g. 'exclude').

    ``method`` says how it was broken: 'stage N' (the candidates differed at
    an earlier stage N) or 'lot (seed S)'.
    """

    stage: int
    purpose: str
    candidates: tuple[int, ...]
    chosen: int
    method: str


@dataclass(frozen=True)
class Decision:
    """``candidate`` was elected or excluded at ``stage``, for ``reason``."""

    candidate: int
    stage: int
    reason: str


@dataclass
class Stage:
    """One stage of the count; all vote values are fixed-point units.

    ``totals[c]`` is candidate c's total at the end of the stage and
    ``transfers[c]`` what c gained (or lost) during it. ``exhausted`` is the
    cumulative value of non-transferable papers and ``lost`` the cumulative
    value lost to truncation, so that
    ``sum(totals) + exhausted + lost == valid poll`` at every stage.
    """

    number: int
    action: str
    subject: int | None
    totals: list[int]
    transfers: list[int]
    exhausted: int
    lost: int
    elected: list[int] = field(default_factory=list)
    excluded: list[int] = field(default_factory=list)


@dataclass
class Result:
    """A finished count. ``places`` is the number of decimals of every value."""

    rule: str
    candidates: tuple[str, ...]
    seats: int
    valid: int
    quota: int | None
    places: int
    stages: list[Stage] = field(default_factory=list)
    elected: list[Decision] = field(default_factory=list)
    excluded: list[Decision] = field(default_factory=list)
    ties: list[Tie] = field(default_factory=list)
    withdrawn: frozenset[int] = frozenset()
    title: str = ""

    @property
    def winners(self) -> list[int]:
        """Elected candidates (0-based) in order of election."""
        return [d.candidate for d in self.elected]

    def value(self, units: int) -> str:
        """``units`` as a decimal string at this count's precision."""
        return format_units(units, self.places)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary. Candidates are numbered from 1, as in BLT files.

        ``stages[i].totals`` (and ``transfers``) map candidate numbers, as
        strings, to decimal strings; withdrawn candidates are omitted.
        """
        shown = [c for c in range(len(self.candidates)) if c not in self.withdrawn]

        def per_candidate(values: list[int]) -> dict[str, str]:
            return {str(c + 1): self.value(values[c]) for c in shown}

        return {
            "rule": self.rule,
            "title": self.title,
            "candidates": {str(i + 1): name for i, name in enumerate(self.candidates)},
            "seats": self.seats,
            "valid": self.valid,
            "quota": None if self.quota is None else self.value(self.quota),
            "elected": [d.candidate + 1 for d in self.elected],
            "elections": [_decision(d) for d in self.elected],
            "exclusions": [_decision(d) for d in self.excluded],
            "stages": [
                {
                    "stage": s.number,
                    "action": s.action,
                    "subject": None if s.subject is None else s.subject + 1,
                    "totals": per_candidate(s.totals),
                    "transfers": per_candidate(s.transfers),
                    "non_transferable": self.value(s.exhausted),
                    "lost_to_rounding": self.value(s.lost),
                    "elected": [c + 1 for c in s.elected],
                    "excluded": [c + 1 for c in s.excluded],
                }
                for s in self.stages
            ],
            "ties": [
                {
                    "stage": t.stage,
                    "purpose": t.purpose,
                    "candidates": [c + 1 for c in t.candidates],
                    "chosen": t.chosen + 1,
                    "method": t.method,
                }
                for t in self.ties
            ],
        }


def _decision(d: Decision) -> dict[str, Any]:
    return {"candidate": d.candidate + 1, "stage": d.stage, "reason": d.reason}
