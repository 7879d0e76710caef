"""The shared core of manual-style STV counts: where each paper lies, and its value.

Identical papers are grouped: paper group ``b`` stands for ``weights[b]``
papers with ``rankings[b]``, all at the same current value ``values[b]``
(fixed-point units) and all held by the candidate at ``rankings[b][pos[b]]``.
Each candidate holds its papers in parcels, in the order received.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .election import Election


@dataclass
class Parcel:
    """Paper groups a candidate received together at ``stage``."""

    stage: int
    groups: list[int]
    papers: int = 0


@dataclass
class Transfer:
    """The outcome of moving some papers to their next continuing preference."""

    gained: dict[int, int] = field(default_factory=dict)
    papers: dict[int, int] = field(default_factory=dict)
    parcels: dict[int, list[int]] = field(default_factory=dict)
    exhausted: int = 0
    exhausted_papers: int = 0

    @property
    def moved(self) -> int:
        """Value that reached candidates or became non-transferable."""
        return sum(self.gained.values()) + self.exhausted


class Papers:
    """All papers of an election, dealt to first preferences at ``unit`` each."""

    def __init__(self, election: Election, unit: int):
        n = len(election.candidates)
        self.rankings = election.rankings
        self.weights = election.weights
        self.pos = [0] * len(self.rankings)
        self.values = [unit] * len(self.rankings)
        self.continuing = [c not in election.withdrawn for c in range(n)]
        self.parcels: list[list[Parcel]] = [[] for _ in range(n)]
        self.totals = [0] * n
        first: list[list[int]] = [[] for _ in range(n)]
        for b, ranking in enumerate(self.rankings):
            first[ranking[0]].append(b)
        for c, groups in enumerate(first):
            papers = sum(self.weights[b] for b in groups)
            self.parcels[c].append(Parcel(1, groups, papers))
            self.totals[c] = papers * unit

    def holdings(self, candidate: int) -> list[int]:
        """Every paper group the candidate holds, oldest parcel first."""
        return [b for parcel in self.parcels[candidate] for b in parcel.groups]

    def papers_of(self, groups: list[int]) -> int:
        """Number of papers in ``groups``."""
        weights = self.weights
        return sum(weights[b] for b in groups)

    def next_preference(self, group: int) -> int | None:
        """The next continuing candidate on ``group`` after its holder, or None."""
        ranking, continuing = self.rankings[group], self.continuing
        for c in ranking[self.pos[group] + 1 :]:
            if continuing[c]:
                return c
        return None

    def move(self, groups: list[int], revalue: Callable[[int], int] | None = None) -> Transfer:
        """Pass ``groups`` to their next continuing preference, revaluing each.

        ``revalue`` maps a paper's current value to its transfer value
        (default: unchanged); it is called once per distinct value. Papers
        with no continuing preference left become non-transferable. Totals
        and parcels are not touched: call ``receive`` for that.
        """
        rankings, weights, pos, values = self.rankings, self.weights, self.pos, self.values
        continuing = self.continuing
        memo: dict[int, int] = {}
        out = Transfer()
        gained, papers, parcels = out.gained, out.papers, out.parcels
        exhausted = exhausted_papers = 0
        for b in groups:
            ranking = rankings[b]
            p = pos[b] + 1
            end = len(ranking)
            while p < end and not continuing[ranking[p]]:
                p += 1
            v = values[b]
            if revalue is not None:
                nv = memo.get(v)
                if nv is None:
                    nv = memo[v] = revalue(v)
                values[b] = v = nv
            w = weights[b]
            if p == end:
                pos[b] = p
                exhausted += w * v
                exhausted_papers += w
                continue
            pos[b] = p
            c = ranking[p]
            if c in gained:
                gained[c] += w * v
                papers[c] += w
                parcels[c].append(b)
            else:
                gained[c] = w * v
                papers[c] = w
                parcels[c] = [b]
        out.exhausted, out.exhausted_papers = exhausted, exhausted_papers
        return out

    def receive(self, transfer: Transfer, stage: int) -> None:
        """Credit each receiving candidate with its share of ``transfer`` as a new parcel."""
        for c, groups in transfer.parcels.items():
            self.parcels[c].append(Parcel(stage, groups, transfer.papers[c]))
            self.totals[c] += transfer.gained[c]
