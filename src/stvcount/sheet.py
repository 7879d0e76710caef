"""The count sheet: stage-by-stage record shared by every rule set."""

from __future__ import annotations

from .election import Election
from .result import Decision, Result, Stage
from .ties import TieBreaker


class Sheet:
    """Builds a ``Result`` as a count proceeds.

    Keeps which candidates are elected or excluded, the cumulative
    non-transferable and rounding-loss values, and one ``Stage`` per
    ``add_stage`` call; ``transfers`` are derived from consecutive totals.
    """

    def __init__(self, election: Election, rule: str, places: int, quota: int | None, ties: TieBreaker):
        self.election = election
        self.ties = ties
        self.result = Result(
            rule=rule,
            candidates=election.candidates,
            seats=election.seats,
            valid=election.valid_poll,
            quota=quota,
            places=places,
            withdrawn=election.withdrawn,
            title=election.title,
        )
        self.exhausted = 0
        self.lost = 0
        self.is_elected = [False] * len(election.candidates)
        self.is_excluded = [False] * len(election.candidates)

    @property
    def stages(self) -> list[Stage]:
        return self.result.stages

    @property
    def seats_left(self) -> int:
        return self.election.seats - len(self.result.elected)

    def add_stage(self, action: str, subject: int | None, totals: list[int]) -> Stage:
        """Record the end of a stage with a copy of ``totals``."""
        before = self.stages[-1].totals if self.stages else [0] * len(totals)
        stage = Stage(
            number=len(self.stages) + 1,
            action=action,
            subject=subject,
            totals=list(totals),
            transfers=[now - then for now, then in zip(totals, before)],
            exhausted=self.exhausted,
            lost=self.lost,
        )
        self.stages.append(stage)
        return stage

    def elect(self, candidate: int, reason: str) -> None:
        """Declare ``candidate`` elected at the current stage."""
        self.is_elected[candidate] = True
        stage = self.stages[-1]
        stage.elected.append(candidate)
        self.result.elected.append(Decision(candidate, stage.number, reason))

    def exclude(self, candidate: int, reason: str) -> None:
        """Record ``candidate`` as excluded at the current stage."""
        self.is_excluded[candidate] = True
        stage = self.stages[-1]
        stage.excluded.append(candidate)
        self.result.excluded.append(Decision(candidate, stage.number, reason))

    def choose(self, tied: list[int], purpose: str, lowest: bool) -> int:
        """Break a tie at the current stage, looking only at earlier stages."""
        return self.ties.choose(tied, self.stages[:-1], self.stages[-1].number, purpose, lowest)

    def finish(self) -> Result:
        """The completed result, with every tie that was broken."""
        self.result.ties = list(self.ties.ties)
        return self.result
