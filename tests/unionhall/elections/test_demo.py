"""The demo elections: a General Secretary elected by secret ballot through
the ballot engine, and an NEC counted by STV from a scrutineer's BLT file."""

import stvcount
from tests.unionhall.elections.test_results import declared_seed
from django.urls import reverse

from tests.unionhall.conftest import sign_in
from unionhall.ballots.demo import build_demo_ballots
from unionhall.elections.demo import build_demo_elections
from unionhall.elections.models import Election
from unionhall.members.demo.builder import build_demo_union
from unionhall.members.models import Member, Office, Role


def test_the_demo_elects_a_general_secretary_by_secret_ballot_and_an_nec_by_stv(db, client):
    build_demo_union(members=200, seed=3)
    build_demo_ballots(seed=3)
    gs, nec = build_demo_elections(3)
    assert gs.status == Election.Status.DECLARED and gs.nominations.count() == 3
    assert gs.ballot.status == gs.ballot.Status.RESULT and gs.stage_table["valid"] == gs.ballot.tallies[0]["ballots"] > 0
    winner = gs.nominations.get(elected=True)
    totals = gs.stage_table["stages"][0]["totals"]
    assert int(totals[str(gs.stage_table["elected"][0])]) == max(map(int, totals.values()))
    office = Office.objects.get(role=Role.GENERAL_SECRETARY, starts_on=gs.term_starts_on)
    assert office.member == winner.candidate and office.ends_on.year - office.starts_on.year == 5

    assert nec.status == Election.Status.DECLARED and nec.nominations.count() == 5 and nec.scrutineer
    assert nec.nominations.filter(elected=True).count() == 3 and nec.stage_table["valid"] == min(200, Member.objects.filter(status=Member.Status.ACTIVE).count() // 2)
    recount = stvcount.count(stvcount.parse_blt(nec.blt), "scottish", seed=declared_seed(nec))
    assert recount.to_dict() == nec.stage_table
    assert Office.objects.filter(role=Role.NEC_MEMBER, starts_on=nec.term_starts_on).count() == 3

    sign_in(client, winner.candidate, mfa=False)
    for election in (gs, nec):
        assert client.get(reverse("election_results", args=[election.pk])).status_code == 200
        assert client.get(reverse("election_detail", args=[election.pk])).status_code == 200
