"""Casting: only members on the roll, only while open, only well-formed ballots
with valid proofs; a replayed ballot is refused; re-voting supersedes; the
board and the roll always agree."""

import copy
import datetime as dt

import pytest
from django.core import mail

from tests.unionhall.ballots.conftest import encrypt_for
from unionhall.ballots.casting import check_cast_ballot, do_cast_ballot
from unionhall.ballots.models import Ballot, Cast, Question, ReplayKey, RollEntry
from unionhall.ballots.roll import OTHER_AREAS, roll_add
from unionhall.ballots.setup import ballot_manifest, ballot_open, ballot_set_keys
from unionhall.refusals import Refused
from votecrypt import api
from votecrypt.rng import SeededRng


def cast(ballot, member, yes=True, seed="s"):
    content, _ = encrypt_for(ballot, member, yes, seed)
    check = check_cast_ballot(ballot=ballot, member=member, content=content)
    return do_cast_ballot(ballot=ballot, check=check, content=content)


def test_the_roll_is_frozen_from_the_register_with_random_aliases_and_small_areas_merged(open_ballot, people, union):
    roll = RollEntry.objects.filter(ballot=open_ballot)
    # Everyone active at the Public Probation Service: North and South branches.
    assert roll.count() == 6 + 12
    assert {e.area for e in roll} == {"North", OTHER_AREAS}  # South has 3 members: merged
    assert len({e.alias for e in roll}) == roll.count() and all(e.alias.startswith("v") for e in roll)
    assert not roll.filter(member=people.frank).exists()  # another employer


