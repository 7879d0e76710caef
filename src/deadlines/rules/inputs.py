"""Reading a rule's ``extra`` inputs: known names only, each of the right kind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..errors import DeadlineError
from ..workdays import check_year


def as_date(value: Any, name: str) -> dt.date:
    """A date from a ``date`` or an ISO ``YYYY-MM-DD`` string; a datetime is refused (which day would it be?)."""
    if isinstance(value, dt.datetime):
        raise DeadlineError(f"{name} must be a date, not a date and time")
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise DeadlineError(f"{name} must be a date in the form YYYY-MM-DD, not {value!r}") from None
    else:
        raise DeadlineError(f"{name} must be a date, not {value!r}")
    check_year(day)
    return day


class Inputs:
    """The ``extra`` mapping of one call, checked against the names a rule accepts.

    A misspelt name ("acas_form") is an error, never silently ignored: an
    ignored ACAS date would give an earlier, wrong deadline without a word.
    """

    def __init__(self, rule: str, extra: Mapping[str, Any] | None, accepted: Mapping[str, str]):
        self.rule = rule
        self.values = dict(extra or {})
        unknown = sorted(set(self.values) - set(accepted))
        if unknown:
            known = ", ".join(sorted(accepted)) or "none"
            raise DeadlineError(f"the {rule} rule does not take {', '.join(unknown)}; it takes: {known}")

    def date(self, name: str) -> dt.date | None:
        value = self.values.get(name)
        return None if value is None else as_date(value, name)

    def flag(self, name: str) -> bool:
        value = self.values.get(name, False)
        if not isinstance(value, bool):
            raise DeadlineError(f"{name} must be true or false, not {value!r}")
        return value

    def whole(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise DeadlineError(f"{name} must be a whole number, 0 or more, not {value!r}")
        return value

    def choice(self, name: str, choices: Mapping[str, Any], default: str) -> str:
        value = self.values.get(name, default)
        if value not in choices:
            raise DeadlineError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
        return value

    def raw(self, name: str) -> Any:
        return self.values.get(name)
