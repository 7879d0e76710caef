"""Scottish STV: Scottish Local Government Elections Order 2007 (SSI 2007/42), rules 45-52.

- quota = floor(valid poll / (seats + 1)) + 1; a candidate whose votes equal
  or exceed it is elected;
- values are kept to 5 decimal places, any remainder ignored;
- a surplus transfers *all* of the candidate's papers, each at
  (its value x surplus / candidate's total), truncated to 5 places: the
  surplus's transfer value is surplus / number of papers for a stage-1
  surplus and weighted by each paper's value afterwards (weighted inclusive
  Gregory); this is what the official 2017 results show;
- one surplus per stage, largest first; then, if none, exclude the lowest
  candidate, moving all of its papers at their current values in one stage;
- elected candidates receive no further papers;
- ties are settled by the most recent earlier stage at which the candidates
  had unequal votes, otherwise by (seeded) lot;
- when the continuing candidates are no more than the seats left they are
  all elected.
"""

from __future__ import annotations

from ..election import Election
from ..fixedpoint import format_units
from ..papers import Papers
from ..result import Result
from ..sheet import Sheet
from ..ties import TieBreaker

NAME = "scottish"
PLACES = 5
UNIT = 10**PLACES


def count(election: Election, seed: int = 0) -> Result:
    """Count ``election`` by the Scottish rules; lots drawn from ``seed``."""
    seats = election.seats
    quota = (election.valid_poll // (seats + 1) + 1) * UNIT
    papers = Papers(election, UNIT)
    totals, continuing = papers.totals, papers.continuing
    sheet = Sheet(election, NAME, PLACES, quota, TieBreaker(seed, "backwards"))
    sheet.add_stage("first preferences", None, totals)
    pending: list[int] = []  # elected candidates whose surplus is not yet transferred

    def elect_reaching_quota() -> None:
        reached = [c for c, on in enumerate(continuing) if on and totals[c] >= quota]
        for c in sorted(reached, key=lambda c: -totals[c]):
            continuing[c] = False
            pending.append(c)
            sheet.elect(c, f"reached the quota with {format_units(totals[c], PLACES)}")

    elect_reaching_quota()
    while sheet.seats_left > 0:
        hopefuls = [c for c, on in enumerate(continuing) if on]
        if len(hopefuls) <= sheet.seats_left:
            for c in sorted(hopefuls, key=lambda c: -totals[c]):
                continuing[c] = False
                sheet.elect(c, "continuing candidates no more than seats left")
            break
        surpluses = [c for c in pending if totals[c] > quota]
        if surpluses:
            largest = max(totals[c] for c in surpluses)
            tied = [c for c in surpluses if totals[c] == largest]
            c = sheet.choose(tied, "transfer surplus first", lowest=False) if len(tied) > 1 else tied[0]
            pending.remove(c)
            total, surplus = totals[c], totals[c] - quota
            moved = papers.move(papers.holdings(c), lambda v: v * surplus // total)
            action = f"surplus of {election.candidates[c]}"
            totals[c] = quota
        else:
            lowest = min(totals[c] for c in hopefuls)
            tied = [c for c in hopefuls if totals[c] == lowest]
            c = sheet.choose(tied, "exclude", lowest=True) if len(tied) > 1 else tied[0]
            continuing[c] = False
            surplus = totals[c]
            moved = papers.move(papers.holdings(c))
            action = f"exclusion of {election.candidates[c]}"
            totals[c] = 0
        papers.parcels[c] = []
        papers.receive(moved, len(sheet.stages) + 1)
        sheet.exhausted += moved.exhausted
        sheet.lost += surplus - moved.moved
        sheet.add_stage(action, c, totals)
        if not surpluses:
            sheet.exclude(c, f"lowest continuing candidate with {format_units(lowest, PLACES)}")
        elect_reaching_quota()
    return sheet.finish()