def test_a_member_on_the_roll_votes_and_gets_a_tracker_by_email(open_ballot, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        c = cast(open_ballot, people.alice)
    assert Cast.objects.get(ballot=open_ballot).tracker == c.tracker
    assert c.tracker in mail.outbox[0].body and mail.outbox[0].to == ["a1@example.org"]
    assert RollEntry.objects.get(ballot=open_ballot, member=people.alice).voted_at is not None


def test_revoting_supersedes_and_one_ballot_counts(open_ballot, people):
    first = cast(open_ballot, people.alice, yes=True, seed="one")
    second = cast(open_ballot, people.alice, yes=False, seed="two")
    first.refresh_from_db()
    assert first.superseded and not second.superseded
    assert Cast.objects.filter(ballot=open_ballot, superseded=False).count() == 1


def test_a_replayed_ballot_is_refused_with_409_and_nothing_stored(open_ballot, people):
    content, _ = encrypt_for(open_ballot, people.alice, True)
    check = check_cast_ballot(ballot=open_ballot, member=people.alice, content=content)
    do_cast_ballot(ballot=open_ballot, check=check, content=content)
    with pytest.raises(Refused) as exc:
        check_cast_ballot(ballot=open_ballot, member=people.alice, content=content)
    assert exc.value.status == 409
    assert Cast.objects.count() == 1


def test_every_ciphertext_of_a_cast_ballot_is_kept_against_replay(ballot, people):
    Question.objects.create(ballot=ballot, position=2, key="action", text="Will you take action short of a strike?", kind=Question.Kind.YES_NO)
    manifest = ballot_manifest(ballot)
    joint, _, publics = api.run_dkg(manifest, SeededRng("two-questions"))
    ballot_set_keys(ballot=ballot, manifest=manifest, joint_key=joint, publics=publics, actor=None)
    ballot_open(ballot=ballot, actor=None)
    ballot.refresh_from_db()
    alias = RollEntry.objects.get(ballot=ballot, member=people.alice).alias
    content, _ = api.encrypt_ballot(ballot.manifest, ballot.joint_key, alias, [[1, 0], [0, 1]], SeededRng("both"))
    check = check_cast_ballot(ballot=ballot, member=people.alice, content=content)
    do_cast_ballot(ballot=ballot, check=check, content=content)
    stored = set(ReplayKey.objects.filter(ballot=ballot).values_list("key", flat=True))
    assert stored == check.replay_keys and len(stored) == 2


def test_someone_elses_ballot_is_refused_because_its_proofs_name_the_voter(open_ballot, people):
    content, _ = encrypt_for(open_ballot, people.alice, True)
    with pytest.raises(Refused, match="refused"):
        check_cast_ballot(ballot=open_ballot, member=people.bob, content=content)
    assert not Cast.objects.exists()


def test_a_tampered_ballot_is_refused(open_ballot, people):
    content, _ = encrypt_for(open_ballot, people.alice, True)
    bad = copy.deepcopy(content)
    text = repr(bad)
    # Change one hex digit of the first ciphertext.
    q = bad["questions"][0]
    ct = q["ct"][0]
    ct[1] = ct[1][:-1] + ("0" if ct[1][-1] != "0" else "1")
    assert repr(bad) != text
    with pytest.raises(Refused):
        check_cast_ballot(ballot=open_ballot, member=people.alice, content=bad)
    with pytest.raises(Refused, match="malformed"):
        check_cast_ballot(ballot=open_ballot, member=people.alice, content=["not", "a", "ballot"])
    assert not Cast.objects.exists() and not ReplayKey.objects.exists()


def test_a_member_not_on_the_roll_is_refused(open_ballot, people):
    content, _ = encrypt_for(open_ballot, people.alice, True)
    with pytest.raises(Refused) as exc:
        check_cast_ballot(ballot=open_ballot, member=people.frank, content=content)
    assert exc.value.status == 403


def test_a_ballot_after_close_is_refused(open_ballot, people):
    content, _ = encrypt_for(open_ballot, people.alice, True)
    later = open_ballot.closes_at + dt.timedelta(seconds=1)
    with pytest.raises(Refused, match="not open") as exc:
        check_cast_ballot(ballot=open_ballot, member=people.alice, content=content, now=later)
    assert exc.value.status == 409
    Ballot.objects.filter(pk=open_ballot.pk).update(status=Ballot.Status.CLOSED)
    open_ballot.refresh_from_db()
    with pytest.raises(Refused, match="not open"):
        check_cast_ballot(ballot=open_ballot, member=people.alice, content=content)


def test_adding_to_the_roll_after_it_froze_needs_a_reason(open_ballot, people):
    with pytest.raises(Refused, match="reason"):
        roll_add(ballot=open_ballot, member=people.frank, reason=" ", actor=people.hq.user)
    entry = roll_add(ballot=open_ballot, member=people.frank, reason="Transferred under TUPE on 1 May", actor=people.hq.user)
    assert entry.added_reason.startswith("Transferred")
    cast(open_ballot, people.frank)


def test_a_mail_failure_after_the_vote_is_stored_does_not_fail_the_vote(open_ballot, people, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        c = cast(open_ballot, people.alice)
    assert Cast.objects.get().tracker == c.tracker


def test_the_tracker_email_is_in_the_outbox_in_the_same_transaction_as_the_vote(open_ballot, people, django_capture_on_commit_callbacks):
    """A crash after the vote commits but before any after-commit work runs must
    not lose the member's tracker email: it is written with the vote."""
    from unionhall.outbox.models import Message, Topic

    with django_capture_on_commit_callbacks(execute=False):  # the process dies before anything after the commit runs
        c = cast(open_ballot, people.alice)
    message = Message.objects.get(topic=Topic.BALLOT_TRACKER)
    assert message.address == "a1@example.org" and message.member_id == people.alice.pk
    assert message.fields == {"first_name": people.alice.first_name, "tracker": c.tracker} and "[[tracker]]" in message.content.text


def test_a_ballots_tracker_emails_share_one_copy_of_their_words_and_each_names_its_voter(open_ballot, people, django_capture_on_commit_callbacks):
    """Stored once per ballot, not once per vote (a million votes, a million copies), and filled in for each voter when sent."""
    from unionhall.outbox.models import Content, Message, Topic

    with django_capture_on_commit_callbacks(execute=True):
        trackers = {member.email: cast(open_ballot, member).tracker for member in (people.alice, people.bob)}
    messages = Message.objects.filter(topic=Topic.BALLOT_TRACKER)
    assert messages.count() == 2 and messages.values("content").distinct().count() == 1 and Content.objects.count() == 1
    sent = {m.to[0]: m.body for m in mail.outbox}
    assert set(sent) == set(trackers)
    for member in (people.alice, people.bob):
        body = sent[member.email]
        assert body.startswith(f"Dear {member.first_name},") and trackers[member.email] in body and "[[" not in body
    assert trackers[people.alice.email] not in sent[people.bob.email]


def test_a_refused_vote_queues_no_tracker_email(open_ballot, people):
    from unionhall.outbox.models import Message

    content, _ = encrypt_for(open_ballot, people.alice, True, "s")
    check = check_cast_ballot(ballot=open_ballot, member=people.alice, content=content)
    RollEntry.objects.filter(ballot=open_ballot, member=people.alice).update(removed_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    with pytest.raises(Refused):
        do_cast_ballot(ballot=open_ballot, check=check, content=content)
    assert Message.objects.count() == 0 and Cast.objects.count() == 0


def test_a_voter_with_the_longest_address_an_email_may_have_gets_their_tracker(open_ballot, people, django_capture_on_commit_callbacks):
    """A 254-character address made a 221-character outbox key, longer than its
    column: on PostgreSQL the vote failed (review finding). The key holds the address by a digest."""
    from django.core.validators import validate_email

    from unionhall.members.models import Member
    from unionhall.outbox.models import Message, Topic

    longest = "a" * 64 + "@" + "b" * 61 + "." + "c" * 60 + "." + "d" * 62 + ".org"
    assert len(longest) == 254
    validate_email(longest)
    Member.objects.filter(pk=people.alice.pk).update(email=longest)
    people.alice.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        c = cast(open_ballot, people.alice)
    message = Message.objects.get(topic=Topic.BALLOT_TRACKER)
    assert message.address == longest and len(message.key) <= 200 and c.tracker in message.key
    assert mail.outbox[-1].to == [longest]
