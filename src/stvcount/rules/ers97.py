"""ERS97: the Electoral Reform Society's STV rules (1997), as used in UK union elections.

- values to 2 decimal places, remainders ignored;
- quota (5.1.6) = valid poll / (seats + 1) to 2 places; if that division is
  not exact, the remainder is ignored and 0.01 added (an exact one is the
  quota as it stands);
- while nobody is deemed elected, the quota is worked out again after each
  batch of an exclusion from the valid vote less the non-transferable vote
  (5.4.8); the result's quota is the last one, which all surpluses use;
- after every stage and every batch of an exclusion (5.1.7, 5.3.13, 5.4.9)
  the continuing candidates are considered in descending order of votes,
  and each whose vote equals or exceeds (a) the quota or (b) the total
  active vote (6.20: continuing candidates' votes plus votes awaiting
  transfer) divided by one more than the places not yet filled is deemed
  elected, up to the places left ((b) falls below the quota chiefly as papers
  become non-transferable; it never elects a candidate with no votes); when
  equal votes compete for the last places, the earliest stage at which they
  differed decides, and if none does none of them is elected then (5.6.2);
- the largest surplus is transferred first (one per stage); a surplus from
  first preferences transfers all the candidate's papers, a later one only
  the parcel last received; the transfer value is surplus / transferable
  papers (truncated), never more than the value the papers arrived at; the
  rest of the surplus is non-transferable;
- transfer of surpluses is deferred while their total is less than the gap
  between the two lowest continuing candidates;
- an excluded candidate's papers go in batches, one for each value (6.1:
  first preferences together with any papers received at 1.00), highest
  value first, each a sub-stage here (5.4.1-5.4.11); candidates deemed
  elected meanwhile receive no more;
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
from ..result import Result, Stage
from ..sheet import Sheet
from ..ties import TieBreaker

NAME = "ers97"
PLACES = 2
UNIT = 10**PLACES


def count(election: Election, seed: int = 0) -> Result:
    """Count ``election`` by ERS97; lots drawn from ``seed``."""
    return _Count(election, seed).run()


def quota_of(total: int, seats: int) -> int:
    """5.1.6: ``total`` (units) / (seats + 1) to 2 places; if that is not exact,
    the remainder is ignored and 0.01 added (so an exact division is the quota)."""
    return -(-total // (seats + 1))


def _votes(units: int) -> str:
    return format_units(units, PLACES)


class _Count:
    """One ERS97 count in progress: the papers, the totals and the count sheet."""

    def __init__(self, election: Election, seed: int):
        self.election = election
        self.names = election.candidates
        self.quota = quota_of(election.valid_poll * UNIT, election.seats)
        self.papers = Papers(election, UNIT)
        self.totals, self.continuing = self.papers.totals, self.papers.continuing
        self.sheet = Sheet(election, NAME, PLACES, self.quota, TieBreaker(seed, "forwards"))
        self.pending: list[int] = []  # elected candidates whose surplus is not yet transferred

    def run(self) -> Result:
        totals, sheet = self.totals, self.sheet
        sheet.add_stage("first preferences", None, totals)
        self.elect_reaching_quota()
        while not self.finished():
            hopefuls = sorted(self.hopefuls(), key=lambda c: totals[c])
            surpluses = [c for c in self.pending if totals[c] > self.quota]
            total_surplus = sum(totals[c] - self.quota for c in surpluses)
            gap = totals[hopefuls[1]] - totals[hopefuls[0]] if len(hopefuls) > 1 else 0
            if surpluses and total_surplus >= gap:
                self.transfer_surplus(self.largest_surplus(surpluses))
            else:
                lowest = totals[hopefuls[0]]
                tied = [c for c in hopefuls if totals[c] == lowest]
                c = sheet.choose(tied, "exclude", lowest=True) if len(tied) > 1 else tied[0]
                reason = f"lowest continuing candidate with {_votes(lowest)}"
                if surpluses:
                    reason += f" (surpluses {_votes(total_surplus)} deferred)"
                self.exclude(c, reason)
            self.elect_reaching_quota()
        return sheet.finish()

    def hopefuls(self) -> list[int]:
        return [c for c, on in enumerate(self.continuing) if on]

    def elect_reaching_quota(self) -> None:
        """5.1.7, 5.3.13, 5.4.9: consider the continuing candidates in descending
        order of votes and deem elected each whose vote equals or exceeds (a) the
        quota or (b) the total active vote divided by one more than the places not
        yet filled, up to the places left. Each election changes (b), so it is
        worked out afresh before the next candidate is considered."""
        totals, sheet = self.totals, self.sheet
        while sheet.seats_left:
            active = self.active_vote()
            reached = [c for c in self.hopefuls() if self.reaches(totals[c], active)]
            if not reached:
                return
            reached.sort(key=lambda c: -totals[c])
            if len(reached) > sheet.seats_left:
                reached = self.fill_places(reached)
                if not reached:
                    return
            c = reached[0]
            self.continuing[c] = False
            self.pending.append(c)
            if totals[c] >= self.quota:
                reason = f"reached the quota with {_votes(totals[c])}"
            else:
                reason = (
                    f"{_votes(totals[c])} is at least the total active vote {_votes(active)}"
                    f" divided by {sheet.seats_left + 1}"
                )
            sheet.elect(c, reason)

    def reaches(self, votes: int, active: int) -> bool:
        """Whether ``votes`` elect: (a) the quota, or (b) active / (places left + 1),
        compared exactly (the same as dividing to 2 places as in 5.1.6). A candidate
        with no votes is not elected by (b), which a count with every paper
        non-transferable would otherwise do."""
        return votes >= self.quota or (votes > 0 and votes * (self.sheet.seats_left + 1) >= active)

    def active_vote(self) -> int:
        """6.20: the votes of all continuing candidates plus any awaiting transfer (the
        surpluses not yet transferred, and papers of candidates being excluded)."""
        totals, quota, elected = self.totals, self.quota, self.sheet.is_elected
        return sum(max(t - quota, 0) if elected[c] else t for c, t in enumerate(totals))

    def fill_places(self, ordered: list[int]) -> list[int]:
        """5.6.2: of ``ordered`` (more than the places left, highest first), those to
        elect. Equal votes across the last place are ordered by the earliest stage at
        which they differed; any still equal at every stage are none of them elected."""
        totals, places = self.totals, self.sheet.seats_left
        edge = totals[ordered[places]]
        sure = [c for c in ordered if totals[c] > edge]
        need = places - len(sure)

        def history(c: int) -> list[int]:
            return [stage.totals[c] for stage in self.sheet.stages]

        tied = sorted((c for c in ordered if totals[c] == edge), key=history, reverse=True)
        cut = history(tied[need])  # the best of those left out
        return sure + [c for c in tied[:need] if history(c) > cut]

    def finished(self) -> bool:
        """Elect every continuing candidate once they are no more than the seats left."""
        sheet, hopefuls = self.sheet, self.hopefuls()
        if sheet.seats_left and len(hopefuls) <= sheet.seats_left:
            for c in sorted(hopefuls, key=lambda c: -self.totals[c]):
                self.continuing[c] = False
                sheet.elect(c, "continuing candidates no more than seats left")
        return not sheet.seats_left

    def largest_surplus(self, surpluses: list[int]) -> int:
        largest = max(self.totals[c] for c in surpluses)
        tied = [c for c in surpluses if self.totals[c] == largest]
        return self.sheet.choose(tied, "transfer surplus first", lowest=False) if len(tied) > 1 else tied[0]

    def transfer_surplus(self, c: int) -> None:
        papers, totals, sheet = self.papers, self.totals, self.sheet
        self.pending.remove(c)
        surplus = totals[c] - self.quota
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
        totals[c] = self.quota
        sheet.add_stage(f"surplus of {self.names[c]} at {_votes(tv)}", c, totals)

    def exclude(self, c: int, reason: str) -> None:
        papers, totals, sheet, names = self.papers, self.totals, self.sheet, self.names
        self.continuing[c] = False
        # 5.4.1 and 6.1: a batch is all the papers of one value, however they came
        # (first preferences and papers received at 1.00 go together), highest first
        by_value: dict[int, list[int]] = {}
        for b in papers.holdings(c):
            by_value.setdefault(papers.values[b], []).append(b)
        batches = sorted(by_value.items(), reverse=True)
        papers.parcels[c] = []
        if not batches:  # no papers to move: a stage just to record the exclusion
            sheet.add_stage(f"exclusion of {names[c]}", c, totals)
            sheet.exclude(c, reason)
        for i, (value, groups) in enumerate(batches):
            moved = papers.move(groups)
            papers.receive(moved, len(sheet.stages) + 1)
            totals[c] -= moved.moved
            sheet.exhausted += moved.exhausted
            stage = sheet.add_stage(f"exclusion of {names[c]} (papers at {_votes(value)})", c, totals)
            if i == 0:
                sheet.exclude(c, reason)
            if not sheet.result.elected and sheet.exhausted:
                self.reduce_quota(stage)
            self.elect_reaching_quota()
            if self.finished():
                return

    def reduce_quota(self, stage: Stage) -> None:
        """5.4.8: papers have become non-transferable before anyone is deemed
        elected, so the quota is worked out again as in 5.1.6 from the valid vote
        less the non-transferable vote (once someone is elected it stays fixed)."""
        quota = quota_of(self.election.valid_poll * UNIT - self.sheet.exhausted, self.election.seats)
        if quota < self.quota:
            self.quota = self.sheet.result.quota = quota
            stage.action += f"; quota now {_votes(quota)}"
