"""Right to be accompanied: the latest alternative time for a hearing.

If the worker's chosen companion cannot come at the time the employer
proposed, the worker may propose another time, which must fall before the
end of the period of five working days beginning with the first working day
after the day the employer proposed (Employment Relations Act 1999 s10(4)-(5);
in Northern Ireland the Employment Relations (NI) Order 1999 Art. 12(4)-(5)).
That is the fifth working day after the proposed day. The law's working days
are weekdays less bank holidays: employer closure days are not taken off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .. import law
from ..counting import Period, Unit, work_out
from ..result import Deadline
from ..words import count_of, say
from ..workdays import WorkingCalendar, unverified_note
from .inputs import Inputs

NAME = "companion"
TITLE = "Right to be accompanied: latest alternative time for the hearing"
LAW = ("companion",)
START = "the day the employer proposed for the hearing"
INPUTS: dict[str, str] = {}


def compute(start: dt.date, calendar: WorkingCalendar, extra: Mapping[str, Any] | None = None) -> Deadline:
    Inputs(NAME, extra, INPUTS)
    statutory = calendar.statutory()
    applied = law.resolve("companion", calendar.nation, start)
    n = applied.version.params["working_days"]
    steps = [f"The employer proposed {say(start)} for the hearing.", applied.why, applied.version.statement]
    if calendar.closures:
        steps.append("Employer closure days are not taken off: the Act's working days are weekdays less bank holidays.")
    counted = work_out(Period(n, Unit.WORKING_DAYS), start, statutory, event="the day proposed by the employer")
    steps += counted.steps
    steps.append(f"The alternative time must fall on or before {say(counted.date)}, the end of the period of "
                 f"{count_of(n, 'working day')} beginning with the first working day after the proposed day.")  # fmt: skip
    notes = [
        ("Whether the alternative time is convenient (in Northern Ireland: reasonable), and whether the meeting is a "
        "disciplinary or grievance hearing at all, is not decided here."),
        "An employer who refuses a short postponement beyond the five days may still act unfairly (Talon Engineering Ltd v Smith, EAT 2018).",
    ]
    late = unverified_note([counted.date])
    if late:
        notes.append(late)
    return Deadline(rule=NAME, title=TITLE, date=counted.date, start=start, nation=calendar.nation, steps=tuple(steps),
                    source=applied.version.source, source_url=applied.version.source_url, law=(applied.version.key,),
                    notes=tuple(notes), figures={"deadline": counted.date})  # fmt: skip
