"""The demo stores its checked votes together (ballots.demo.store_demo_casts)
rather than one do_cast_ballot each: what it writes must be what casting
writes for one vote, the tracker email's words included."""

import datetime as dt
import hashlib

from django.utils import timezone

from tests.unionhall.ballots.conftest import encrypt_for
from unionhall.ballots.casting import check_cast_ballot, do_cast_ballot
from unionhall.ballots.demo import DemoVote, store_demo_casts
from unionhall.ballots.models import Cast, ReplayKey, RollEntry
from unionhall.outbox.channels.base import fill
from unionhall.outbox.models import Message, Topic


def tracker_email(member, tracker) -> tuple[str, str, str]:
    message = Message.objects.select_related("content").get(topic=Topic.BALLOT_TRACKER, member_id=member.pk)
    text = fill(message.content.text, message.fields).replace(member.first_name, "NAME").replace(tracker, "TRACKER")
    key, address = message.key.rsplit(":", 1)  # the address by a digest (casting.tracker_message_key)
    assert address == hashlib.sha256(member.email.lower().encode()).hexdigest()[:16]
    return key.replace(tracker, "TRACKER"), fill(message.content.subject, message.fields), text


def test_a_demo_vote_is_stored_as_a_cast_vote_is(open_ballot, people, crowd):
    content, _ = encrypt_for(open_ballot, people.alice, yes=True)
    cast = do_cast_ballot(ballot=open_ballot, check=check_cast_ballot(ballot=open_ballot, member=people.alice, content=content), content=content)
    content, _ = encrypt_for(open_ballot, people.bob, yes=False)
    check = check_cast_ballot(ballot=open_ballot, member=people.bob, content=content)
    when = open_ballot.opens_at + dt.timedelta(minutes=20)
    store_demo_casts(open_ballot, [DemoVote(check, content, people.bob, when)])

    demo = Cast.objects.get(roll_entry__member=people.bob)
    assert (demo.ballot_id, demo.tracker, demo.content, demo.superseded) == (open_ballot.pk, check.tracker, content, False)
    assert ReplayKey.objects.filter(ballot=open_ballot, key__in=check.replay_keys).count() == len(check.replay_keys) > 0
    assert RollEntry.objects.get(ballot=open_ballot, member=people.bob).voted_at == when
    assert tracker_email(people.bob, demo.tracker) == tracker_email(people.alice, cast.tracker)  # same key, subject and words


def test_a_demo_vote_supersedes_the_voters_earlier_ballot(open_ballot, people, crowd):
    content, _ = encrypt_for(open_ballot, people.alice, yes=True)
    first = do_cast_ballot(ballot=open_ballot, check=check_cast_ballot(ballot=open_ballot, member=people.alice, content=content), content=content)
    content, _ = encrypt_for(open_ballot, people.alice, yes=False, seed="again")
    check = check_cast_ballot(ballot=open_ballot, member=people.alice, content=content)
    store_demo_casts(open_ballot, [DemoVote(check, content, people.alice, timezone.now())])
    counted = Cast.objects.filter(roll_entry__member=people.alice, superseded=False)
    assert [c.tracker for c in counted] == [check.tracker] and Cast.objects.get(pk=first.pk).superseded
