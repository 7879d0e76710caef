"""The (n, k) dominance rule for sums.

A sum is *dominated* when its ``n`` largest contributions make up more than
``k`` per cent of it: the few who dominate it could each estimate the others'
contributions (or an outsider theirs) too closely. The sum must then be able
to grow until those ``n`` make up no more than ``k`` per cent:
``upper = 100 / k * (x1 + ... + xn) - total``; ``lower`` is the same amount
(at most the sum itself), as in tau-Argus's symmetric protection levels.
"""

from __future__ import annotations

from ..status import Sensitive, Status

NAME = "nk"


def assess(cell, rules) -> Sensitive | None:
    if rules.nk is None or cell.total <= 0:
        return None
    n, k = rules.nk
    top = sum(cell.largest[:n])
    if top * 100 > k * cell.total:
        upper = top * 100 / k - cell.total
        return Sensitive(
            NAME, Status.DOMINANCE, upper, min(upper, cell.total), f"dominated by its {n} largest contributions"
        )
    return None
