"""Back pay arithmetic, pure (no Django): scales, histories and what is owed per period (issue 13).

Layers, one way: ``money`` (exact pence and rounding) → ``scales`` and
``history`` (checked input) → ``calc`` (steps, months, totals) → ``inputs``
(the JSON case format) → ``report`` (words) → ``cli``.
"""

from .calc import CONVENTION_TEXT, CONVENTIONS, DEFAULT_CONVENTION, ROUNDING_TEXT, BackPay, MonthOwed, Step, calculate
from .errors import BackpayError
from .history import History, Period
from .inputs import Case, case_from_dict, case_from_json
from .scales import Rate, Scale

__all__ = [
    "BackPay", "BackpayError", "CONVENTIONS", "CONVENTION_TEXT", "Case", "DEFAULT_CONVENTION", "History", "MonthOwed",
    "Period", "ROUNDING_TEXT", "Rate", "Scale", "Step", "calculate", "case_from_dict", "case_from_json",
]  # fmt: skip
