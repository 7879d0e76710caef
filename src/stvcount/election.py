"""The election being counted: candidates, seats and (grouped) ballots."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

Ranking = tuple[int, ...]
"""Candidates in order of preference, numbered from 0."""


class Ballot(NamedTuple):
    """``weight`` identical papers, each ranking ``ranking`` (0-based candidates)."""

    weight: int
    ranking: Ranking


@dataclass(frozen=True)
class Election:
    """An election as read from a BLT file.

    Candidates are numbered from 0 internally; BLT files and the JSON output
    number them from 1. Each distinct ranking appears once in ``rankings``,
    with ``weights[i]`` papers carrying ``rankings[i]``, in order of first
    appearance. Withdrawn candidates have already been removed from every
    ranking; papers left with no preference are not part of the valid poll.
    Build one with ``Election.of`` to get that grouping done for you.
    """

    candidates: tuple[str, ...]
    seats: int
    rankings: tuple[Ranking, ...]
    weights: tuple[int, ...]
    withdrawn: frozenset[int] = field(default_factory=frozenset)
    title: str = ""

    @classmethod
    def of(
        cls,
        candidates: Iterable[str],
        seats: int,
        ballots: Iterable[tuple[int, Ranking]] | dict[Ranking, int],
        withdrawn: Iterable[int] = (),
        title: str = "",
    ) -> Election:
        """An election from (weight, ranking) pairs or a {ranking: weight} dict, grouped."""
        gone = frozenset(withdrawn)
        rankings, weights = group_ballots(ballots, gone)
        return cls(tuple(candidates), seats, rankings, weights, gone, title)

    @property
    def ballots(self) -> tuple[Ballot, ...]:
        """The grouped ballots as (weight, ranking) pairs."""
        return tuple(map(Ballot, self.weights, self.rankings))

    @property
    def valid_poll(self) -> int:
        """Number of valid papers (papers with at least one preference)."""
        return sum(self.weights)

    @property
    def standing(self) -> list[int]:
        """Candidates not withdrawn, in candidate order."""
        return [c for c in range(len(self.candidates)) if c not in self.withdrawn]


def group_ballots(
    ballots: Iterable[tuple[int, Ranking]] | dict[Ranking, int], withdrawn: Iterable[int] = ()
) -> tuple[tuple[Ranking, ...], tuple[int, ...]]:
    """(rankings, weights) with identical rankings merged, withdrawn candidates
    and empty or weightless papers dropped, in order of first appearance.

    ``ballots`` is (weight, ranking) pairs or an already merged {ranking: weight}.
    """
    gone = frozenset(withdrawn)
    if isinstance(ballots, dict) and not gone:
        merged = ballots
    else:
        pairs = ((w, r) for r, w in ballots.items()) if isinstance(ballots, dict) else ballots
        merged = {}
        get = merged.get
        for weight, ranking in pairs:
            if gone:
                ranking = tuple(c for c in ranking if c not in gone)
            merged[ranking] = get(ranking, 0) + weight
    if () in merged or 0 in merged.values():
        merged = {r: w for r, w in merged.items() if r and w}
    return tuple(merged), tuple(merged.values())
