"""The one sender: claims before it sends, one connection per batch, retries
what may pass, flags what the server refuses, and sends texts as well."""

import datetime as dt
import smtplib

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from unionhall import sms
from unionhall.outbox import sending
from unionhall.outbox.models import AddressFlag, Channel, Message, Topic
from unionhall.outbox.services import Recipient, content_write, email_queue, messages_queue

LATER = dt.timedelta(days=1)


def queue_to(members, *, send=True, topic=Topic.NOTICE):
    content = content_write(key=f"{topic}:test", subject="Notice", text="Hello [[first_name]]")
    recipients = [Recipient(key=f"{topic}:{m.pk}:email", address=m.email, member_id=m.pk, fields={"first_name": m.first_name}) for m in members]
    return messages_queue(topic=topic, channel=Channel.EMAIL, content=content, recipients=recipients, send=send)


def everyone(people):
    return [people.alice, people.bob, people.carol, people.dave, people.erin]


def test_a_batch_goes_over_one_connection(people, counting):
    ids = queue_to(everyone(people), send=False)
    assert sending.send_batch(ids) == {"sent": 5}
    assert counting.opened == 1 and len(mail.outbox) == 5


def test_a_duplicated_or_retried_task_sends_nothing_twice(people):
    ids = queue_to(everyone(people), send=False)
    assert sending.send_batch(ids) == {"sent": 5}
    assert sending.send_batch(ids) == {}  # the same task again: every message is already sent
    Message.objects.filter(pk=ids[0]).update(status="sending")  # another sender holds this one
    Message.objects.filter(pk=ids[1]).update(status="queued", sent_at=None)
    mail.outbox.clear()
    assert sending.send_batch(ids) == {"sent": 1} and [m.to for m in mail.outbox] == [[people.bob.email]]


def test_a_passing_failure_is_retried_later_with_backoff_and_then_sent(people, failing):
    failing[people.bob.email] = [smtplib.SMTPServerDisconnected("connection dropped")]
    ids = queue_to(everyone(people), send=False)
    now = timezone.now()
    assert sending.send_batch(ids, now=now) == {"sent": 4, "queued": 1}
    waiting = Message.objects.get(status="queued")
    assert waiting.address == people.bob.email and waiting.attempts == 1 and "connection dropped" in waiting.last_error
    assert waiting.next_attempt_at == now + dt.timedelta(seconds=sending.RETRY_BASE_S)
    assert "sent" not in sending.send_due(now=now + dt.timedelta(seconds=30))  # not yet
    assert sending.send_due(now=now + dt.timedelta(minutes=2))["sent"] == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in everyone(people))  # each once


def test_a_message_that_keeps_failing_fails_for_good_after_the_last_attempt(people, failing):
    failing[people.bob.email] = [smtplib.SMTPResponseException(451, b"try later") for _ in range(sending.MAX_ATTEMPTS)]
    (pk,) = queue_to([people.bob], send=False)
    at = timezone.now()
    for _ in range(sending.MAX_ATTEMPTS):
        sending.send_batch([pk], now=at)
        at += LATER
    message = Message.objects.get(pk=pk)
    assert (message.status, message.attempts) == ("failed", sending.MAX_ATTEMPTS) and not mail.outbox


def test_an_address_the_server_refuses_is_flagged_and_never_tried_again_for_anything(people, failing):
    failing[people.bob.email] = [smtplib.SMTPRecipientsRefused({people.bob.email: (550, b"5.1.1 no such user")})]
    ids = queue_to(everyone(people), send=False)
    assert sending.send_batch(ids) == {"sent": 4, "bounced": 1}
    flag = AddressFlag.objects.get()
    assert (flag.member_id, flag.email) == (people.bob.pk, people.bob.email) and "no such user" in flag.reason
    later = email_queue(topic=Topic.SIGN_IN, to=people.bob.email, subject="Your code", text="123456", member_id=people.bob.pk)
    assert later.status == "suppressed" and people.bob.email not in {m.to[0] for m in mail.outbox}


def test_an_address_flagged_after_it_was_queued_is_not_sent_to(people):
    ids = queue_to([people.alice, people.bob], send=False)
    AddressFlag.objects.create(email=people.bob.email, reason="bounced", flagged_at=timezone.now())
    assert sending.send_batch(ids) == {"sent": 1, "suppressed": 1}
    assert [m.to for m in mail.outbox] == [[people.alice.email]]


