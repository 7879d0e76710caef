"""Employment tribunal claims: the primary limit, then ACAS early conciliation.

1. The primary limit: three months less a day from the act complained of or
   the effective date of termination (six months once the Employment Rights
   Act 2025 s152 is commenced and the caller says from when).
2. Early conciliation (ERA 1996 s207B; EqA 2010 s140B; NI Art. 249B), as read
   in Luton Borough Council v Haque [2018] ICR 1388 (EAT): subsection (3)
   first, then subsection (4) applied to the date (3) gives.
   (3) The days from the day after Day A up to and including Day B are not
       counted: the limit moves on by (Day B - Day A) days.
   (4) If that date falls in the period beginning with Day A and ending one
       month after Day B (the corresponding date: Tanveer, EAT 2016), the
       limit expires instead at the end of that period.
   Contact with ACAS after the limit has expired extends nothing (Pearce v
   Bank of America Merrill Lynch, EAT 2019).

The limit does not move when it falls on a weekend or bank holiday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .. import law
from ..counting import Counting, Period, Unit, add_months, end_of_month_note, work_out
from ..errors import DeadlineError
from ..result import Deadline
from ..words import count_of, say
from ..workdays import WorkingCalendar
from .inputs import Inputs

NAME = "tribunal"
TITLE = "Employment tribunal claim: time limit with early conciliation"
LAW = ("tribunal-limit", "early-conciliation")
START = "the act complained of, or the effective date of termination"
INPUTS = {
    "acas_from": "Day A: the day ACAS (in Northern Ireland the Labour Relations Agency) was contacted",
    "acas_cert": "Day B: the day the early conciliation certificate was received",
    "era2025_commenced": "the day the Employment Rights Act 2025 six-month limit came into force, if it has",
    "claim": "unfair-dismissal (default), discrimination or deductions: only the words used for the start date",
}
CLAIMS = {
    "unfair-dismissal": "the effective date of termination",
    "discrimination": "the date of the act complained of",
    "deductions": "the date of the deduction (the last of a series)",
}
SIX_MONTHS = "tribunal-limit/six-months"

NOT_DECIDED = (
    ("Whether a late claim can still be heard is for the tribunal: for unfair dismissal, if it was not reasonably "
    "practicable to claim in time and the claim came within a further reasonable period; for discrimination, if a "
    "longer period is just and equitable. This tool never extends a limit on those grounds."),
    ("Which date the limit runs from (the effective date of termination, the last act of conduct extending over a "
    "period, the last of a series of deductions) is a question of fact and law for you to settle."),
    ("A second early conciliation certificate for the same matter does not extend time again (HMRC v Garau, EAT 2017); "
    "whether a matter is the same matter is not decided here."),
)


def early_conciliation(limit: dt.date, day_a: dt.date, day_b: dt.date, months_after_day_b: int = 1, *,
                       body: str = "ACAS", provision: str = "s207B") -> tuple[dt.date, list[str], dict[str, dt.date]]:  # fmt: skip
    """The limit after early conciliation from ``day_a`` to ``day_b``, with steps and intermediate dates.

    Needs ``day_a <= day_b``. An extension never makes the limit earlier.
    ``body`` and ``provision`` name the conciliation service and the section
    in the steps (in Northern Ireland, the Labour Relations Agency and Art. 249B).
    """
    if day_b < day_a:
        raise DeadlineError(f"the certificate (Day B, {say(day_b)}) cannot come before the contact with {body} (Day A, {say(day_a)})")
    steps = [f"Early conciliation: Day A, the day {body} was contacted, is {say(day_a)}; Day B, the day the certificate was received, is {say(day_b)}."]
    if day_a > limit:
        steps.append(
            f"Day A is after the limit expired on {say(limit)}, so early conciliation gives no extension: there was no time "
            "left to extend (Pearce v Bank of America Merrill Lynch, EAT 2019)."
        )
        return limit, steps, {}
    stopped = (day_b - day_a).days
    after_3 = limit + dt.timedelta(days=stopped)
    if stopped:
        steps.append(
            f"{provision}(3): the days from the day after Day A, {say(day_a + dt.timedelta(days=1))}, to Day B, {say(day_b)}, "
            f"are not counted: {count_of(stopped, 'day')}. The limit moves {count_of(stopped, 'day')} on, "
            f"from {say(limit)} to {say(after_3)}."
        )
    else:
        steps.append(f"{provision}(3): Day A and Day B are the same day, so no days are taken out; the limit stays {say(limit)}.")
    month_after_b = add_months(day_b, months_after_day_b)
    end_note = end_of_month_note(day_b, month_after_b)
    if after_3 <= month_after_b:
        final = month_after_b
        steps.append(
            f"{provision}(4): one month after Day B is the corresponding date, {say(month_after_b)}{end_note}. The limit from (3), "
            f"{say(after_3)}, falls in the period from Day A to then, so it expires instead at the end of that period: {say(final)}."
        )
    else:
        final = after_3
        steps.append(
            f"{provision}(4): one month after Day B is {say(month_after_b)}{end_note}. The limit from (3), {say(after_3)}, is later "
            "than that, so (4) does not change it."
        )
    parts = "Subsections" if provision.startswith("s") else "Paragraphs"
    steps.append(f"{parts} (3) and (4) are applied in that order, (4) to the date (3) gives (Luton Borough Council v Haque [2018] ICR 1388, EAT).")
    return final, steps, {"after_s207b_3": after_3, "one_month_after_day_b": month_after_b}


def compute(start: dt.date, calendar: WorkingCalendar, extra: Mapping[str, Any] | None = None) -> Deadline:
    inputs = Inputs(NAME, extra, INPUTS)
    claim = inputs.choice("claim", CLAIMS, "unfair-dismissal")
    day_a, day_b = inputs.date("acas_from"), inputs.date("acas_cert")
    commenced = inputs.date("era2025_commenced")
    if (day_a is None) != (day_b is None):
        raise DeadlineError("give both the day ACAS was contacted (Day A) and the day the certificate was received (Day B), or neither")
    if day_a is not None and day_a < start:
        raise DeadlineError(
            f"Early conciliation began ({say(day_a)}) before {CLAIMS[claim]} ({say(start)}); whether that conciliation covers this "
            "claim, and how time then runs, is not worked out here: take advice"
        )
    nation = calendar.nation
    commencements = {SIX_MONTHS: commenced} if commenced else {}
    applied = law.resolve("tribunal-limit", nation, start, commencements)
    months = applied.version.params["months"]
    steps = [f"The limit runs from {CLAIMS[claim]}: {say(start)}.", applied.why]
    steps += [other.why for other in law.not_applying("tribunal-limit", nation, start, commencements)]
    notes = list(NOT_DECIDED)
    if nation.great_britain and commenced is None:
        notes.append(
            "The Employment Rights Act 2025 six-month limit (s152, Schedule 12) is to be commenced by regulations; none was "
            "given, so three months are used. If it is in force for this act, give its commencement date."
        )
    elif commenced is not None and nation.great_britain:
        notes.append(
            "Assumed: the six-month limit applies where the act or effective date of termination is on or after its "
            "commencement date. Check the commencement regulations' transitional provisions."
        )
    counted = work_out(Period(months, Unit.MONTHS, Counting.STARTING_WITH), start, calendar, event=CLAIMS[claim])
    steps += counted.steps
    primary = counted.date
    figures = {"primary": primary}
    final = primary
    law_used = [applied.version.key]
    sources = [applied.version.source]
    if day_a is not None:
        ec = law.resolve("early-conciliation", nation, day_a)
        law_used.append(ec.version.key)
        sources.append(ec.version.source)
        body, provision = ("ACAS", "s207B") if nation.great_britain else ("the Labour Relations Agency", "Art. 249B")
        final, ec_steps, ec_figures = early_conciliation(primary, day_a, day_b, ec.version.params["months_after_day_b"],
                                                         body=body, provision=provision)  # fmt: skip
        steps.append(ec.why)
        steps += ec_steps
        figures.update(ec_figures)
    else:
        steps.append("No early conciliation dates were given, so no extension is added. A claim normally needs an early conciliation certificate first.")
    figures["deadline"] = final
    steps.append(f"The claim must be presented by {say(final)}. The limit does not move for weekends or bank holidays.")
    why = calendar.closed_because(final)
    if why is not None:
        safe = calendar.previous_working_day(final)
        steps.append(f"{say(final)} is not a working day ({why}); to be safe, present the claim by {say(safe)}, the last working day before it.")
        figures["last_working_day_before"] = safe
    if counted.other_reading:
        notes.append(f"On the other reading of 'months less a day' the primary limit would be {say(counted.other_reading)}; the earlier date is used.")
    return Deadline(
        rule=NAME, title=TITLE, date=final, start=start, nation=nation, steps=tuple(steps),
        source="; ".join(sources),
        source_url=applied.version.source_url, law=tuple(law_used), notes=tuple(notes), figures=figures,
    )  # fmt: skip
