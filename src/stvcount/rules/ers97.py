"""ERS97: the Electoral Reform Society's STV rules (1997), as used in UK union elections.

The rules of "How to conduct an election by the Single Transferable Vote"
(ERS, 3rd edition, 1997), section 5, as implemented here, clause by clause:

- 5.1.6 quota: the valid vote divided by (seats + 1) to 2 decimal places; if
  the division is exact that is the quota, otherwise the remainder is
  ignored and 0.01 added. All values are kept to 2 places, remainders ignored.
- 5.1.7, 5.3.13, 5.4.9 after the first stage, every surplus transfer and every
  batch of an exclusion, the continuing candidates are considered in
  descending order of votes and each is deemed elected whose vote equals or
  exceeds (a) the quota or (b) the total active vote (6.20: the continuing
  candidates' votes plus votes awaiting transfer) divided by one more than
  the places not yet filled, up to the places left. (b) is worked out afresh
  after each election; it falls below the quota as papers become
  non-transferable, and never elects a candidate with no votes.
- 5.6.2 equal votes competing for the last places go by the most votes at
  the earliest stage at which the candidates differed; candidates equal at
  every stage are none of them elected at that stage.
- 5.2.2 surpluses are deferred while their total does not exceed (a) the
  difference between the two lowest continuing candidates or (b) that between
  the votes of a group of lowest candidates that 5.2.5 could exclude and the
  vote of the candidate next above.
- 5.2.3 otherwise the largest surplus is transferred, one a stage; of equal
  surpluses, that of the candidate with the most votes at the earliest stage
  at which they differed goes first, then one chosen by lot.
- 5.3.1, 5.3.2 a surplus at the first stage takes all the candidate's papers,
  a later one only the last batch received. 5.3.7: if the transferable papers
  are worth more than the surplus, each goes at surplus / transferable papers
  (2 places, remainder ignored), otherwise at its present value; what is not
  transferred is non-transferable.
- 5.2.5 exclusion: as many of the lowest candidates as possible are excluded
  together, provided enough remain to fill the places and their votes plus
  any deferred surpluses do not exceed the vote of the candidate next above.
  Of equal lowest candidates, the one with fewest votes at the earliest stage
  at which they differed goes first, then one chosen by lot.
- 5.4.1-5.4.11 the excluded candidates' papers are taken together in
  batches, a batch being all the papers of one value (6.1: first preferences
  and papers received at 1.00 alike), highest value first; candidates deemed
  elected after a batch receive no more, and their surpluses wait for the
  exclusion to end. Each batch is recorded as a stage of the result, and the
  "earliest stage" of the tie rules counts them so.
- 5.4.8 while nobody is deemed elected, the quota is worked out again after
  each batch from the valid vote less the non-transferable vote; the
  result's quota is the last one, from which every surplus is measured.
- 5.5.1 an exclusion that would leave as many continuing candidates as places
  left elects them instead, with nothing transferred (as are all candidates
  from the start when there are no more than the places, 4.3); 5.5.2 the
  count stops as soon as the places are filled.
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
        self.deem_elected()
        while not self.finished():
            hopefuls = self.hopefuls()
            surpluses = [c for c in self.pending if totals[c] > self.quota]
            deferred = sum(totals[c] - self.quota for c in surpluses)
            size = self.exclusion_size(hopefuls, deferred)
            if surpluses and not size:
                self.transfer_surplus(self.largest_surplus(surpluses))
            else:
                group = self.lowest(hopefuls, size)
                if len(hopefuls) - len(group) == sheet.seats_left:
                    # 5.5.1: an exclusion that would leave as many continuing candidates
                    # as places elects them instead, and nothing is transferred
                    self.elect_all([c for c in hopefuls if c not in group])
                    break
                self.exclude(group, deferred)
            self.deem_elected()
        return sheet.finish()

    def hopefuls(self) -> list[int]:
        return [c for c, on in enumerate(self.continuing) if on]

    def deem_elected(self) -> None:
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
        """Whether every place is filled (5.5.2), first electing the continuing
        candidates if they are no more than the places left (4.3)."""
        hopefuls = self.hopefuls()
        if self.sheet.seats_left and len(hopefuls) <= self.sheet.seats_left:
            self.elect_all(hopefuls)
        return not self.sheet.seats_left

    def elect_all(self, candidates: list[int]) -> None:
        for c in sorted(candidates, key=lambda c: -self.totals[c]):
            self.continuing[c] = False
            self.sheet.elect(c, "continuing candidates no more than seats left")

    def exclusion_size(self, hopefuls: list[int], deferred: int) -> int:
        """How many of the lowest continuing candidates 5.2.5 excludes together,
        with surpluses of ``deferred`` not transferred; 0 if none may be.

        The most, leaving enough candidates for the places (5.2.5(a)), whose votes
        plus the deferred surpluses do not exceed the vote of the candidate next
        above (5.2.5(b)). With surpluses waiting, this is also 5.2.2: they are
        deferred exactly when it is not 0, their total not exceeding (a) the gap
        between the two lowest or (b) that between such a group and the next.
        """
        votes = sorted(self.totals[c] for c in hopefuls)
        size, running = 0, deferred
        for k in range(1, len(votes) - self.sheet.seats_left + 1):
            running += votes[k - 1]
            if running > votes[-1]:
                break  # only grows from here
            if running <= votes[k]:
                size = k
        return size

    def lowest(self, hopefuls: list[int], size: int) -> list[int]:
        """The ``size`` candidates with the fewest votes. Of equal votes across the
        edge, those with the fewest at the earliest stage at which they differed
        go first, then by lot (5.2.5)."""
        totals = self.totals
        ordered = sorted(hopefuls, key=totals.__getitem__)
        edge = totals[ordered[size - 1]]
        group = [c for c in ordered if totals[c] < edge]
        tied = [c for c in ordered if totals[c] == edge]
        while len(group) < size:
            c = self.sheet.choose(tied, "exclude", lowest=True) if len(tied) > size - len(group) else tied[0]
            tied.remove(c)
            group.append(c)
        return group

    def largest_surplus(self, surpluses: list[int]) -> int:
        """5.2.3: the largest; of equal ones, that of the candidate with the most votes
        at the earliest stage at which they differed, then lot."""
        largest = max(self.totals[c] for c in surpluses)
        tied = [c for c in surpluses if self.totals[c] == largest]
        return self.sheet.choose(tied, "transfer surplus first", lowest=False) if len(tied) > 1 else tied[0]

    def transfer_surplus(self, c: int) -> None:
        """5.3: one stage moving ``c``'s surplus; what cannot move is non-transferable."""
        papers, totals, sheet = self.papers, self.totals, self.sheet
        self.pending.remove(c)
        surplus = totals[c] - self.quota
        # 5.3.1-5.3.2: the last batch received, which for a surplus at the first
        # stage is all the candidate's papers; every paper in it has one value
        batch = papers.parcels[c][-1].groups
        value = papers.values[batch[0]] if batch else 0
        transferable = [b for b in batch if papers.next_preference(b) is not None]
        count_ = papers.papers_of(transferable)
        # 5.3.7: surplus / transferable papers, to 2 places, if they are worth more
        # than the surplus; otherwise they keep their present value
        tv = min(value, surplus // count_) if count_ else 0
        moved = papers.move(transferable, lambda _: tv)
        papers.receive(moved, len(sheet.stages) + 1)
        papers.parcels[c] = []
        sheet.exhausted += surplus - sum(moved.gained.values())
        totals[c] = self.quota
        sheet.add_stage(f"surplus of {self.names[c]} at {_votes(tv)}", c, totals)

    def exclude(self, group: list[int], deferred: int) -> None:
        """5.4: exclude ``group`` together, moving their papers batch by batch."""
        papers, totals, sheet = self.papers, self.totals, self.sheet
        for c in group:
            self.continuing[c] = False
        reason = self.exclusion_reason(group, deferred)
        batches, held = self.batches(group)
        who = ", ".join(self.names[c] for c in group)
        if not batches:  # no papers to move: a stage just to record the exclusion
            sheet.add_stage(f"exclusion of {who}", group[0], totals)
            for c in group:
                sheet.exclude(c, reason)
        for i, value in enumerate(sorted(batches, reverse=True)):
            moved = papers.move(batches[value])
            papers.receive(moved, len(sheet.stages) + 1)
            for c, count_ in held[value].items():
                totals[c] -= value * count_
            sheet.exhausted += moved.exhausted
            stage = sheet.add_stage(f"exclusion of {who} (papers at {_votes(value)})", group[0], totals)
            if i == 0:
                for c in group:
                    sheet.exclude(c, reason)
            if not sheet.result.elected and sheet.exhausted:
                self.reduce_quota(stage)
            self.deem_elected()
            if self.finished():
                return

    def batches(self, group: list[int]) -> tuple[dict[int, list[int]], dict[int, dict[int, int]]]:
        """5.4.1, 6.1: the papers of ``group`` taken together, as {value: paper groups},
        a batch for each value however the papers came (first preferences with any
        others at 1.00); and {value: {candidate: papers it held in that batch}}.
        Every parcel a candidate holds came in one transfer, so has one value."""
        papers = self.papers
        batches: dict[int, list[int]] = {}
        held: dict[int, dict[int, int]] = {}
        for c in group:
            for parcel in papers.parcels[c]:
                if parcel.groups:
                    value = papers.values[parcel.groups[0]]
                    batches.setdefault(value, []).extend(parcel.groups)
                    mine = held.setdefault(value, {})
                    mine[c] = mine.get(c, 0) + parcel.papers
            papers.parcels[c] = []
        return batches, held

    def exclusion_reason(self, group: list[int], deferred: int) -> str:
        totals = self.totals
        waiting = f", surpluses {_votes(deferred)} deferred" if deferred else ""
        if len(group) == 1:
            return f"lowest continuing candidate with {_votes(totals[group[0]])}{waiting}"
        above = min(totals[c] for c in self.hopefuls())
        return (
            f"the {len(group)} lowest excluded together: {_votes(sum(totals[c] for c in group))}"
            f"{waiting}, not more than the {_votes(above)} of the next candidate"
        )

    def reduce_quota(self, stage: Stage) -> None:
        """5.4.8: papers have become non-transferable before anyone is deemed
        elected, so the quota is worked out again as in 5.1.6 from the valid vote
        less the non-transferable vote (once someone is elected it stays fixed)."""
        quota = quota_of(self.election.valid_poll * UNIT - self.sheet.exhausted, self.election.seats)
        if quota < self.quota:
            self.quota = self.sheet.result.quota = quota
            stage.action += f"; quota now {_votes(quota)}"
