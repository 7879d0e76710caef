"""Reading one back-pay case (two scales, one member's history, a window) from
the JSON format of docs/backpay.md."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from .calc import CONVENTIONS, DEFAULT_CONVENTION, BackPay, calculate
from .errors import BackpayError
from .history import History
from .money import parse_date
from .scales import Scale


@dataclass(frozen=True)
class Case:
    old: Scale
    new: Scale
    history: History
    start: dt.date
    end: dt.date
    convention: str = DEFAULT_CONVENTION

    def calculate(self) -> BackPay:
        return calculate(old=self.old, new=self.new, history=self.history, start=self.start, end=self.end, convention=self.convention)


def _scale(data, name: str) -> Scale:
    rows = data.get("rates") if isinstance(data, dict) else data
    label = data.get("name", name) if isinstance(data, dict) else name
    return Scale.from_rows(rows, name=str(label))


def case_from_dict(data: dict) -> Case:
    """A checked case; BackpayError lists every problem found in the input."""
    if not isinstance(data, dict):
        raise BackpayError("expected one JSON object with old_scale, new_scale, member, from and to")
    missing = [f for f in ("old_scale", "new_scale", "member", "from", "to") if data.get(f) in (None, "", [])]
    if missing:
        raise BackpayError(f"missing {', '.join(missing)}")
    problems: list[str] = []
    start = parse_date(data["from"], "from", problems)
    end = parse_date(data["to"], "to", problems)
    convention = data.get("convention") or DEFAULT_CONVENTION
    if convention not in CONVENTIONS:
        problems.append(f"convention {convention!r} is not one of: {', '.join(CONVENTIONS)}")
    parts = {}
    for key, build in (("old_scale", lambda: _scale(data["old_scale"], "old scale")), ("new_scale", lambda: _scale(data["new_scale"], "new scale")),
                       ("member", lambda: History.from_dict(data["member"]))):  # fmt: skip
        try:
            parts[key] = build()
        except BackpayError as error:
            problems.extend(error.problems)
    if problems:
        raise BackpayError(problems)
    return Case(parts["old_scale"], parts["new_scale"], parts["member"], start, end, convention)


def case_from_json(text: str) -> Case:
    """Numbers in the file are read as exact decimals, never as floats."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise BackpayError(f"not valid JSON: {error}") from None
    return case_from_dict(data)
