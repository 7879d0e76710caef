"""The p% rule for sums.

The second-largest contributor knows their own value; subtracting it from the
published sum leaves an upper bound on the largest contribution, ``x1``. The
sum is sensitive when that bound is within ``p`` per cent of ``x1``:
``total - x1 - x2 < p/100 * x1``. Protection level (both ways, at most the
sum): ``p/100 * x1 - (total - x1 - x2)``, so that the bound the second
contributor can work out is at least ``p`` per cent off.
"""

from __future__ import annotations

from ..status import Sensitive, Status

NAME = "p"


def assess(cell, rules) -> Sensitive | None:
    if rules.p is None or cell.total <= 0 or not cell.largest:
        return None
    x1 = cell.largest[0]
    x2 = cell.largest[1] if len(cell.largest) > 1 else 0
    rest = cell.total - x1 - x2
    level = rules.p * x1 / 100 - rest
    if level > 0:
        return Sensitive(
            NAME, Status.DOMINANCE, level, min(level, cell.total), f"its largest contribution could be estimated within {rules.p}%"
        )
    return None
