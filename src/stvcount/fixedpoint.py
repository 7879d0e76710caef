"""Fixed-point vote values: integers counting units of 10**-places of a vote."""

from __future__ import annotations

from decimal import Decimal


def scale(places: int) -> int:
    """Number of units in one whole vote at ``places`` decimal places."""
    return 10**places


def to_decimal(units: int, places: int) -> Decimal:
    """Exact ``Decimal`` for ``units`` at ``places`` decimal places."""
    return Decimal(units).scaleb(-places)


def format_units(units: int, places: int) -> str:
    """Render ``units`` with exactly ``places`` decimals, e.g. ``(123450, 5) -> '1.23450'``."""
    if places == 0:
        return str(units)
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"
