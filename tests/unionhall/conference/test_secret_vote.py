"""A motion put to a secret vote of the delegates: one vote each through the
verifiable ballot engine, only delegates on its roll, declared from the
decrypted result, and a carried motion becomes a resolution."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.ballots.test_counting import close, post
from tests.unionhall.conftest import sign_in
from unionhall.ballots.models import RollEntry
from unionhall.ballots.casting import check_cast_ballot, do_cast_ballot
from unionhall.ballots.setup import ballot_manifest, ballot_open, ballot_set_keys
from unionhall.conference.models import Outcome, Resolution, Vote
from unionhall.conference.voting import do_register_delegate, vote_close_secret, vote_open_secret
from unionhall.refusals import Refused
from votecrypt import api
from votecrypt.rng import SeededRng


def trustees(people):
    return [(people.hq.user, "HQ"), (people.carol.user, "Chair"), (people.dave.user, "Scrutineer")]


def cast(ballot, member, yes, seed):
    entry = RollEntry.objects.get(ballot=ballot, member=member)
    content, _ = api.encrypt_ballot(ballot.manifest, ballot.joint_key, entry.alias, [[1, 0] if yes else [0, 1]], SeededRng(seed))
    do_cast_ballot(ballot=ballot, check=check_cast_ballot(ballot=ballot, member=member, content=content), content=content)


def test_the_delegates_vote_in_secret_and_the_motion_is_carried_from_the_decrypted_count(on_agenda, people, union):
    conference = on_agenda.conference
    for branch, member, officer in ((union.north, people.alice, people.carol), (union.south, people.erin, people.dave)):
        do_register_delegate(conference=conference, branch=branch, member=member, actor=officer.user)
    with pytest.raises(Refused):
        vote_open_secret(motion=on_agenda, actor=people.carol.user, opens_at=timezone.now(), closes_at=timezone.now() + dt.timedelta(hours=1),
                         trustees=trustees(people), threshold=2)  # not a clerk  # fmt: skip
    now = timezone.now()
    vote = vote_open_secret(motion=on_agenda, actor=people.hq.user, opens_at=now - dt.timedelta(minutes=1),
                            closes_at=now + dt.timedelta(hours=1), trustees=trustees(people), threshold=2)  # fmt: skip
    ballot = vote.ballot
    with pytest.raises(Refused, match="not been decrypted"):
        vote_close_secret(vote=vote, actor=people.hq.user)
    manifest = ballot_manifest(ballot)
    joint, keys, publics = api.run_dkg(manifest, SeededRng("conference-secret"))
    ballot_set_keys(ballot=ballot, manifest=manifest, joint_key=joint, publics=publics, actor=None)
    assert ballot_open(ballot=ballot, actor=None) == 2  # the delegates, not the whole union
    ballot.refresh_from_db()
    ballot.trustee_keys = keys
    cast(ballot, people.alice, True, "a")  # Erin does not vote: an abstention
    with pytest.raises(Refused, match="not on the roll"):
        check_cast_ballot(ballot=ballot, member=people.frank, content={})
    close(ballot)
    post(ballot, 1, [""])
    post(ballot, 2, [""])
    vote = vote_close_secret(vote=vote, actor=people.hq.user)
    assert (vote.votes_for, vote.votes_against, vote.abstentions, vote.outcome) == (1, 0, 1, Outcome.CARRIED)
    assert Resolution.objects.filter(motion=on_agenda).exists()
    with pytest.raises(Refused, match="not open"):
        vote_close_secret(vote=vote, actor=people.hq.user)


def test_a_secret_vote_needs_delegates_and_the_clerk_sets_it_up_from_the_motion_page(client, on_agenda, people, union):
    sign_in(client, people.hq)
    url = reverse("conference_secret_vote", args=[on_agenda.conference.slug, on_agenda.number])
    when = lambda hours: timezone.localtime(timezone.now() + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")  # noqa: E731
    form = {"opens_at": when(0), "closes_at": when(2), "threshold": 1, "t0_email": people.hq.user.email}
    page = client.post(url, form, follow=True).content.decode()
    assert "No delegates are registered" in page and not Vote.objects.exists()
    do_register_delegate(conference=on_agenda.conference, branch=union.north, member=people.alice, actor=people.carol.user)
    response = client.post(url, form)
    vote = Vote.objects.get(method=Vote.Method.SECRET)
    assert response.url == reverse("conference_vote", args=[vote.pk])
    assert list(vote.ballot.electorate.all()) == [people.alice]
    page = client.get(response.url).content.decode()
    assert "A secret vote of the delegates" in page and vote.ballot.slug in page
