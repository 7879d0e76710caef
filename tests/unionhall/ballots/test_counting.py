"""Counting: the tally is summed at close, two of three trustees decrypt the
headline, area results stay sealed until officers open them, small areas are
never shown alone, and the exported record verifies independently."""

import copy
import datetime as dt
import json

import pytest

from tests.unionhall.ballots.test_casting import cast
from unionhall.ballots.counting import (
    ballot_close,
    ballot_open_areas,
    results,
    trustee_post_shares,
)
from unionhall.ballots.models import Ballot, Cast, Trustee
from unionhall.ballots.record import ballot_record
from unionhall.refusals import Refused
from votecrypt import api
from votecrypt.rng import SeededRng


@pytest.fixture
def voted(open_ballot, people, crowd):
    for i, member in enumerate(crowd[:10]):
        cast(open_ballot, member, yes=i < 7, seed=f"c{i}")
    cast(open_ballot, people.erin, yes=False)  # South: counted in "Other areas"
    cast(open_ballot, people.alice, yes=True, seed="first")
    cast(open_ballot, people.alice, yes=False, seed="changed mind")  # re-vote: only this counts
    return open_ballot


def close(ballot):
    ballot_close(ballot=ballot, actor=None, now=ballot.closes_at + dt.timedelta(minutes=1))
    ballot.refresh_from_db()


def post(ballot, index, areas):
    key = ballot.trustee_keys[index - 1]
    shares = {a: api.decryption_share(ballot.manifest, ballot.joint_key, key, next(t for t in ballot.tallies if t["area"] == a), SeededRng(f"t{index}{a}")) for a in areas}
    trustee_post_shares(ballot=ballot, trustee=Trustee.objects.get(ballot=ballot, index=index), shares=shares)
    ballot.refresh_from_db()


def test_a_ballot_cannot_close_before_its_time(voted):
    with pytest.raises(Refused, match="open until"):
        ballot_close(ballot=voted, actor=None)


def test_two_of_three_trustees_declare_the_result_with_turnout(voted):
    close(voted)
    assert voted.status == Ballot.Status.CLOSED and voted.tallies[0]["ballots"] == 12
    post(voted, 1, [""])
    assert voted.status == Ballot.Status.CLOSED  # one trustee is not enough
    post(voted, 3, [""])  # trustee 2 never returns: the threshold covers it
    assert voted.status == Ballot.Status.RESULT
    r = results(voted)
    assert r.entitled == 18 and r.headline.ballots == 12
    assert [(o.option, o.votes) for o in r.headline.questions[0].options] == [("Yes", 7), ("No", 5)]
    assert r.areas == () and sorted(r.sealed_areas) == ["North", "Other areas"]


def test_area_results_stay_sealed_until_the_officers_open_them(open_ballot, people, crowd):
    for i, member in enumerate(crowd[:11]):
        cast(open_ballot, member, yes=i < 7, seed=f"c{i}")
    close(open_ballot)
    post(open_ballot, 1, [""])
    post(open_ballot, 2, [""])
    with pytest.raises(Refused, match="sealed until the officers"):
        post(open_ballot, 1, ["North"])
    with pytest.raises(Refused, match="Record the decision"):
        ballot_open_areas(ballot=open_ballot, actor=None, decision="")
    ballot_open_areas(ballot=open_ballot, actor=None, decision="Officers group meeting of 3 March 2027, minute 4")
    open_ballot.refresh_from_db()
    post(open_ballot, 1, ["North"])
    post(open_ballot, 2, ["North"])
    north = results(open_ballot).areas[0]
    assert (north.area, north.ballots) == ("North", 11)
    assert [(o.option, o.votes) for o in north.questions[0].options] == [("Yes", 7), ("No", 4)]


def test_an_area_too_small_to_show_keeps_every_area_sealed(voted):
    """Erin voted alone in "Other areas": showing North would reveal her vote by
    subtraction from the overall result, so no area is ever opened."""
    close(voted)
    assert [(t["area"], t["ballots"]) for t in voted.tallies] == [("", 12), ("North", 11), ("Other areas", 1)]
    post(voted, 1, [""])
    post(voted, 2, [""])
    with pytest.raises(Refused, match="worked out by subtracting"):
        ballot_open_areas(ballot=voted, actor=None, decision="Officers group, minute 4")
    voted.refresh_from_db()
    assert voted.areas_opened_at is None


def test_areas_with_few_votes_are_merged_at_close(open_ballot, people, crowd):
    """North has 12 entitled but only 3 vote: at close North's voters join Other areas."""
    for member in crowd[:3]:
        cast(open_ballot, member, seed=member.membership_number)
    close(open_ballot)
    assert [(t["area"], t["ballots"]) for t in open_ballot.tallies] == [("", 3), ("Other areas", 3)]
    record = ballot_record(open_ballot)
    assert api.verify_record(record).ok


def test_a_share_with_a_bad_proof_is_refused_and_nothing_stored(voted):
    close(voted)
    tally = voted.tallies[0]
    share = api.decryption_share(voted.manifest, voted.joint_key, voted.trustee_keys[0], tally, SeededRng("x"))
    bad = copy.deepcopy(share)
    bad["proofs"][0][1] = bad["proofs"][0][1][:-2] + ("00" if bad["proofs"][0][1][-2:] != "00" else "01")
    with pytest.raises(Refused, match="does not verify"):
        trustee_post_shares(ballot=voted, trustee=Trustee.objects.get(ballot=voted, index=1), shares={"": bad})
    # A share made by trustee 1 and posted as trustee 2's is refused too.
    with pytest.raises(Refused, match="does not verify"):
        trustee_post_shares(ballot=voted, trustee=Trustee.objects.get(ballot=voted, index=2), shares={"": share})
    assert Trustee.objects.get(ballot=voted, index=1).shares == {}


def test_the_exported_record_verifies_and_a_tampered_copy_does_not(voted, people):
    close(voted)
    post(voted, 1, [""])
    post(voted, 2, [""])
    record = ballot_record(voted)
    report = api.verify_record(record)
    assert report.ok, (report.failed, report.detail)
    assert report.ballots == 12  # the counted ones
    first = Cast.objects.get(ballot=voted, roll_entry__member=people.alice, superseded=True)
    assert [(n["tracker"], n["why"]) for n in record["not_counted"]] == [(first.tracker, "replaced")]
    # Re-voting does not show: Alice's alias appears once, on her counted ballot.
    assert json.dumps(record["board"]).count(f'"{first.roll_entry.alias}"') == 1
    assert [r["summary"] for r in report.results][1:] == ["sealed", "sealed"]
    assert not any(k in str(record) for k in ("a1@example.org", "Archer"))  # aliases only
    tampered = copy.deepcopy(record)
    tampered["tallies"][0]["counts"][0] += 1
    assert not api.verify_record(tampered).ok
