"""Delegates by entitlement, public card weights, votes by show of hands and
by card, and the outcome: a carried motion becomes a resolution."""

import pytest

from tests.unionhall.conftest import make_member
from unionhall.audit.models import AuditEntry
from unionhall.conference.models import Card, CardWeight, Delegate, Motion, Outcome, Resolution, Vote, delegate_entitlement
from unionhall.conference.services import do_submit_amendment, soc_accept
from unionhall.conference.voting import (
    do_cast_card,
    do_register_delegate,
    entitlement,
    membership_by_branch,
    vote_close_card,
    vote_open_card,
    vote_show_of_hands,
)  # fmt: skip
from unionhall.members.models import Member
from unionhall.refusals import Refused


@pytest.mark.parametrize("members,delegates", [(0, 1), (1, 1), (100, 1), (101, 2), (250, 3)])
def test_one_delegate_for_every_started_hundred_members_and_at_least_one(members, delegates):
    assert delegate_entitlement(members) == delegates


def test_membership_on_a_date_counts_those_who_had_joined_and_not_yet_lapsed(people, union, conference):
    import datetime as dt

    day = dt.date(2026, 1, 1)
    make_member("L1", union.north, status=Member.Status.LAPSED, lapsed_on=dt.date(2026, 6, 1), joined_on=dt.date(2020, 1, 1))
    make_member("L2", union.north, status=Member.Status.LAPSED, lapsed_on=dt.date(2025, 6, 1))
    make_member("J1", union.north, joined_on=dt.date(2026, 2, 1))
    assert membership_by_branch(day)[union.north.pk] == 3 + 1  # Alice, Bob, Carol and L1


def test_a_branch_officer_registers_delegates_up_to_the_entitlement(conference, people, union):
    assert entitlement(conference, union.north) == 1
    do_register_delegate(conference=conference, branch=union.north, member=people.alice, actor=people.carol.user)
    with pytest.raises(Refused, match="entitled to 1 delegate"):
        do_register_delegate(conference=conference, branch=union.north, member=people.bob, actor=people.carol.user)
    assert Delegate.objects.count() == 1
    assert AuditEntry.objects.filter(detail__event="delegate registered").count() == 1


def test_an_officer_of_another_branch_cannot_register_its_delegates(conference, people, union):
    with pytest.raises(Refused) as exc:
        do_register_delegate(conference=conference, branch=union.north, member=people.alice, actor=people.dave.user)
    assert exc.value.status == 403 and not Delegate.objects.exists()


def test_a_delegate_must_belong_to_the_branch(conference, people, union):
    with pytest.raises(Refused, match="active member of North"):
        do_register_delegate(conference=conference, branch=union.north, member=people.erin, actor=people.carol.user)


def test_a_show_of_hands_records_the_figures_and_a_carried_motion_becomes_a_resolution(on_agenda, people):
    vote = vote_show_of_hands(motion=on_agenda, actor=people.hq.user, votes_for=120, votes_against=40, abstentions=7)
    on_agenda.refresh_from_db()
    assert (vote.outcome, on_agenda.outcome, vote.status) == (Outcome.CARRIED, Outcome.CARRIED, Vote.Status.CLOSED)
    resolution = Resolution.objects.get(motion=on_agenda)
    assert resolution.instructions == on_agenda.text and resolution.who_must_act == "Officers and officials"
    assert AuditEntry.objects.filter(detail__event="vote declared", detail__outcome="carried", detail__for=120).exists()


def test_a_tie_is_lost_and_makes_no_resolution(on_agenda, people):
    vote = vote_show_of_hands(motion=on_agenda, actor=people.hq.user, votes_for=10, votes_against=10, abstentions=0)
    assert vote.outcome == Outcome.LOST and not Resolution.objects.exists()


def test_a_motion_is_decided_once(on_agenda, people):
    vote_show_of_hands(motion=on_agenda, actor=people.hq.user, votes_for=1, votes_against=0, abstentions=0)
    with pytest.raises(Refused, match="already been carried"):
        vote_show_of_hands(motion=on_agenda, actor=people.hq.user, votes_for=0, votes_against=1, abstentions=0)
    assert Vote.objects.count() == 1


