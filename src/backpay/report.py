"""The calculation in words, each step shown, for the CLI and the member's page."""

from .calc import CONVENTION_TEXT, ROUNDING_TEXT, BackPay
from .money import pounds


def report_lines(result: BackPay) -> list[str]:
    lines = [
        f"Back pay for employee {result.employee_number} ({result.employer}), {result.start} to {result.end}",
        f"Convention: {CONVENTION_TEXT[result.convention]}.",
        f"Rounding: {ROUNDING_TEXT}.",
        "",
    ]
    for period in result.periods:
        lines.append(f"{period.label}")
        for s in period.steps:
            lines.append(
                f"  {s.start} to {s.end}: band {s.band} point {s.point}; new {pounds(s.new_annual)} − old {pounds(s.old_annual)}"
                f" = {pounds(s.difference)} a year × {s.share(result.convention)} = {s.amount:,.4f}"
            )
        lines.append(f"  owed for {period.label}: {pounds(period.owed)}")
    lines += ["", f"Total owed: {pounds(result.total)}"]
    return lines
