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
