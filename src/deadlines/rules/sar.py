"""A UK GDPR subject access request: one month from receipt, or three if extended.

As the ICO counts it: from the day of receipt (whether a working day or not)
to the corresponding calendar date in the next month; if that month has no
such date, its last day; if the date falls on a weekend or a bank holiday,
the next working day. An extension for complex or numerous requests adds two
further months: three months from receipt, counted the same way, or, where
it is earlier (month ends), two months from the end of the first month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .. import law
from ..counting import Period, Roll, Unit, add_months, work_out
from ..result import Deadline
from ..words import count_of, say
from ..workdays import WorkingCalendar, unverified_note
from .inputs import Inputs

NAME = "sar"
TITLE = "Subject access request: time to respond"
LAW = ("subject-access",)
START = "the day the request was received (or the later 'relevant time')"
INPUTS = {"extended": "true if the controller extended the time by two further months (complex or numerous requests)"}


def compute(start: dt.date, calendar: WorkingCalendar, extra: Mapping[str, Any] | None = None) -> Deadline:
    inputs = Inputs(NAME, extra, INPUTS)
    extended = inputs.flag("extended")
    applied = law.resolve("subject-access", calendar.nation, start)
    params = applied.version.params
    months = params["months"] + (params["extension_months"] if extended else 0)
    steps = [f"The request was received on {say(start)}; that day counts, whether or not it is a working day.", applied.why]
    if extended:
        steps.append(f"The time was extended by {count_of(params['extension_months'], 'further month')}, so the controller has "
                     f"{count_of(months, 'month')} from receipt.")  # fmt: skip
    if calendar.closures:
        steps.append("Employer closure days do not move the date: the ICO's rule names weekends and public holidays only.")
    statutory = calendar.statutory()
    counted = work_out(Period(months, Unit.MONTHS, roll=Roll.NEXT), start, statutory, event="the day of receipt")
    if extended:
        # "Extended by two further months" may also be read from the end of the first month; at month
        # ends that is earlier (31 Jan: 28 Feb + 2 months = 28 Apr, against 30 Apr), and the earlier is used.
        first_month = add_months(start, params["months"])
        other = add_months(first_month, params["extension_months"])
        if other < add_months(start, months):
            counted = work_out(Period(params["extension_months"], Unit.MONTHS, roll=Roll.NEXT), first_month, statutory,
                               event="the end of the first month")  # fmt: skip
            steps.append(
                f"Read from the end of the first month ({say(first_month)}), the two further months end on {say(other)}, "
                f"earlier than {count_of(months, 'month')} from receipt ({say(add_months(start, months))}); the earlier "
                "date is used."
            )
    steps += counted.steps
    steps.append(f"The response is due by {say(counted.date)}.")
    notes = [
        ("If the controller asked for identity, a fee or clarification, the month may start later (the 'relevant time'); "
        "give that day as the start. Whether a pause or an extension is justified is not decided here."),
        "An extension must be told to the requester within the first month, with the reasons.",
    ]
    late = unverified_note([counted.date])
    if late:
        notes.append(late)
    return Deadline(rule=NAME, title=TITLE + (" (extended)" if extended else ""), date=counted.date, start=start,
                    nation=calendar.nation, steps=tuple(steps), source=applied.version.source,
                    source_url=applied.version.source_url, law=(applied.version.key,), notes=tuple(notes),
                    figures={"deadline": counted.date})  # fmt: skip
