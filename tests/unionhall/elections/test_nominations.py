"""Nominating, seconding and accepting: who may, when, and how long an
election address may be. A refused call writes nothing."""

import datetime as dt

import pytest

from tests.unionhall.conftest import make_member
from tests.unionhall.elections.conftest import AFTER, DURING, stand
from unionhall.audit.models import AuditEntry
from unionhall.elections import services
from unionhall.elections.models import Nomination
from unionhall.members.models import Member
from unionhall.refusals import Refused


def nominate(election, candidate, proposer, seconder, now=DURING):
    return services.do_nominate(election=election, proposer=proposer, seconder=seconder, candidate=candidate, now=now)


def test_a_nomination_stands_once_seconded_and_accepted_and_each_step_is_audited(nec, people):
    before = AuditEntry.objects.count()
    nomination = nominate(nec, people.alice, people.bob, people.erin)
    assert not nomination.is_valid and nec.ballot_order() == []
    services.do_accept(nomination=nomination, member=people.alice, address="Safe caseloads for all.", now=DURING)
    services.do_second(nomination=nomination, member=people.erin, now=DURING)
    nomination.refresh_from_db()
    assert nomination.is_valid and nec.ballot_order() == [nomination]
    assert nomination.address == "Safe caseloads for all."
    assert AuditEntry.objects.count() == before + 3


def test_a_branch_office_takes_candidate_proposer_and_seconder_from_that_branch_only(north_secretary, people):
    assert nominate(north_secretary, people.alice, people.bob, people.carol).pk
    assert nominate(north_secretary, people.erin, people.bob, people.carol) is None  # candidate from another branch
    assert nominate(north_secretary, people.carol, people.bob, people.erin) is None  # seconder from another branch
    assert Nomination.objects.count() == 1
    reasons = list(AuditEntry.objects.filter(detail__event="nomination not recorded").values_list("detail__why", flat=True))
    assert reasons == ["the candidate's number is not a member who may stand", "the seconder's number is not a member who may second"]


def test_an_outsider_to_the_branch_is_refused_as_proposer_with_a_403(north_secretary, people):
    with pytest.raises(Refused) as exc:
        nominate(north_secretary, people.alice, people.dave, people.bob)
    assert exc.value.status == 403 and Nomination.objects.count() == 0


def test_a_lapsed_member_can_neither_stand_nor_propose(nec, people):
    people.frank.status = Member.Status.LAPSED
    people.frank.save()
    assert nominate(nec, people.frank, people.alice, people.bob) is None
    with pytest.raises(Refused, match="propose"):
        nominate(nec, people.alice, people.frank, people.bob)


def test_candidate_proposer_and_seconder_are_three_different_members(nec, people):
    with pytest.raises(Refused, match="cannot propose yourself"):
        nominate(nec, people.alice, people.alice, people.bob)
    assert nominate(nec, people.alice, people.bob, people.alice) is None  # candidate as seconder: the proposer is not told why
    with pytest.raises(Refused, match="different members"):
        nominate(nec, people.alice, people.bob, people.bob)
    assert Nomination.objects.count() == 0


def test_a_candidate_is_nominated_once(nec, people):
    nominate(nec, people.alice, people.bob, people.carol)
    assert nominate(nec, people.alice, people.erin, people.frank) is None
    assert Nomination.objects.count() == 1


def test_after_the_window_a_nomination_is_refused_and_nothing_is_stored(nec, people):
    before = AuditEntry.objects.count()
    with pytest.raises(Refused, match="Nominations closed") as exc:
        nominate(nec, people.alice, people.bob, people.carol, now=AFTER)
    assert exc.value.status == 409
    with pytest.raises(Refused, match="Nominations open"):
        nominate(nec, people.alice, people.bob, people.carol, now=nec.nominations_open - dt.timedelta(minutes=1))
    assert Nomination.objects.count() == 0 and AuditEntry.objects.count() == before


def test_accepting_after_the_window_is_refused_and_the_address_is_not_stored(nec, people):
    nomination = nominate(nec, people.alice, people.bob, people.carol)
    with pytest.raises(Refused, match="closed"):
        services.do_accept(nomination=nomination, member=people.alice, address="Late words.", now=AFTER)
    nomination.refresh_from_db()
    assert nomination.accepted_at is None and nomination.address == ""


def test_an_address_over_the_word_limit_is_refused_with_its_count_and_nothing_is_stored(nec, people):
    nomination = nominate(nec, people.alice, people.bob, people.carol)
    before = AuditEntry.objects.count()
    with pytest.raises(Refused, match="has 21 words; the limit for every candidate is 20"):
        services.do_accept(nomination=nomination, member=people.alice, address=" ".join(["word"] * 21), now=DURING)
    nomination.refresh_from_db()
    assert nomination.accepted_at is None and nomination.address == "" and AuditEntry.objects.count() == before
    services.do_accept(nomination=nomination, member=people.alice, address=" ".join(["word"] * 20), now=DURING)


def test_only_the_candidate_accepts_and_only_the_named_seconder_seconds(nec, people):
    nomination = nominate(nec, people.alice, people.bob, people.carol)
    with pytest.raises(Refused) as exc:
        services.do_accept(nomination=nomination, member=people.bob, address="", now=DURING)
    assert exc.value.status == 403
    with pytest.raises(Refused) as exc:
        services.do_second(nomination=nomination, member=people.erin, now=DURING)
    assert exc.value.status == 403
    nomination.refresh_from_db()
    assert nomination.accepted_at is None and nomination.seconded_at is None


def test_candidates_are_shown_in_a_random_order_seeded_by_the_election_not_alphabetically(people, union):
    from tests.unionhall.elections.conftest import make_election

    orders = set()
    for n in range(6):
        election = make_election(people.hq.user, title=f"NEC {n}")
        members = [make_member(f"X{n}{i}", union.north, first_name=f"Cand{i}", last_name=chr(ord("A") + i)) for i in range(5)]
        for member in members:
            stand(election, member, people.alice, people.bob)
        first = [nom.candidate.last_name for nom in election.ballot_order()]
        assert first == [nom.candidate.last_name for nom in election.ballot_order()]  # stable
        orders.add(tuple(first))
    assert len(orders) > 1  # differs between elections
    assert any(list(o) != sorted(o) for o in orders)  # not alphabetical


def test_the_seconder_can_second_only_after_the_candidate_accepts(nec, people):
    nomination = nominate(nec, people.alice, people.bob, people.carol)
    with pytest.raises(Refused) as exc:
        services.do_second(nomination=nomination, member=people.carol, now=DURING)
    assert exc.value.status == 404
    nomination.refresh_from_db()
    assert nomination.seconded_at is None
