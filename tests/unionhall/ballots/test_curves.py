"""Voting curves and the projection that learns from past ballots."""

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from unionhall.ballots import curves
from unionhall.ballots.curves import MARKS, comparable, expected_share, share_by, voting_curve
from unionhall.ballots.models import Ballot
from unionhall.ballots.turnout import Place, _project

OPENS = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
CLOSES = OPENS + dt.timedelta(days=14)


@given(st.lists(st.floats(min_value=-0.2, max_value=1.2, allow_nan=False), min_size=1, max_size=300))
def test_a_curve_rises_to_every_vote_and_interpolates_between_its_marks(fractions):
    curve = voting_curve([OPENS + (CLOSES - OPENS) * f for f in fractions], OPENS, CLOSES)
    assert len(curve) == MARKS and curve[-1] == 1.0
    assert all(a <= b for a, b in zip(curve, curve[1:]))
    assert share_by(curve, 0) == 0 and share_by(curve, 1) == 1.0
    for k in range(1, MARKS):
        assert curve[k - 1] <= share_by(curve, (k + 0.5) / MARKS) <= curve[k]


def test_no_votes_no_curve_and_too_little_history_no_learning():
    assert voting_curve([], OPENS, CLOSES) == []
    assert expected_share([[0.5] * MARKS] * 2, 0.5) is None
    mean, sd = expected_share([[0.4] * MARKS, [0.5] * MARKS, [0.6] * MARKS], 0.5)
    assert mean == pytest.approx(0.5) and sd == pytest.approx(0.1)


def test_the_projection_learns_the_early_rush_from_past_ballots():
    """Half the votes come in the first tenth of the window. The pace so far
    would project five times the real turnout; past ballots with the same
    shape project it closely."""
    ballot = Ballot(opens_at=OPENS, closes_at=CLOSES)
    rush = [0.25, 0.5] + [0.5 + 0.5 * (k - 2) / (MARKS - 2) for k in range(3, MARKS + 1)]
    history = [rush, [min(1.0, x + 0.02) for x in rush], [max(0.0, x - 0.02) for x in rush]]
    now = OPENS + (CLOSES - OPENS) * 0.1
    so_far = Place("all", 1000, 200)  # 200 votes in; the final turnout will be 400
    pace = _project(ballot, so_far, now, 50)
    learnt = _project(ballot, so_far, now, 50, history)
    assert pace.percent == pytest.approx(100) and pace.past_ballots == 0 and pace.basis == "at this pace"
    assert learnt.past_ballots == 3 and "last 3 ballots" in learnt.basis
    assert abs(learnt.percent - 40) < 3 and learnt.percent - learnt.plus_minus < 40 < learnt.percent + learnt.plus_minus
    assert learnt.votes_needed == 300


def test_closing_a_ballot_keeps_its_curve_for_later_projections(open_ballot, people, crowd, monkeypatch):
    from tests.unionhall.ballots.test_casting import cast
    from tests.unionhall.ballots.test_counting import close
    from unionhall.ballots.models import RollEntry
    from unionhall.ballots.turnout import past_curves

    for i, member in enumerate(crowd[:4]):
        cast(open_ballot, member, seed=f"k{i}")
    RollEntry.objects.filter(ballot=open_ballot, voted_at__isnull=False).update(voted_at=open_ballot.opens_at)
    monkeypatch.setattr(curves, "MIN_VOTES", 4)  # the fixture's ballot is small
    close(open_ballot)
    assert open_ballot.turnout_curve == [1.0] * MARKS  # everyone voted at the opening
    assert past_curves(Ballot(pk=10**6)) == [open_ballot.turnout_curve]


def test_only_a_members_ballot_of_some_size_teaches_the_projection():
    week = Ballot(opens_at=OPENS, closes_at=OPENS + dt.timedelta(days=7))
    hour = Ballot(opens_at=OPENS, closes_at=OPENS + dt.timedelta(hours=1))  # a vote at conference
    assert comparable(week, 50) and not comparable(week, 49) and not comparable(hour, 500)
