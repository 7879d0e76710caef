"""The turnout drive: officers see turnout and non-voters in their remit
only, small workplaces are grouped, and opening the list is audited."""

from django.urls import reverse

from tests.unionhall.ballots.test_casting import cast
from tests.unionhall.conftest import sign_in
from unionhall.audit.models import Action, AuditEntry
from unionhall.ballots.turnout import SMALL_WORKPLACES, turnout
from unionhall.members.remit import remit_for


def test_a_branch_secretary_sees_turnout_and_non_voters_in_the_branch_only(client, open_ballot, people, crowd):
    for member in crowd[:6]:
        cast(open_ballot, member, seed=member.membership_number)
    cast(open_ballot, people.erin)  # South: not Carol's branch
    sign_in(client, people.carol)
    response = client.get(reverse("ballot_turnout", args=[open_ballot.slug]))
    t = response.context["t"]
    assert (t.total.entitled, t.total.voted) == (15, 6)  # North: Alice, Bob, Carol and 12 at Harbour
    not_voted = {e.member.membership_number for e in response.context["not_voted"]}
    assert "A1" in not_voted and "E1" not in not_voted and len(not_voted) == 9
    entry = AuditEntry.objects.filter(action=Action.VIEW, detail__page="turnout").last()
    assert entry.detail["non_voters_shown"] == 9 and len(entry.detail["digest"]) == 64
    assert "A1" not in str(entry.detail)  # no list to diff against the board


def test_workplaces_with_fewer_than_ten_entitled_are_grouped(open_ballot, people, crowd):
    t = turnout(open_ballot, remit_for(people.carol.user))
    assert [(p.name, p.entitled) for p in t.places] == [("Harbour office", 14), (SMALL_WORKPLACES, 1)]


def test_the_projection_extrapolates_the_pace_and_counts_votes_still_needed(open_ballot, people, crowd):
    for member in crowd[:3]:
        cast(open_ballot, member, seed=member.membership_number)
    halfway = open_ballot.opens_at + (open_ballot.closes_at - open_ballot.opens_at) / 2
    t = turnout(open_ballot, remit_for(people.carol.user), now=halfway)
    assert round(t.projection.percent) == 40  # 3 of 15 by half time: 6 of 15 at this pace
    assert t.projection.votes_needed == 5  # 8 of 15 is over half


def test_a_plain_member_cannot_see_turnout(client, open_ballot, people):
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("ballot_turnout", args=[open_ballot.slug])).status_code == 403


def test_turnout_is_404_for_a_ballot_with_nobody_in_the_remit(client, open_ballot, people):
    sign_in(client, people.gina)  # link officer for Northway: the ballot is for the Public Probation Service
    assert client.get(reverse("ballot_turnout", args=[open_ballot.slug])).status_code == 404