def test_a_provider_through_anymail_sends_and_its_ids_are_kept(people, provider):
    ids = queue_to([people.alice, people.bob], send=False)
    provider.refuse = {people.bob.email}
    assert sending.send_batch(ids) == {"sent": 1, "bounced": 1}
    sent = Message.objects.get(status="sent")
    assert sent.provider_id.startswith("esp-") and mail.outbox[0].anymail_test_params["metadata"] == {"outbox_message": str(sent.pk)}
    assert AddressFlag.objects.get().email == people.bob.email  # the provider refused it: never again


def test_a_sender_that_died_mid_batch_leaves_its_messages_failed_not_sent_twice(people):
    ids = queue_to([people.alice], send=False)
    Message.objects.filter(pk__in=ids).update(status="sending", next_attempt_at=timezone.now() - dt.timedelta(minutes=30))
    assert sending.fail_interrupted() == 0  # it may still be at work
    Message.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now() - dt.timedelta(hours=2))
    assert sending.send_due()["interrupted"] == 1
    assert Message.objects.get().status == "failed" and not mail.outbox


def test_texts_go_through_the_text_backend(people):
    sms.outbox.clear()
    content = content_write(text="Your union: vote now.")
    messages_queue(topic=Topic.BALLOT_REMINDER, channel=Channel.TEXT, content=content,
                   recipients=[Recipient(key="reminder:1:member:1:text", address="07700 900001", member_id=people.alice.pk)])  # fmt: skip
    assert [(t.to, t.body) for t in sms.outbox] == [("07700 900001", "Your union: vote now.")]
    assert Message.objects.get().status == "sent"
    sms.outbox.clear()


def test_the_command_sends_what_is_due_and_says_so(people, capsys):
    queue_to([people.alice, people.bob], send=False)
    call_command("send_outbox")
    assert "2 sent; 0 interrupted" in capsys.readouterr().out and len(mail.outbox) == 2
    call_command("send_outbox")
    assert "nothing was due" in capsys.readouterr().out and len(mail.outbox) == 2


def test_to_the_smtp_relay_each_copy_carries_only_its_own_recipient_name_and_link(people, settings, tmp_path):
    """Copies are made from one template per batch: nothing of one recipient may reach another."""
    import email as email_parser
    import email.policy

    from tests.unionhall.test_mailsink import free_port
    from unionhall.mailsink import start_sink
    from unionhall.members.models import Member
    from unionhall.outbox.unsubscribe import read_token

    Member.objects.filter(pk=people.bob.pk).update(first_name="Zoë")  # not ASCII: built on its own, the slow way
    members = list(Member.objects.filter(pk__in=[people.alice.pk, people.bob.pk, people.carol.pk]).order_by("pk"))
    sink = start_sink(tmp_path, port=free_port())
    settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT = "django.core.mail.backends.smtp.EmailBackend", "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    try:
        content = content_write(subject="Pay: “an offer”", text="Dear [[first_name]],\nStop: [[unsubscribe_url]]\n", html="<p>Dear [[first_name]]</p><a href=\"[[unsubscribe_url]]\">Stop</a>")
        recipients = [Recipient(key=f"b:{m.pk}", address=m.email, member_id=m.pk, fields={"first_name": m.first_name}) for m in members]
        messages_queue(topic=Topic.BULLETIN, channel=Channel.EMAIL, content=content, recipients=recipients, unsubscribe="bulletins")
    finally:
        sink.stop()
    received = {m["To"]: m for m in (email_parser.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in tmp_path.glob("*.eml"))}
    assert set(received) == {m.email for m in members}
    for member in members:
        copy = received[member.email]
        link = str(copy["List-Unsubscribe"]).split(">")[0].strip().removeprefix("<")
        assert read_token(link.rstrip("/").rpartition("/")[2])[0] == member.pk
        text, html = copy.get_body(("plain",)).get_content().replace("\r\n", "\n"), copy.get_body(("html",)).get_content()
        assert text == f"Dear {member.first_name},\nStop: {link}\n" and f'href="{link}"' in html and f"Dear {member.first_name}" in html
        assert copy["Subject"] == "Pay: “an offer”" and copy["Message-ID"] == Message.objects.get(key=f"b:{member.pk}").provider_id
