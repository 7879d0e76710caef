"""Parsing money, hours and dates exactly, and rounding exact fractions to the penny.

Amounts are held as whole pence and hours as hundredths of an hour (Python
integers), so every sum and product is exact; a division is kept as a
numerator and denominator until the end of a period, when it is rounded once.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")


def parse_decimal(value, what: str, problems: list[str], *, places: int = 2, allow_zero: bool = True) -> Decimal | None:
    """``value`` (a string, an int or a Decimal; never a float) as a non-negative
    Decimal of at most ``places`` decimal places, or None with a problem recorded."""
    if isinstance(value, bool) or isinstance(value, float) or value is None:
        problems.append(f"{what}: {value!r} is not a number (write it as text, e.g. \"31234.50\")" if isinstance(value, float)
                        else f"{what}: {value!r} is not a number")  # fmt: skip
        return None
    text = str(value).strip().replace(",", "").lstrip("£")
    try:
        number = Decimal(text)
    except InvalidOperation:
        problems.append(f"{what}: {value!r} is not a number")
        return None
    if not number.is_finite():
        problems.append(f"{what}: {value!r} is not a number")
        return None
    if number < 0:
        problems.append(f"{what}: {value!r} is negative")
        return None
    if not allow_zero and number == 0:
        problems.append(f"{what}: must be more than zero")
        return None
    if number != number.quantize(Decimal(1).scaleb(-places)):
        problems.append(f"{what}: {value!r} has more than {places} decimal places")
        return None
    return number


def parse_date(value, what: str, problems: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        problems.append(f"{what}: {value!r} is not a date in the form YYYY-MM-DD")
        return None


def to_units(number: Decimal) -> int:
    """A Decimal of at most two places as a whole number of hundredths (pence)."""
    return int(number * 100)


def round_half_up(numerator: int, denominator: int) -> Decimal:
    """numerator / denominator pence, rounded to the whole penny with halves away
    from zero (ROUND_HALF_UP, as Decimal names it), returned in pounds."""
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    sign = -1 if numerator < 0 else 1
    pence = (2 * abs(numerator) + denominator) // (2 * denominator)
    return (Decimal(sign * pence) / 100).quantize(PENNY)


def approx(numerator: int, denominator: int, places: int = 4) -> Decimal:
    """numerator / denominator pence in pounds to ``places`` places, for showing a
    step before rounding (never used in a sum)."""
    return (Decimal(numerator) / Decimal(denominator) / 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def pounds(amount: Decimal) -> str:
    """1234.5 -> '1,234.50'."""
    return f"{amount:,.2f}"
