"""ERS97: the Electoral Reform Society's STV rules (1997), as used in UK union elections.

- values to 2 decimal places, remainders ignored;
- quota = valid poll / (seats + 1) to 2 places, remainder ignored, plus 0.01;
  a candidate with at least the quota is elected;
- the largest surplus is transferred first (one per stage); a surplus from
  first preferences transfers all the candidate's papers, a later one only
  the parcel last received; the transfer value is surplus / transferable
  papers (truncated), never more than the value the papers arrived at; the
  rest of the surplus is non-transferable;
- transfer of surpluses is deferred while their total is less than the gap
  between the two lowest continuing candidates;
- an excluded candidate's papers go in sub-stages, value 1.00 first, then
  each lower value; candidates reaching the quota meanwhile are elected and
  receive no more;
- ties look at the *earliest* stage at which the candidates differed, then lot;
- when the continuing candidates are no more than the seats left they are
  all elected.

Not implemented: bulk exclusion (it never changes the outcome, only the
number of stages).
"""

from __future__ import annotations

from ..election import Election
from ..fixedpoint import format_units
from ..papers import Papers
from ..result import Result
from ..sheet import Sheet
from ..ties import TieBreaker

NAME = "ers97"
PLACES = 2
UNIT = 10**PLACES


def count(election: Election, seed: int = 0) -> Result:
    """Count ``election`` by ERS97; lots drawn from ``seed``."""
    seats = election.seats
    quota = election.valid_poll * UNIT // (seats + 1) + 1
    papers = Papers(election, UNIT)
    totals, continuing = papers.totals, papers.continuing
    sheet = Sheet(election, NAME, PLACES, quota, TieBreaker(seed, "forwards"))
    sheet.add_stage("first preferences", None, totals)
    pending: list[int] = []
    names = election.candidates

    def elect_reaching_quota() -> None:
        for c in sorted((c for c, on in enumerate(continuing) if on and totals[c] >= quota), key=lambda c: -totals[c]):
            continuing[c] = False
            pending.append(c)
            sheet.elect(c, f"reached the quota with {format_units(totals[c], PLACES)}")

    def finished() -> bool:
        hopefuls = [c for c, on in enumerate(continuing) if on]
        if sheet.seats_left and len(hopefuls) <= sheet.seats_left:
            for c in sorted(hopefuls, key=lambda c: -totals[c]):
                continuing[c] = False
                sheet.elect(c, "continuing candidates no more than seats left")
        return not sheet.seats_left

    def transfer_surplus(c: int) -> None:
        surplus = totals[c] - quota
        parcels = papers.parcels[c]
        parcel = parcels[0] if len(parcels) == 1 and parcels[0].stage == 1 else parcels[-1]
        value = papers.values[parcel.groups[0]] if parcel.groups else 0
        transferable = [b for b in parcel.groups if papers.next_preference(b) is not None]
        count_ = papers.papers_of(transferable)
        tv = min(value, surplus // count_) if count_ else 0
        moved = papers.move(transferable, lambda _: tv)
        papers.receive(moved, len(sheet.stages) + 1)
        papers.parcels[c] = []
        sheet.exhausted += surplus - sum(moved.gained.values())
        totals[c] = quota
        sheet.add_stage(f"surplus of {names[c]} at {format_units(tv, PLACES)}", c, totals)

    def exclude(c: int, reason: str) -> None:
        continuing[c] = False
        by_value: dict[int, list[int]] = {}
        first_preferences = [b for p in papers.parcels[c] if p.stage == 1 for b in p.groups]
        later = [b for p in papers.parcels[c] if p.stage != 1 for b in p.groups]
        for b in later:
            by_value.setdefault(papers.values[b], []).append(b)
        batches = [(UNIT, first_preferences)] if first_preferences else []
        batches += sorted(by_value.items(), reverse=True)
        papers.parcels[c] = []
        if not batches:  # no papers to move: a stage just to record the exclusion
            sheet.add_stage(f"exclusion of {names[c]}", c, totals)
            sheet.exclude(c, reason)
        for i, (value, groups) in enumerate(batches):
            moved = papers.move(groups)
            papers.receive(moved, len(sheet.stages) + 1)
            totals[c] -= moved.moved
            sheet.exhausted += moved.exhausted
            sheet.add_stage(f"exclusion of {names[c]} (papers at {format_units(value, PLACES)})", c, totals)
            if i == 0:
                sheet.exclude(c, reason)
            elect_reaching_quota()
            if finished():
                return

    elect_reaching_quota()
    while not finished():
        hopefuls = sorted((c for c, on in enumerate(continuing) if on), key=lambda c: totals[c])
        surpluses = [c for c in pending if totals[c] > quota]
        total_surplus = sum(totals[c] - quota for c in surpluses)
        gap = totals[hopefuls[1]] - totals[hopefuls[0]] if len(hopefuls) > 1 else 0
        if surpluses and total_surplus >= gap:
            largest = max(totals[c] for c in surpluses)
            tied = [c for c in surpluses if totals[c] == largest]
            c = sheet.choose(tied, "transfer surplus first", lowest=False) if len(tied) > 1 else tied[0]
            pending.remove(c)
            transfer_surplus(c)
        else:
            lowest = totals[hopefuls[0]]
            tied = [c for c in hopefuls if totals[c] == lowest]
            c = sheet.choose(tied, "exclude", lowest=True) if len(tied) > 1 else tied[0]
            reason = f"lowest continuing candidate with {format_units(lowest, PLACES)}"
            if surpluses:
                reason += f" (surpluses {format_units(total_surplus, PLACES)} deferred)"
            exclude(c, reason)
        elect_reaching_quota()
    return sheet.finish()
