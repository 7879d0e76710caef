"""An election's tie is drawn from the ballot's lot seed (the hash of the
trustees' committed values, revealed at the count), not a seed the server
picks; only a ballot whose ceremony had no such values falls back to one."""

import random

from tests.unionhall.elections.conftest import gs  # noqa: F401  (fixture)
from tests.unionhall.elections.test_online import contested, hold, start  # noqa: F401  (fixture, helpers)
from unionhall.ballots import api as ballots_api
from unionhall.elections import online

SEED = "5e" * 32


def _tie(contested, people):  # noqa: F811
    ballot = start(contested, people)
    order = [n.candidate for n in contested.ballot_order()]
    a, d = order.index(people.alice), order.index(people.dave)
    hold(ballot, {people.bob: a, people.carol: a, people.erin: d, people.gina: d})
    return ballot, sorted([a, d])


def test_a_tie_is_drawn_from_the_trustees_lot_seed(contested, people, monkeypatch):  # noqa: F811
    ballot, tied = _tie(contested, people)
    asked = []
    monkeypatch.setattr(ballots_api, "ballot_lot_seed", lambda *, ballot_id: asked.append(ballot_id) or SEED)
    election = online.election_declare_from_ballot(election=contested, actor=people.hq.user)
    tie = election.stage_table["ties"][0]
    assert asked == [ballot.pk]
    assert tie["method"] == f"lot (seed {SEED}, from the ballot's trustees)"
    assert tie["drawn"] == [random.Random(int(SEED, 16)).sample(tied, 1)[0] + 1]


def test_a_ballot_without_trustee_values_falls_back_to_a_drawn_seed(contested, people):  # noqa: F811
    ballot, _ = _tie(contested, people)  # keys made in one place, as the demo does: no committed values
    assert ballots_api.ballot_lot_seed(ballot_id=ballot.pk) is None
    tie = online.election_declare_from_ballot(election=contested, actor=people.hq.user).stage_table["ties"][0]
    assert tie["method"].startswith("lot (seed ") and "trustees" not in tie["method"]


def test_the_demo_ballots_records_carry_their_ceremony_and_lot_seed(db):
    from unionhall.ballots.demo import build_demo_ballots
    from unionhall.ballots.models import Ballot
    from unionhall.ballots.record import ballot_record
    from unionhall.members.demo.builder import build_demo_union
    from votecrypt.verify import verify_record

    build_demo_union(members=150, seed=5)
    finished = build_demo_ballots(seed=5)[0]
    record = ballot_record(Ballot.objects.get(pk=finished.pk))
    revealed = [t["index"] for t in record["ceremony"]["trustees"] if t["seed_reveal"]]
    assert revealed == [1, 3]  # the two trustees who decrypted; the General Secretary never returned
    assert record["ceremony"]["lot_seed"] == ballots_api.ballot_lot_seed(ballot_id=finished.pk)
    rep = verify_record(record)
    assert rep.ok and not any(n.startswith("ceremony") for n in rep.not_checked), (rep.failed, rep.detail, rep.not_checked)
