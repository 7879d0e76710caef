"""Collective redundancy consultation: the latest day it may begin.

TULRCA 1992 s188(1A): at least 45 days before the first dismissal takes
effect where 100 or more redundancies are proposed at one establishment
within 90 days, at least 30 days where 20 to 99 are; none below 20. An
example of a period counted back: "30 days before" day D is D - 30.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .. import law
from ..counting import Direction, Period, Unit, work_out
from ..errors import DeadlineError
from ..result import Deadline
from ..words import say
from ..workdays import WorkingCalendar
from .inputs import Inputs

NAME = "consultation"
TITLE = "Collective redundancy consultation: latest start"
LAW = ("redundancy-consultation",)
START = "the day the first dismissal takes effect"
INPUTS = {"employees": "how many redundancies are proposed at one establishment within 90 days"}


def compute(start: dt.date, calendar: WorkingCalendar, extra: Mapping[str, Any] | None = None) -> Deadline:
    inputs = Inputs(NAME, extra, INPUTS)
    employees = inputs.whole("employees")
    if employees is None:
        raise DeadlineError("give the number of redundancies proposed (employees)")
    applied = law.resolve("redundancy-consultation", calendar.nation, start)
    steps = [f"The first dismissal is to take effect on {say(start)}; {employees} redundancies are proposed.", applied.why]
    notes = ["Who counts towards the number (one establishment, within 90 days, proposed as redundant) is for you to settle.",
             "'In good time' may mean earlier than the minimum; the minimum is all this works out."]  # fmt: skip
    days = next((d for threshold, d in applied.version.params["thresholds"] if employees >= threshold), None)
    if days is None:
        steps.append("Fewer than 20 redundancies are proposed, so s188 sets no collective consultation period (individual consultation still applies).")
        return Deadline(rule=NAME, title=TITLE, date=None, start=start, nation=calendar.nation, steps=tuple(steps),
                        source=applied.version.source, source_url=applied.version.source_url, law=(applied.version.key,),
                        notes=tuple(notes))  # fmt: skip
    band = "100 or more" if employees >= 100 else "20 to 99"
    steps.append(f"With {band} redundancies, consultation must begin at least {days} days before the first dismissal takes effect.")
    counted = work_out(Period(days, Unit.CALENDAR_DAYS, direction=Direction.BEFORE), start, calendar, event="the first dismissal")
    steps += counted.steps
    steps.append(f"Consultation must begin on or before {say(counted.date)}. Weekends and bank holidays do not move it.")
    return Deadline(rule=NAME, title=TITLE, date=counted.date, start=start, nation=calendar.nation, steps=tuple(steps),
                    source=applied.version.source, source_url=applied.version.source_url, law=(applied.version.key,),
                    notes=tuple(notes), figures={"deadline": counted.date})  # fmt: skip
