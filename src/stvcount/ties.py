"""Breaking ties by looking at earlier stages, then by a seeded lot."""

from __future__ import annotations

import random
from collections.abc import Sequence

from .result import Stage, Tie


class TieBreaker:
    """Chooses among tied candidates and records every tie it breaks.

    ``direction`` is 'backwards' (most recent earlier stage at which the
    candidates differed decides, as in the Scottish rules) or 'forwards'
    (earliest such stage, as in ERS97). If no earlier stage separates them
    the choice is by lot from ``random.Random(seed)``, so a count is
    reproducible for a given seed.
    """

    def __init__(self, seed: int = 0, direction: str = "backwards"):
        if direction not in ("backwards", "forwards", "lot"):
            raise ValueError(f"unknown tie-break direction {direction!r}")
        self.seed = seed
        self.direction = direction
        self.lot = random.Random(seed)
        self.ties: list[Tie] = []

    def choose(
        self,
        tied: Sequence[int],
        earlier: Sequence[Stage],
        stage: int,
        purpose: str,
        lowest: bool,
    ) -> int:
        """The candidate among ``tied`` with the lowest (or highest) earlier total.

        ``earlier`` are the stages before the one at which the tie arose.
        A single candidate is returned without recording a tie.
        """
        remaining = sorted(tied)
        if len(remaining) == 1:
            return remaining[0]
        pick = min if lowest else max
        stages = reversed(earlier) if self.direction == "backwards" else earlier
        method = ""
        if self.direction != "lot":
            for past in stages:
                best = pick(past.totals[c] for c in remaining)
                narrowed = [c for c in remaining if past.totals[c] == best]
                if len(narrowed) < len(remaining):
                    remaining = narrowed
                    method = f"stage {past.number}"
                    if len(remaining) == 1:
                        break
        if len(remaining) > 1:
            chosen = self.lot.choice(remaining)
            method = f"{method}, then " if method else ""
            method += f"lot (seed {self.seed})"
        else:
            chosen = remaining[0]
        self.ties.append(Tie(stage, purpose, tuple(sorted(tied)), chosen, method))
        return chosen
