"""The threshold (minimum frequency) rule.

A count of 1 to ``threshold - 1`` people is hidden. Its protection levels ask
that the published figures fit both an empty cell and one at the threshold:
``lower = x`` (the cell could be 0) and ``upper = threshold - x`` (it could be
``threshold``). So a reader can tell neither that anyone is in the cell nor
that it is small. A zero is shown: it is a true zero in a count of members,
and hiding it would tell a reader nothing they could not guess; its risk
(a whole group sharing one answer) is what the audit's group-disclosure
warning is for.

A sum over 1 to ``threshold - 1`` contributors is hidden too, with protection
levels of ``safety_range`` per cent of the sum each way.
"""

from __future__ import annotations

from ..status import Sensitive, Status

NAME = "threshold"


def assess_count(count: int, rules) -> Sensitive | None:
    t = rules.threshold
    if 0 < count < t:
        return Sensitive(NAME, Status.PRIMARY, t - count, count, f"fewer than {t} people")
    return None


def assess_sum(cell, rules) -> Sensitive | None:
    t = rules.threshold
    if 0 < cell.count < t:
        level = cell.total * rules.safety_range / 100
        return Sensitive(NAME, Status.PRIMARY, level, level, f"fewer than {t} contributors")
    return None


def assess(cell, rules) -> Sensitive | None:
    return assess_count(cell, rules) if isinstance(cell, int) else assess_sum(cell, rules)
