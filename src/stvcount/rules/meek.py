"""Meek STV after the New Zealand rules (Local Electoral Regulations 2001, Schedule 1A).

- every value is fixed-point to 9 decimal places;
- each candidate has a keep value (1 for hopefuls, 0 once excluded); a paper
  gives each candidate in turn its keep value times what is left of the
  paper, truncated to 9 places, and passes the rest on; what is left after
  the last preference is excess (non-transferable);
- quota = (votes credited to candidates) / (seats + 1), truncated to 9
  places, plus 0.000000001; a hopeful with at least the quota is elected;
- elected candidates' keep values are recomputed as keep x quota / votes,
  rounded *up* to 9 places, until the total surplus is at most 0.0001% of
  the quota (or stops changing); then, if no one was elected, the hopeful
  with fewest votes is excluded (ties: most recent differing stage, then lot);
- when the hopefuls are no more than the seats left they are all elected.

A stage is recorded at the first distribution and at each election or
exclusion, with the totals at that moment.

Papers with the same *relevant prefix* (the elected candidates they pass
through, then the first hopeful) receive identical shares, so each
iteration works on those prefixes rather than on every ballot; papers are
moved to a new prefix only when the candidate ending theirs is elected or
excluded.
"""

from __future__ import annotations

from ..election import Election
from ..fixedpoint import format_units
from ..result import Result
from ..sheet import Sheet
from ..ties import TieBreaker

NAME = "meek"
PLACES = 9
UNIT = 10**PLACES

HOPEFUL, ELECTED, EXCLUDED = 0, 1, 2
EXHAUSTED = -1


class _Prefixes:
    """Paper groups bundled by relevant prefix.

    A prefix is split into its *path* (the elected candidates a paper passes
    through, in order) and its *end* (the first hopeful after them, or
    ``EXHAUSTED``). ``papers[path][end]`` counts the papers; ``groups``
    holds the paper groups themselves so they can be re-bundled.
    """

    def __init__(self, election: Election, status: list[int]):
        self.rankings, self.weights, self.status = election.rankings, election.weights, status
        self.pos = [0] * len(self.rankings)
        self.groups: dict[tuple[int, ...], dict[int, list[int]]] = {(): {}}
        self.papers: dict[tuple[int, ...], dict[int, int]] = {(): {}}
        groups, papers = self.groups[()], self.papers[()]
        for b, ranking in enumerate(self.rankings):
            first = ranking[0]
            if first in groups:
                groups[first].append(b)
                papers[first] += self.weights[b]
            else:
                groups[first] = [b]
                papers[first] = self.weights[b]

    def extend(self, candidate: int) -> None:
        """Re-bundle papers ending at ``candidate``, which was just elected or excluded."""
        status, rankings, pos, weights = self.status, self.rankings, self.pos, self.weights
        elected = status[candidate] == ELECTED
        for path in [p for p, ends in self.groups.items() if candidate in ends]:
            moving = self.groups[path].pop(candidate)
            del self.papers[path][candidate]
            head = path + (candidate,) if elected else path
            for b in moving:
                ranking, p, passed = rankings[b], pos[b] + 1, head
                end = len(ranking)
                while p < end and status[ranking[p]] != HOPEFUL:
                    if status[ranking[p]] == ELECTED:
                        passed += (ranking[p],)
                    p += 1
                pos[b] = p
                last = ranking[p] if p < end else EXHAUSTED
                ends = self.groups.get(passed)
                if ends is None:
                    ends = self.groups[passed] = {}
                    self.papers[passed] = {}
                counts = self.papers[passed]
                if last in ends:
                    ends[last].append(b)
                    counts[last] += weights[b]
                else:
                    ends[last] = [b]
                    counts[last] = weights[b]

    def distribute(self, keep: list[int], n: int) -> tuple[list[int], int]:
        """(votes per candidate, excess) for the keep values ``keep``."""
        totals = [0] * n
        excess = 0
        for path, ends in self.papers.items():
            left = UNIT
            if path:
                papers = sum(ends.values())
                for c in path:
                    kept = left * keep[c] // UNIT
                    totals[c] += papers * kept
                    left -= kept
            for c, papers in ends.items():
                if c == EXHAUSTED:
                    excess += papers * left
                else:
                    totals[c] += papers * left
        return totals, excess


def count(election: Election, seed: int = 0) -> Result:
    """Count ``election`` by Meek STV; lots drawn from ``seed``."""
    n, seats = len(election.candidates), election.seats
    status = [EXCLUDED if c in election.withdrawn else HOPEFUL for c in range(n)]
    keep = [0 if s == EXCLUDED else UNIT for s in status]
    prefixes = _Prefixes(election, status)
    totals, excess = prefixes.distribute(keep, n)
    quota = _quota(totals, seats)
    sheet = Sheet(election, NAME, PLACES, quota, TieBreaker(seed, "backwards"))
    sheet.exhausted = excess
    sheet.add_stage("first preferences", None, totals)

    def elect(c: int, reason: str) -> None:
        status[c] = ELECTED
        sheet.elect(c, reason)
        prefixes.extend(c)

    while sheet.seats_left:
        hopefuls = [c for c in range(n) if status[c] == HOPEFUL]
        reached = sorted((c for c in hopefuls if totals[c] >= quota), key=lambda c: -totals[c])
        if reached:
            if sheet.stages[-1].totals != totals:
                sheet.add_stage("quota reached", None, totals)
            for c in reached[: sheet.seats_left]:
                elect(c, f"reached the quota {format_units(quota, PLACES)} with {format_units(totals[c], PLACES)}")
            continue
        if len(hopefuls) <= sheet.seats_left:
            for c in sorted(hopefuls, key=lambda c: -totals[c]):
                elect(c, "hopeful candidates no more than seats left")
            break
        elected = [c for c in range(n) if status[c] == ELECTED]
        surplus = sum(totals[c] - quota for c in elected)
        changed = False
        if surplus > quota // 10**6:
            for c in elected:
                new = -(-keep[c] * quota // totals[c]) if totals[c] else keep[c]
                changed |= new != keep[c]
                keep[c] = new
        if not changed:  # converged: exclude the lowest hopeful
            lowest = min(totals[c] for c in hopefuls)
            tied = [c for c in hopefuls if totals[c] == lowest]
            sheet.add_stage("exclusion", None, totals)
            c = sheet.choose(tied, "exclude", lowest=True) if len(tied) > 1 else tied[0]
            sheet.stages[-1].subject = c
            sheet.stages[-1].action = f"exclusion of {election.candidates[c]}"
            status[c] = EXCLUDED
            keep[c] = 0
            sheet.exclude(c, f"fewest votes ({format_units(lowest, PLACES)}) after convergence")
            prefixes.extend(c)
        totals, sheet.exhausted = prefixes.distribute(keep, n)
        quota = _quota(totals, seats)
    sheet.result.quota = quota
    if sheet.stages[-1].totals != totals:
        sheet.add_stage("final distribution", None, totals)
    return sheet.finish()


def _quota(totals: list[int], seats: int) -> int:
    """Meek's moving quota: credited votes / (seats + 1), truncated, plus one unit."""
    return sum(totals) // (seats + 1) + 1
