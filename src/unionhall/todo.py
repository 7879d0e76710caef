"""What needs an officer: each app says, through a plain function
``to_do_for(user) -> list[ToDo]``, and the home page lists them all first
(issue 16: officers land on what needs them). A leaf: imports no app."""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ToDo:
    text: str  # what needs doing, in a sentence with its count: "3 comments wait for a moderator"
    url: str  # where it is done
    urgent: bool = False  # overdue, or a deadline within the week
    due: dt.date | None = None


def ordered(items: list[ToDo]) -> list[ToDo]:
    """Urgent first, then by due date (undated last), keeping each app's own order otherwise."""
    return sorted(items, key=lambda t: (not t.urgent, t.due or dt.date.max))
