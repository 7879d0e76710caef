"""Who is told what: the candidate, proposer and seconder at each step of a
nomination (whoever must act next gets the link); every candidate gets the
declared result; and an elected term is reminded before it ends by the
register's own warning (``offices_warn_ending``)."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from tests.unionhall.elections.conftest import AFTER, DURING, stand
from unionhall.elections import services
from unionhall.members.models import Office, Role
from unionhall.members.services import offices_warn_ending
from unionhall.refusals import Refused

TRIO = {"a1@example.org", "b1@example.org", "c1@example.org"}


def inbox() -> dict[str, str]:
    return {m.to[0]: m.body for m in mail.outbox}


def test_a_nomination_tells_the_candidate_alone_and_asks_them_to_act(nec, people):
    mail.outbox.clear()
    nomination = services.do_nominate(election=nec, proposer=people.bob, seconder=people.carol, candidate=people.alice, now=DURING)
    told = inbox()
    assert list(told) == ["a1@example.org"] and "Bob Baker has nominated Alice Archer" in told["a1@example.org"]
    assert reverse("election_respond", args=[nec.pk, nomination.pk]) in told["a1@example.org"]


def test_accepting_tells_all_three_and_asks_the_seconder_to_act(nec, people):
    nomination = services.do_nominate(election=nec, proposer=people.bob, seconder=people.carol, candidate=people.alice, now=DURING)
    mail.outbox.clear()
    services.do_accept(nomination=nomination, member=people.alice, address="Vote for me.", now=DURING)
    told = inbox()
    respond = reverse("election_respond", args=[nec.pk, nomination.pk])
    assert set(told) == TRIO and respond in told["c1@example.org"] and respond not in told["b1@example.org"]
    assert "It stands once Carol Cooper seconds it" in told["b1@example.org"]


def test_seconding_and_accepting_each_tell_all_three_and_the_last_says_it_stands(nec, people):
    nomination = services.do_nominate(election=nec, proposer=people.bob, seconder=people.carol, candidate=people.alice, now=DURING)
    mail.outbox.clear()
    services.do_accept(nomination=nomination, member=people.alice, address="Vote for me.", now=DURING)
    assert set(inbox()) == TRIO and "It stands once Carol Cooper seconds it" in inbox()["b1@example.org"]
    mail.outbox.clear()
    services.do_second(nomination=nomination, member=people.carol, now=DURING)
    assert set(inbox()) == TRIO and all("The nomination now stands" in body for body in inbox().values())
    mail.outbox.clear()
    services.do_accept(nomination=nomination, member=people.alice, address="A better address.", now=DURING)
    assert mail.outbox == []  # replacing the address is not a new step


def test_a_refused_nomination_sends_nothing(nec, people):
    mail.outbox.clear()
    with pytest.raises(services.Refused):
        services.do_nominate(election=nec, proposer=people.bob, seconder=people.bob, candidate=people.alice, now=DURING)
    assert mail.outbox == []


def test_an_uncontested_result_goes_to_the_candidate(gs, people):
    stand(gs, people.alice, people.bob, people.carol)
    mail.outbox.clear()
    services.election_close_nominations(election=gs, actor=people.hq.user, now=AFTER)
    assert list(inbox()) == ["a1@example.org"] and "You are elected" in inbox()["a1@example.org"]


def test_an_elected_term_is_reminded_before_it_ends(gs, people):
    stand(gs, people.alice, people.bob, people.carol)
    services.election_close_nominations(election=gs, actor=people.hq.user, now=AFTER)
    office = Office.objects.get(role=Role.GENERAL_SECRETARY, member=people.alice)
    mail.outbox.clear()
    assert offices_warn_ending(today=office.ends_on - dt.timedelta(days=200)) == 0
    assert offices_warn_ending(today=office.ends_on - dt.timedelta(days=30)) == 1
    assert mail.outbox[0].to == ["a1@example.org"] and "General Secretary ends" in mail.outbox[0].subject
