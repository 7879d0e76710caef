"""Smoke test: every 2012 and 2022 election counts by the Scottish rules and fills its seats.

One test per year (700 files) keeps the suite fast; failures name every bad file.
"""

import pytest

from stv_data import ballot_files
from stvcount import count, read_blt


def problems(path) -> list[str]:
    election = read_blt(path)
    result = count(election, "scottish")
    found = []
    if len(set(result.winners)) != election.seats:
        found.append(f"elected {len(set(result.winners))} of {election.seats}")
    valid = election.valid_poll * 10**5
    for stage in result.stages:
        if sum(stage.totals) + stage.exhausted + stage.lost != valid or stage.lost < 0:
            found.append(f"stage {stage.number} does not add up")
    return found


@pytest.mark.parametrize("year, expected", [("2012", 353), ("2022", 347)])
def test_every_election_counts_and_fills_its_seats(year, expected):
    files = ballot_files(year)
    if not files:
        pytest.skip(f"no {year} data")
    assert len(files) == expected
    failures = {path.name: found for path in files if (found := problems(path))}
    assert failures == {}
