"""deadlines: working days by UK nation and legal time limits as dated rules.

Pure Python (no Django); bank holidays from the ``holidays`` package. Every
deadline comes with the steps that found it, in plain English, so a rep can
show how it was worked out::

    import datetime as dt
    from deadlines import deadline

    d = deadline("tribunal", start=dt.date(2026, 3, 10), nation="scotland",
                 extra={"acas_from": dt.date(2026, 5, 1), "acas_cert": dt.date(2026, 5, 20)})
    d.date         # datetime.date(2026, 6, 28)
    d.steps        # ("The limit runs from the effective date of termination: ...", ...)
    d.to_dict()    # JSON-ready

Rules: ``tribunal``, ``companion``, ``appeal``, ``sar``, ``consultation``
(see ``deadlines.rules``) or an employer ``PolicyRule``. The law behind them,
with sources and dates, is in ``law.json`` (``deadlines.law``).
This is date arithmetic, not legal advice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from .counting import (
    Counted,
    Counting,
    Direction,
    Period,
    Roll,
    Unit,
    add_months,
    work_out,
)
from .errors import DeadlineError
from .result import DISCLAIMER, Deadline
from .rules import RULES, PolicyRule
from .rules import policy as _policy
from .rules.inputs import as_date
from .workdays import Nation, WorkingCalendar, bank_holidays, nation_of


def deadline(
    rule: str | PolicyRule,
    *,
    start: dt.date | str,
    nation: Nation | str = Nation.ENGLAND_WALES,
    extra: Mapping[str, Any] | None = None,
    closures: Iterable[dt.date] = (),
) -> Deadline:
    """The deadline ``rule`` sets for an event on ``start`` in ``nation``.

    ``extra`` holds the rule's own inputs (``RULES[name].INPUTS`` lists them);
    ``closures`` are the employer's own closure days, counted only by
    employer policy rules. Raises DeadlineError for input it cannot use.
    """
    day = as_date(start, "start")
    calendar = WorkingCalendar.of(nation, closures)
    if isinstance(rule, PolicyRule):
        if extra:
            raise DeadlineError("an employer policy rule takes no extra inputs")
        return _policy.compute(rule, day, calendar)
    try:
        module = RULES[rule]
    except (KeyError, TypeError):
        raise DeadlineError(f"unknown rule {rule!r}; choose from {', '.join(RULES)}") from None
    return module.compute(day, calendar, extra)


def working_days(start: dt.date | str, n: int, *, nation: Nation | str = Nation.ENGLAND_WALES,
                 closures: Iterable[dt.date] = ()) -> Counted:  # fmt: skip
    """The ``n``-th working day after ``start`` (n may be negative), with the steps."""
    day = as_date(start, "start")
    calendar = WorkingCalendar.of(nation, closures)
    if not isinstance(n, int) or isinstance(n, bool):
        raise DeadlineError(f"the number of working days must be a whole number, not {n!r}")
    period = Period(abs(n), Unit.WORKING_DAYS, direction=Direction.BEFORE if n < 0 else Direction.AFTER)
    return work_out(period, day, calendar, event="the start date")


__all__ = [
    "DISCLAIMER",
    "RULES",
    "Counted",
    "Counting",
    "Deadline",
    "DeadlineError",
    "Direction",
    "Nation",
    "Period",
    "PolicyRule",
    "Roll",
    "Unit",
    "WorkingCalendar",
    "add_months",
    "bank_holidays",
    "deadline",
    "nation_of",
    "work_out",
    "working_days",
]
