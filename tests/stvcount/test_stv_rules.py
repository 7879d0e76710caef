"""Hand-checked counts, the named hard cases of 2017, and tie-breaking."""

import pytest

from stv_data import DATA
from stvcount import Election, count, read_blt
from stvcount.result import Stage
from stvcount.ties import TieBreaker

needs_data = pytest.mark.skipif(not (DATA / "2017").exists(), reason="no Scottish data")


def ward(name):
    return count(read_blt(DATA / "2017" / f"{name}.blt"), "scottish")


def test_scottish_small_count_by_hand():
    # 10 papers, 2 seats: quota floor(10/3)+1 = 4. A has 6: surplus 2 over 6 papers,
    # transfer value 0.33333; 4 papers go on to B (1.33332), 2 are non-transferable.
    e = Election.of("ABC", 2, [(4, (0, 1)), (2, (0,)), (3, (2,)), (1, (1,))])
    r = count(e, "scottish")
    assert r.quota == 4_00000
    assert r.stages[1].totals == [4_00000, 2_33332, 3_00000]
    assert r.stages[1].exhausted == 66666 and r.stages[1].lost == 2
    assert r.winners == [0, 2]  # B excluded (2.33332 < 3), then C alone for one seat
    assert [d.reason for d in r.elected][1] == "continuing candidates no more than seats left"


def test_meek_redistributes_keep_values():
    # A: 6 first preferences (all then B), B: 2, C: 5, D: 1; 2 seats.
    e = Election.of("ABCD", 2, [(6, (0, 1)), (2, (1,)), (5, (2,)), (1, (3,))])
    r = count(e, "meek")
    assert sorted(r.winners) == [0, 2]
    last = r.stages[-1]
    assert sum(last.totals) + last.exhausted == 14 * 10**9


def test_ers97_transfers_only_last_parcel_and_excludes_by_value():
    e = Election.of("ABCD", 2, [(10, (0, 2)), (3, (1, 0, 3)), (4, (2,)), (2, (3, 1))])
    r = count(e, "ers97")
    assert r.quota == 19 * 100 // 3 + 1  # 6.34
    assert len(r.winners) == 2 and r.winners[0] == 0
    for stage in r.stages:
        assert sum(stage.totals) + stage.exhausted == 19 * 100


@needs_data
def test_north_ayrshire_1_elected_at_stage_1_receive_nothing():
    r = ward("north_ayrshire_2017_ward1")
    assert sorted(r.stages[0].elected) == [0, 3, 5]
    for stage in r.stages[1:]:
        assert stage.transfers[3] <= 0 and stage.transfers[5] <= 0


@needs_data
def test_renfrewshire_3_equal_surpluses_settled_by_previous_stage():
    r = ward("renfrewshire_2017_ward3")
    assert len(r.ties) == 1
    tie = r.ties[0]
    assert (tie.stage, tie.purpose, tie.candidates, tie.chosen, tie.method) == (
        6,
        "transfer surplus first",
        (5, 7),
        7,
        "stage 5",
    )
    assert r.stages[6].subject == 7


@needs_data
def test_north_lanarkshire_11_exclusion_by_0_12240():
    r = ward("north_lanarkshire_2017_ward11")
    stage6 = r.stages[5]
    assert stage6.totals[4] - stage6.totals[0] == 12240
    assert r.stages[6].excluded == [0]


@needs_data
@pytest.mark.parametrize("name, candidate", [("sc_borders_2017_ward3", 1), ("shetland_2017_ward7", 0)])
def test_candidate_exactly_on_quota_is_elected(name, candidate):
    r = ward(name)
    assert r.stages[0].totals[candidate] == r.quota
    assert candidate in r.stages[0].elected
    assert all(s.subject != candidate for s in r.stages)  # no (empty) surplus stage


def stages(*totals):
    return [Stage(i + 1, "", None, list(t), [0] * len(t), 0, 0) for i, t in enumerate(totals)]


def test_tie_breaking_backwards_forwards_and_lot():
    history = stages([5, 3, 4], [6, 7, 5])  # candidates 0 and 1 tie now, at stage 3
    backwards = TieBreaker(0, "backwards")
    assert backwards.choose([0, 1], history, 3, "exclude", lowest=True) == 0  # stage 2: 6 < 7
    assert backwards.ties[0].method == "stage 2"
    forwards = TieBreaker(0, "forwards")
    assert forwards.choose([0, 1], history, 3, "exclude", lowest=True) == 1  # stage 1: 3 < 5
    assert forwards.ties[0].method == "stage 1"
    lots = {TieBreaker(seed).choose([0, 1], stages([1, 1]), 2, "exclude", lowest=True) for seed in range(20)}
    assert lots == {0, 1}
    again = TieBreaker(3)
    assert again.choose([0, 1], [], 1, "exclude", True) == TieBreaker(3).choose([0, 1], [], 1, "exclude", True)
    assert again.ties[0].method == "lot (seed 3)"


def test_three_way_tie_is_recorded_in_result():
    e = Election.of("ABC", 1, [(2, (0,)), (2, (1,)), (2, (2,))])
    r = count(e, "scottish", seed=1)
    assert r.ties and r.ties[0].method == "lot (seed 1)" and r.ties[0].candidates == (0, 1, 2)
    assert r.to_dict()["ties"][0]["candidates"] == [1, 2, 3]
