"""First past the post: the ``seats`` candidates with most first preferences win.

Only each paper's first preference among standing candidates counts. Ties
for the last seat are settled by (seeded) lot.
"""

from __future__ import annotations

from ..election import Election
from ..result import Result
from ..sheet import Sheet
from ..ties import TieBreaker

NAME = "fptp"


def count(election: Election, seed: int = 0) -> Result:
    """Elect the candidates with the most first preferences; one stage."""
    totals = [0] * len(election.candidates)
    for weight, ranking in zip(election.weights, election.rankings):
        totals[ranking[0]] += weight
    sheet = Sheet(election, NAME, 0, None, TieBreaker(seed, "lot"))
    sheet.add_stage("first preferences", None, totals)
    remaining = election.standing
    while sheet.seats_left:
        top = max(totals[c] for c in remaining)
        tied = [c for c in remaining if totals[c] == top]
        if len(tied) > sheet.seats_left:
            c = sheet.choose(tied, "elect", lowest=False)
            reason = f"most votes ({top}), tie settled by lot"
        else:
            c = tied[0]
            reason = f"most votes ({top})"
        remaining.remove(c)
        sheet.elect(c, reason)
    return sheet.finish()
