"""Property tests over random small elections, for every rule set."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from stvcount import Election, count, format_blt, parse_blt
from stvcount.rules import RULES

ALL_RULES = sorted(RULES)
STV_RULES = ["scottish", "ers97", "meek"]
PROPERTY = settings(max_examples=80, deadline=None)


@st.composite
def elections(draw, max_candidates=7, max_seats=4, max_ballots=30):
    """Elections with 1-7 candidates, 1-4 seats and up to 30 grouped rankings."""
    n = draw(st.integers(1, max_candidates))
    seats = draw(st.integers(1, min(n, max_seats)))
    ballots = []
    for _ in range(draw(st.integers(1, max_ballots))):
        order = draw(st.permutations(range(n)))
        length = draw(st.integers(1, n))
        ballots.append((draw(st.integers(1, 9)), tuple(order[:length])))
    return Election.of([f"Candidate {i + 1}" for i in range(n)], seats, ballots)


def first_preferences(election: Election) -> Counter:
    tally = Counter()
    for weight, ranking in zip(election.weights, election.rankings):
        tally[ranking[0]] += weight
    return tally


@PROPERTY
@given(elections(), st.sampled_from(ALL_RULES))
def test_votes_are_conserved_at_every_stage(election, rule):
    result = count(election, rule)
    whole = election.valid_poll * 10**result.places
    for stage in result.stages:
        assert sum(stage.totals) + stage.exhausted + stage.lost == whole
        assert min(stage.totals) >= 0 and stage.exhausted >= 0 and stage.lost >= 0
    assert sum(result.stages[0].totals) == whole  # first preferences: nothing lost yet


@PROPERTY
@given(elections(), st.sampled_from(ALL_RULES))
def test_exactly_the_seats_are_filled(election, rule):
    result = count(election, rule)
    assert len(result.winners) == election.seats
    assert len(set(result.winners)) == election.seats
    assert not set(result.winners) & {d.candidate for d in result.excluded}


@PROPERTY
@given(elections(max_seats=1), st.sampled_from(ALL_RULES))
def test_majority_of_first_preferences_wins_a_single_seat(election, rule):
    tally = first_preferences(election)
    leader, votes = tally.most_common(1)[0]
    if 2 * votes > election.valid_poll:
        assert count(election, rule).winners == [leader]


@PROPERTY
@given(elections())
def test_fptp_is_plurality(election):
    tally = first_preferences(election)
    winners = set(count(election, "fptp").winners)
    losers = set(range(len(election.candidates))) - winners
    assert min(tally[c] for c in winners) >= max((tally[c] for c in losers), default=0)


@PROPERTY
@given(elections())
def test_scottish_quota_and_no_transfers_to_elected_or_excluded(election):
    result = count(election, "scottish")
    quota = result.quota
    assert quota == (election.valid_poll // (election.seats + 1) + 1) * 10**5
    decided = {}
    for stage in result.stages:
        for c, stage_number in decided.items():
            assert stage.transfers[c] <= 0, f"candidate {c} received votes after stage {stage_number}"
        for c in stage.excluded:
            assert stage.totals[c] == 0
        for c in stage.elected + stage.excluded:
            decided[c] = stage.number
    by_quota = [d for d in result.elected if d.reason.startswith("reached the quota")]
    for d in by_quota:
        assert result.stages[d.stage - 1].totals[d.candidate] >= quota


@PROPERTY
@given(elections(), st.sampled_from(STV_RULES))
def test_same_seed_same_result(election, rule):
    assert count(election, rule, seed=7).to_dict() == count(election, rule, seed=7).to_dict()


names = st.text(
    alphabet=st.characters(blacklist_characters='"#\r\n\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029', blacklist_categories=("Cs", "Cc")),
    min_size=1,
    max_size=20,
).map(str.strip).filter(bool)


@PROPERTY
@given(elections(), st.lists(names, min_size=7, max_size=7), names, st.data())
def test_blt_round_trip(election, candidate_names, title, data):
    n = len(election.candidates)
    withdrawn = data.draw(st.sets(st.integers(0, n - 1), max_size=n - election.seats))
    named = Election.of(
        candidate_names[:n], election.seats, list(zip(election.weights, election.rankings)), withdrawn, title
    )
    assert parse_blt(format_blt(named)) == named
