"""Queueing: one message per recipient per channel, written in the caller's
transaction, named by a key so the same message is never queued twice."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from unionhall.outbox.bounces import flag_address
from unionhall.outbox.models import Channel, Content, Message, Topic
from unionhall.outbox.services import Recipient, content_write, email_queue, messages_queue


def reminders(people):
    return [Recipient(key=f"reminder:1:member:{m.pk}:email", address=m.email, member_id=m.pk, fields={"first_name": m.first_name})
            for m in (people.alice, people.bob)]  # fmt: skip


def test_a_mailing_is_one_content_and_one_message_per_recipient_each_with_their_own_words(people):
    content = content_write(key="reminder:1:email", subject="Vote, [[first_name]]", text="Dear [[first_name]],\nVote now.", html="<p>Dear [[first_name]]</p>")
    ids = messages_queue(topic=Topic.BALLOT_REMINDER, channel=Channel.EMAIL, content=content, recipients=reminders(people), about=("ballots.reminder", 1))
    assert len(ids) == 2 and Content.objects.count() == 1
    assert {m.to[0]: (m.subject, m.body) for m in mail.outbox} == {
        people.alice.email: ("Vote, Alice", "Dear Alice,\nVote now."),
        people.bob.email: ("Vote, Bob", "Dear Bob,\nVote now."),
    }
    assert set(Message.objects.values_list("status", "topic", "about_type", "about_id")) == {("sent", "ballot_reminder", "ballots.reminder", 1)}


def test_the_same_key_is_queued_once_however_often_it_is_asked(people):
    content = content_write(key="reminder:1:email", text="Vote now.")
    messages_queue(topic=Topic.BALLOT_REMINDER, channel=Channel.EMAIL, content=content, recipients=reminders(people))
    again = content_write(key="reminder:1:email", text="Different words, a run later.")
    assert again == content and again.text == "Vote now."  # a resumed mailing says what it said
    assert messages_queue(topic=Topic.BALLOT_REMINDER, channel=Channel.EMAIL, content=again, recipients=reminders(people)) == []
    assert Message.objects.count() == 2 and len(mail.outbox) == 2


def test_a_message_is_written_in_the_callers_transaction_and_gone_if_it_is_undone(people, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    with pytest.raises(RuntimeError), transaction.atomic():
        email_queue(topic=Topic.BALLOT_TRACKER, to=people.alice.email, subject="Your tracker", text="t-123", key="tracker:1:1")
        assert Message.objects.count() == 1 and DBTaskResult.objects.count() == 1  # the message and its sending task, together
        raise RuntimeError("the vote is undone")
    assert not Message.objects.exists() and not DBTaskResult.objects.exists() and not mail.outbox


def test_email_to_an_address_that_bounced_is_written_suppressed_and_never_sent(people):
    flag_address(address=people.alice.email.upper(), member_id=people.alice.pk, reason="bounced")
    message = email_queue(topic=Topic.SIGN_IN, to=people.alice.email, subject="Your sign-in code", text="123456", member_id=people.alice.pk)
    assert message.status == "suppressed" and not mail.outbox


def shared(people, member, n, **kwargs):
    """A single message whose words are shared under a content key (a ballot's trackers)."""
    return email_queue(topic=Topic.BALLOT_TRACKER, to=member.email, member_id=member.pk, key=f"tracker:9:{n}", subject="Your vote was received",
                       text="Dear [[first_name]], your tracker is [[tracker]].", content_key="ballot-tracker:9",
                       fields={"first_name": member.first_name, "tracker": f"T-{n}"}, **kwargs)  # fmt: skip


def test_single_messages_of_shared_words_store_the_words_once_and_each_is_filled_in_for_its_recipient(people):
    first, second = shared(people, people.alice, 1), shared(people, people.bob, 2)
    assert Content.objects.count() == 1 and first.content_id == second.content_id == Content.objects.get(key="ballot-tracker:9").pk
    assert {m.to[0]: m.body for m in mail.outbox} == {people.alice.email: "Dear Alice, your tracker is T-1.", people.bob.email: "Dear Bob, your tracker is T-2."}
    assert shared(people, people.alice, 1).pk == first.pk and Message.objects.count() == 2 and len(mail.outbox) == 2  # the same key: queued once


def test_shared_words_written_by_a_message_that_is_undone_are_written_again_by_the_next(people):
    with pytest.raises(RuntimeError), transaction.atomic():
        shared(people, people.alice, 1)
        raise RuntimeError("the vote is undone")
    assert not Content.objects.exists() and not Message.objects.exists()
    message = shared(people, people.bob, 2)
    assert message.content_id == Content.objects.get().pk and mail.outbox[-1].body == "Dear Bob, your tracker is T-2."


def test_a_shared_words_message_to_an_address_that_bounced_is_written_suppressed_and_never_sent(people):
    flag_address(address=f" {people.alice.email.upper()}", member_id=people.alice.pk, reason="bounced")
    message = shared(people, people.alice, 1)
    assert message.status == "suppressed" and not mail.outbox
    assert Message.objects.get(pk=message.pk).last_error == "the address bounced before: not sent"
    shared(people, people.bob, 2)
    assert [m.to for m in mail.outbox] == [[people.bob.email]]


def test_single_messages_ask_the_cache_for_a_sweep_once_a_second_and_a_sweep_that_sent_sweeps_again(people, settings, monkeypatch):
    """At a ballot's peak each web process asks once a second, not once a vote;
    a message it queued meanwhile goes with the sweep already due, or the one after."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    from unionhall.outbox import sending

    asks = []
    real_add = sending.cache.add
    monkeypatch.setattr(sending.cache, "add", lambda *a, **k: asks.append(a[0]) or real_add(*a, **k))
    clock = [1000.0]
    monkeypatch.setattr(sending.time, "monotonic", lambda: clock[0])
    shared(people, people.alice, 1)
    shared(people, people.bob, 2)  # within the second: not asked
    assert asks == [sending.SWEEP_KEY] and DBTaskResult.objects.count() == 1
    sending.cache.delete(sending.SWEEP_KEY)  # the second has passed for the cache
    clock[0] += sending.SWEEP_S
    shared(people, people.carol, 3)  # asked again: a second sweep
    assert len(asks) == 2 and DBTaskResult.objects.count() == 2
    first = DBTaskResult.objects.order_by("enqueued_at").first()
    assert first.task.call() == {"sent": 3}
    assert DBTaskResult.objects.count() == 2  # the second sweep is still due: no third
    sending.cache.delete(sending.SWEEP_KEY)
    assert first.task.call() == {} and DBTaskResult.objects.count() == 2  # nothing sent: no sweep after it


def test_a_postal_message_waits_for_the_mailing_house_and_is_never_sent(people):
    ids = messages_queue(topic=Topic.BULLETIN, channel=Channel.POST, content=None, recipients=[Recipient(key="bulletin:1:member:1:post", member_id=people.alice.pk)])
    assert ids == [] and Message.objects.get().status == "postal" and not mail.outbox


def test_a_message_that_cannot_be_sent_is_refused_and_nothing_is_written(people):
    content = content_write(text="Bulletin")
    with pytest.raises(ValueError, match="must name its member"):
        messages_queue(topic=Topic.BULLETIN, channel=Channel.EMAIL, content=content, recipients=[Recipient(key="x", address="a@example.org")], unsubscribe="bulletins")
    with pytest.raises(ValueError, match="no mailing list"):
        messages_queue(topic=Topic.BULLETIN, channel=Channel.EMAIL, content=content, recipients=reminders(people), unsubscribe="nonsense")
    with pytest.raises(ValueError, match="needs an address"):
        messages_queue(topic=Topic.BULLETIN, channel=Channel.TEXT, content=content, recipients=[Recipient(key="y", member_id=people.alice.pk)])
    assert not Message.objects.exists() and not mail.outbox


def test_a_message_past_its_expiry_is_not_sent(people, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from unionhall.outbox.sending import send_due

    code = email_queue(topic=Topic.SIGN_IN, to=people.alice.email, subject="Code", text="123456", expires_at=timezone.now() + dt.timedelta(minutes=15))
    assert send_due(now=timezone.now() + dt.timedelta(minutes=20)) == {"interrupted": 0}
    code.refresh_from_db()
    assert code.status == "failed" and "expired" in code.last_error and not mail.outbox


def test_a_campaign_letter_can_carry_a_reply_to(people):
    email_queue(topic="campaign_letter", to="mp@parliament.example", subject="Probation caseloads", text="Dear MP", reply_to=people.alice.email, key="letter:1")
    (message,) = mail.outbox
    assert message.reply_to == [people.alice.email] and "List-Unsubscribe" not in message.extra_headers