def test_a_motion_not_on_the_published_agenda_is_not_voted_on(conference, people, union):
    from tests.unionhall.conference.conftest import submit

    motion = submit(conference, people.carol, union.north)
    with pytest.raises(Refused, match="published agenda"):
        vote_show_of_hands(motion=motion, actor=people.hq.user, votes_for=1, votes_against=0, abstentions=0)
    assert not Vote.objects.exists()


def test_a_carried_amendment_is_written_into_the_resolution(soc, conference, people, union):
    from tests.unionhall.conference.conftest import submit
    from unionhall.conference.services import agenda_publish
    from unionhall.conference.voting import weights_freeze

    motion = submit(conference, people.carol, union.north)
    amendment = do_submit_amendment(motion=motion, user=people.dave.user, proposer="branch", branch=union.south, text="Add: report to every branch.")
    soc_accept(item=motion, actor=soc.user)
    soc_accept(item=amendment, actor=soc.user)
    weights_freeze(conference=conference, actor=people.hq.user)
    agenda_publish(conference=conference, actor=soc.user)
    vote_show_of_hands(motion=motion, amendment=amendment, actor=people.hq.user, votes_for=5, votes_against=1, abstentions=0)
    vote_show_of_hands(motion=motion, actor=people.hq.user, votes_for=5, votes_against=1, abstentions=0)
    assert "As amended (Amendment 1A): Add: report to every branch." in Resolution.objects.get().instructions


def test_card_weights_are_frozen_per_branch(on_agenda, union):
    weights = dict(CardWeight.objects.values_list("branch__code", "members"))
    assert weights == {"north": 3, "south": 3, "coast": 2}


def test_a_card_vote_is_weighted_by_each_branchs_frozen_membership(on_agenda, people, union):
    conference = on_agenda.conference
    do_register_delegate(conference=conference, branch=union.north, member=people.alice, actor=people.carol.user)
    do_register_delegate(conference=conference, branch=union.south, member=people.erin, actor=people.dave.user)
    vote = vote_open_card(motion=on_agenda, actor=people.hq.user)
    do_cast_card(vote=vote, member=people.alice, branch=union.north, choice="against")
    do_cast_card(vote=vote, member=people.erin, branch=union.south, choice="for")
    make_member("X1", union.south)  # joins after the freeze: the card does not grow
    vote = vote_close_card(vote=vote, actor=people.hq.user)
    assert (vote.votes_for, vote.votes_against, vote.abstentions, vote.outcome) == (3, 3, 0, Outcome.LOST)


def test_a_card_from_an_unregistered_delegate_is_refused_and_nothing_stored(on_agenda, people, union):
    vote = vote_open_card(motion=on_agenda, actor=people.hq.user)
    before = AuditEntry.objects.count()
    with pytest.raises(Refused, match="Only a registered delegate of North") as exc:
        do_cast_card(vote=vote, member=people.bob, branch=union.north, choice="for")
    assert exc.value.status == 403
    assert not Card.objects.exists() and AuditEntry.objects.count() == before


def test_a_delegate_cannot_cast_another_branchs_card_or_cast_twice(on_agenda, people, union):
    conference = on_agenda.conference
    do_register_delegate(conference=conference, branch=union.north, member=people.alice, actor=people.carol.user)
    vote = vote_open_card(motion=on_agenda, actor=people.hq.user)
    with pytest.raises(Refused):
        do_cast_card(vote=vote, member=people.alice, branch=union.south, choice="for")
    do_cast_card(vote=vote, member=people.alice, branch=union.north, choice="for")
    with pytest.raises(Refused, match="already been cast"):
        do_cast_card(vote=vote, member=people.alice, branch=union.north, choice="against")
    assert Card.objects.count() == 1


def test_no_card_is_cast_after_the_vote_closes(on_agenda, people, union):
    do_register_delegate(conference=on_agenda.conference, branch=union.north, member=people.alice, actor=people.carol.user)
    vote = vote_open_card(motion=on_agenda, actor=people.hq.user)
    vote_close_card(vote=vote, actor=people.hq.user)
    with pytest.raises(Refused, match="not open"):
        do_cast_card(vote=vote, member=people.alice, branch=union.north, choice="for")
    assert Motion.objects.get(pk=on_agenda.pk).outcome == Outcome.LOST
