"""Close of nominations and the count: uncontested winners and counted
winners get their terms in the register; a contested election waits for the
ballot; the published BLT recounts to the same result."""

import datetime as dt

import pytest

import stvcount
from tests.unionhall.conftest import give_office
from tests.unionhall.elections.conftest import AFTER, make_election, stand
from unionhall.audit.models import AuditEntry
from unionhall.elections import services
from unionhall.elections.models import Election
from unionhall.members.models import Office, Role, add_years
from unionhall.refusals import Refused


def declared_seed(election) -> int:
    """The seed for any lot, drawn at the count and published in the audit log."""
    return AuditEntry.objects.filter(detail__event="result declared", subject_id=str(election.pk)).latest("pk").detail["seed"]


def close(election, actor):
    return services.election_close_nominations(election=election, actor=actor, now=AFTER)


def test_an_uncontested_general_secretary_is_declared_and_their_term_entered_in_the_register(gs, people):
    stand(gs, people.alice, people.bob, people.carol)
    election = close(gs, people.hq.user)
    assert election.status == Election.Status.UNCONTESTED
    office = Office.objects.get(role=Role.GENERAL_SECRETARY)
    assert office.member == people.alice
    assert office.starts_on == gs.term_starts_on and office.ends_on == add_years(gs.term_starts_on, 5)
    assert AuditEntry.objects.filter(subject_type="members.office", subject_id=str(office.pk)).exists()
    assert gs.nominations.get().elected


def test_an_uncontested_branch_secretary_is_attached_to_the_branch(north_secretary, people, union):
    stand(north_secretary, people.alice, people.bob, people.carol)
    close(north_secretary, people.hq.user)
    assert Office.objects.get(role=Role.BRANCH_SECRETARY, member=people.alice).branch == union.north


def test_nominations_that_never_stood_do_not_count_at_the_close(nec, people):
    services.do_nominate(election=nec, proposer=people.bob, seconder=people.carol, candidate=people.alice, now=AFTER - dt.timedelta(days=10))
    assert close(nec, people.hq.user).status == Election.Status.NO_CANDIDATES
    assert not Office.objects.filter(role=Role.NEC_MEMBER).exists()


def test_more_candidates_than_seats_goes_to_ballot_and_appoints_nobody(gs, people):
    stand(gs, people.alice, people.bob, people.carol)
    stand(gs, people.erin, people.dave, people.frank)
    assert close(gs, people.hq.user).status == Election.Status.BALLOT
    assert not Office.objects.filter(role=Role.GENERAL_SECRETARY).exists()


def test_only_hq_closes_nominations_and_a_refused_close_writes_nothing(gs, people):
    stand(gs, people.alice, people.bob, people.carol)
    before = AuditEntry.objects.count()
    with pytest.raises(Refused) as exc:
        close(gs, people.carol.user)
    assert exc.value.status == 403
    gs.refresh_from_db()
    assert gs.status == Election.Status.NOMINATIONS and AuditEntry.objects.count() == before
    assert not Office.objects.filter(role=Role.GENERAL_SECRETARY).exists()


def test_nominations_cannot_be_closed_before_the_deadline(gs, people):
    with pytest.raises(Refused, match="stay open"):
        services.election_close_nominations(election=gs, actor=people.hq.user, now=gs.nominations_close - dt.timedelta(minutes=1))


def test_a_term_the_register_refuses_undoes_the_whole_declaration(gs, people, monkeypatch):
    stand(gs, people.alice, people.bob, people.carol)
    # An election called before a change in the rules: the register now allows four years.
    monkeypatch.setitem(__import__("unionhall.members.models", fromlist=["x"]).STATUTORY_MAX_TERM_YEARS, Role.GENERAL_SECRETARY, 4)
    before = AuditEntry.objects.count()
    with pytest.raises(Refused, match="register refused"):
        close(gs, people.hq.user)
    gs.refresh_from_db()
    assert gs.status == Election.Status.NOMINATIONS and not gs.nominations.filter(elected=True).exists()
    assert not Office.objects.filter(role=Role.GENERAL_SECRETARY).exists() and AuditEntry.objects.count() == before


@pytest.fixture
def contested_nec(nec, people, union):
    from tests.unionhall.conftest import make_member

    extra = [make_member(f"K{i}", union.north, first_name="Kim", last_name=f"Kerr{i}") for i in range(2)]
    for candidate in (people.alice, people.erin, people.frank, *extra):
        stand(nec, candidate, people.carol, people.dave)
    return close(nec, people.hq.user)


