"""Primary suppression rules. Each module exposes ``NAME`` and ``assess``.

- ``threshold``: too few people in a cell (counts, and sums over few people);
- ``nk``: the (n, k) dominance rule for sums;
- ``ppercent``: the p% rule for sums.

``Rules`` holds their settings; ``assess_count`` and ``assess_sum`` apply
every rule that concerns a cell and combine their protection levels (the
largest of each wins).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..status import Sensitive, Status
from ..tables import Magnitude, exact
from . import nk, ppercent, threshold

MINIMUM_THRESHOLD = 5
RULES = {m.NAME: m for m in (threshold, nk, ppercent)}


@dataclass(frozen=True)
class Rules:
    """Settings of the primary rules (defaults and their sources: docs/disclosure-control.md).

    ``threshold``: the least number of people a shown cell may hold (default
    10, never below 5). ``nk``: ``(n, k)``, a sum is dominated when its ``n``
    largest contributions exceed ``k`` per cent of it (default (2, 85);
    ``None`` turns the rule off). ``p``: the p% rule's percentage (default 10;
    ``None`` off). ``safety_range``: per cent of a sum that a sum hidden for
    having too few contributors must be able to move either way (default 20).
    """

    threshold: int = 10
    nk: tuple[int, Fraction] | None = (2, Fraction(85))
    p: Fraction | None = Fraction(10)
    safety_range: Fraction = Fraction(20)

    def __post_init__(self) -> None:
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int):
            raise TypeError(f"threshold must be a whole number, not {self.threshold!r}")
        if self.threshold < MINIMUM_THRESHOLD:
            raise ValueError(
                f"threshold {self.threshold} is below {MINIMUM_THRESHOLD}: "
                "cells that small identify people, so it is refused"
            )
        if self.nk is not None:
            n, k = self.nk
            k = exact(k, "k")
            if not (isinstance(n, int) and 1 <= n <= 5):
                raise ValueError(f"(n, k) rule: n must be 1 to 5, not {n!r}")
            if not 0 < k < 100:
                raise ValueError(f"(n, k) rule: k must be between 0 and 100 per cent, not {k}")
            object.__setattr__(self, "nk", (n, k))
        if self.p is not None:
            p = exact(self.p, "p")
            if not 0 < p <= 100:
                raise ValueError(f"p% rule: p must be above 0 and at most 100, not {p}")
            object.__setattr__(self, "p", p)
        s = exact(self.safety_range, "safety range")
        if not 0 <= s <= 100:
            raise ValueError(f"safety range must be 0 to 100 per cent, not {s}")
        object.__setattr__(self, "safety_range", s)

    def to_dict(self) -> dict:
        return {
            "threshold": self.threshold,
            "nk": None if self.nk is None else {"n": self.nk[0], "k": str(self.nk[1])},
            "p": None if self.p is None else str(self.p),
            "safety_range": str(self.safety_range),
        }


def assess_count(count: int, rules: Rules) -> Sensitive | None:
    """The verdict on a count cell (``None``: safe to show)."""
    return threshold.assess_count(count, rules)


def assess_sum(cell: Magnitude, rules: Rules) -> Sensitive | None:
    """The verdict on a sum: the threshold on its contributors, then dominance."""
    verdicts = [v for v in (threshold.assess_sum(cell, rules), nk.assess(cell, rules), ppercent.assess(cell, rules)) if v]
    if not verdicts:
        return None
    status = Status.PRIMARY if any(v.status is Status.PRIMARY for v in verdicts) else Status.DOMINANCE
    return Sensitive(
        "+".join(v.rule for v in verdicts),
        status,
        max(v.upper for v in verdicts),
        max(v.lower for v in verdicts),
        "; ".join(v.reason for v in verdicts),
    )
