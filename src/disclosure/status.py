"""The status of a cell and what a primary rule says about it."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from fractions import Fraction

Number = int | Fraction


class Status(str, enum.Enum):
    """Whether a cell is shown and, if not, which rule hid it.

    The status is for the publisher only: a published table shows every
    suppressed cell alike as ``[c]``, because saying which ones are *primary*
    would tell a reader they hold fewer than the threshold.
    """

    PUBLISHED = "published"
    PRIMARY = "suppressed-primary"
    SECONDARY = "suppressed-secondary"
    DOMINANCE = "suppressed-dominance"

    @property
    def suppressed(self) -> bool:
        return self is not Status.PUBLISHED


@dataclass(frozen=True)
class Sensitive:
    """A primary rule's verdict on a cell with value ``x``: it must be hidden,
    and the published figures must allow it to be as low as ``x - lower`` and
    as high as ``x + upper`` (its protection levels)."""

    rule: str
    status: Status
    upper: Number
    lower: Number
    reason: str