def test_count_ranked_elects_by_stv_publishes_a_blt_that_recounts_the_same_and_appoints_the_winners(contested_nec, people):
    order = contested_nec.ballot_order()
    ballots = [[0, 1]] * 40 + [[1, 2, 0]] * 30 + [[2]] * 25 + [[3, 0]] * 10 + [[4, 3]] * 5
    election = services.count_ranked(election=contested_nec, ballots=ballots, actor=people.hq.user)
    assert election.status == Election.Status.DECLARED
    winners = {n.candidate for n in order[:3]}
    assert {n.candidate for n in election.nominations.filter(elected=True)} == winners
    assert {o.member for o in Office.objects.filter(role=Role.NEC_MEMBER)} == winners
    recount = stvcount.count(stvcount.parse_blt(election.blt), "scottish", seed=declared_seed(election))
    assert recount.to_dict() == election.stage_table
    assert election.stage_table["rule"] == "scottish" and election.stage_table["valid"] == 110
    assert "Stage 1" in election.count_report


def test_the_blt_names_candidates_but_holds_nothing_about_who_voted(contested_nec, people):
    election = services.count_ranked(election=contested_nec, ballots=[[0, 1]] * 3 + [[1]] * 2, actor=people.hq.user)
    for member in (people.carol, people.dave, people.bob):
        assert member.membership_number not in election.blt
    assert election.blt.startswith("5 3\n3 1 2 0\n2 2 0\n0\n")


def test_a_ballot_with_an_unknown_candidate_or_a_repeat_is_refused_and_nothing_is_recorded(contested_nec, people):
    before = AuditEntry.objects.count()
    for bad in ([[0, 5]], [[1, 1]], [[]]):
        with pytest.raises(Refused):
            services.count_ranked(election=contested_nec, ballots=bad, actor=people.hq.user)
    contested_nec.refresh_from_db()
    assert contested_nec.status == Election.Status.BALLOT and contested_nec.blt == "" and contested_nec.stage_table is None
    assert not Office.objects.filter(role=Role.NEC_MEMBER).exists() and AuditEntry.objects.count() == before


def test_an_election_still_taking_nominations_cannot_be_counted(nec, people):
    with pytest.raises(Refused) as exc:
        services.count_ranked(election=nec, ballots=[[0]], actor=people.hq.user)
    assert exc.value.status == 409


def test_first_past_the_post_counts_first_preferences_only(people):
    election = make_election(people.hq.user, role=Role.GENERAL_SECRETARY, seats=1, method=Election.Method.FPTP, term_years=5)
    stand(election, people.alice, people.bob, people.carol)
    stand(election, people.erin, people.bob, people.carol)
    close(election, people.hq.user)
    order = election.ballot_order()
    counted = services.count_ranked(election=election, ballots=[[0, 1]] * 3 + [[1, 0]] * 4, actor=people.hq.user)
    assert counted.stage_table["rule"] == "fptp"
    assert Office.objects.get(role=Role.GENERAL_SECRETARY).member == order[1].candidate


def test_a_current_general_secretary_does_not_block_the_elected_successor(gs, people):
    give_office(people.dave, Role.GENERAL_SECRETARY)
    stand(gs, people.alice, people.bob, people.carol)
    close(gs, people.hq.user)
    assert Office.objects.filter(role=Role.GENERAL_SECRETARY).count() == 2


def test_a_tie_is_settled_by_a_lot_drawn_at_the_count_that_anyone_can_repeat(gs, people):
    for candidate in (people.alice, people.erin):
        stand(gs, candidate, people.carol, people.dave)
    close(gs, people.hq.user)
    seeds = set()
    for attempt in range(2):
        election = services.count_ranked(election=gs, ballots=[[0], [1]] * 5, actor=people.hq.user)
        [tie] = election.stage_table["ties"]
        seed = declared_seed(election)
        assert f"lot (seed {seed})" in tie["method"]
        recount = stvcount.count(stvcount.parse_blt(election.blt), "fptp", seed=seed)
        assert recount.to_dict() == election.stage_table
        seeds.add(seed)
        Election.objects.filter(pk=gs.pk).update(status=Election.Status.BALLOT)  # count again: a new lot
        Office.objects.filter(role=Role.GENERAL_SECRETARY).delete()
        gs.nominations.update(elected=False)
    assert len(seeds) == 2  # not fixed in advance
