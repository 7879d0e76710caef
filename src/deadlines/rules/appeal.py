"""Appeals against disciplinary and grievance outcomes.

The ACAS Code of Practice asks for appeals "without unreasonable delay" and
fixes no number of days, so this rule gives no date by itself. An employer's
procedure usually does ("appeal within 5 working days of the outcome
letter"): pass it as ``extra={"policy": {...}}`` (see ``policy.PolicyRule``)
and the date is worked out under it, with the Code's rule stated first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .. import law
from ..result import Deadline
from ..words import say
from ..workdays import WorkingCalendar
from . import policy as policy_rules
from .inputs import Inputs

NAME = "appeal"
TITLE = "Appeal against a disciplinary or grievance outcome"
LAW = ("disciplinary-appeal",)
START = "the date of the outcome (or of the outcome letter)"
INPUTS = {"policy": "the employer's own time limit, as a policy rule (count, unit, ...)"}


def compute(start: dt.date, calendar: WorkingCalendar, extra: Mapping[str, Any] | None = None) -> Deadline:
    inputs = Inputs(NAME, extra, INPUTS)
    applied = law.resolve("disciplinary-appeal", calendar.nation, start)
    lead = (applied.why, f"{applied.version.statement}")
    given = inputs.raw("policy")
    if given is not None:
        rule = policy_rules.policy_of(given)
        found = policy_rules.compute(rule, start, calendar, lead=lead)
        return Deadline(rule=NAME, title=f"{TITLE}: {rule.title}", date=found.date, start=start, nation=calendar.nation,
                        steps=found.steps, source=f"{rule.source}; {applied.version.source}", source_url=applied.version.source_url,
                        law=(applied.version.key, *found.law), notes=found.notes, figures=found.figures)  # fmt: skip
    steps = [*lead, f"The outcome is dated {say(start)}.",
             ("No employer policy was given, so there is no fixed date: appeal as soon as you can, and check the employer's "
             "procedure, which usually sets a time (for example five working days from the outcome letter).")]  # fmt: skip
    notes = ["What delay is unreasonable is for a tribunal to judge; a failure to follow the Code can change an award by up to 25%."]
    return Deadline(rule=NAME, title=TITLE, date=None, start=start, nation=calendar.nation, steps=tuple(steps),
                    source=applied.version.source, source_url=applied.version.source_url, law=(applied.version.key,),
                    notes=tuple(notes))  # fmt: skip
