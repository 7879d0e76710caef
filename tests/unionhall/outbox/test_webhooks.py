"""Providers' tracking webhooks (through django-anymail) feed the same bounce
handling: a signed or authenticated bounce or complaint flags the address;
a request that is unsigned, wrongly signed or wrongly authenticated is
refused and changes nothing. The requests are built as each provider sends
them, as anymail's own tests do."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.core import mail
from django.test import Client

from unionhall.audit.models import AuditEntry
from unionhall.outbox.models import AddressFlag, Message, Topic
from unionhall.outbox.services import email_queue

SECRET = "webhookuser:webhookpassword0123"
SIGNING_KEY = "mailgun-signing-key-for-tests"
POSTMARK = "/outbox/anymail/postmark/tracking/"
MAILGUN = "/outbox/anymail/mailgun/tracking/"


def basic_auth(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


@pytest.fixture
def anymail(settings, provider):
    settings.ANYMAIL = {"WEBHOOK_SECRET": [SECRET], "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    return settings.ANYMAIL


@pytest.fixture
def sent(people, anymail):
    """A tracker emailed to Alice through the provider."""
    message = email_queue(topic=Topic.BALLOT_TRACKER, to=people.alice.email, subject="Your tracker", text="t-1", member_id=people.alice.pk)
    message.refresh_from_db()
    assert message.status == "sent" and message.provider_id.startswith("esp-")
    return message


def postmark_bounce(message, **extra) -> dict:
    return {
        "RecordType": "Bounce", "Type": "HardBounce", "TypeCode": 1, "ID": 4323372036854775807, "MessageID": message.provider_id,
        "Email": message.address, "BouncedAt": "2026-12-01T10:00:00Z", "Description": "The server was unable to deliver your message",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.", "Metadata": {}, **extra,
    }  # fmt: skip


def post(url: str, payload: dict, **headers):
    return Client(enforce_csrf_checks=True).post(url, data=json.dumps(payload), content_type="application/json", **headers)


def nothing_changed(message) -> bool:
    return not AddressFlag.objects.exists() and Message.objects.get(pk=message.pk).status == "sent" and not AuditEntry.objects.filter(detail__event="email address flagged as bouncing").exists()


def test_a_postmark_bounce_with_the_shared_secret_flags_the_address_and_marks_the_message(sent, people):
    response = post(POSTMARK, postmark_bounce(sent), HTTP_AUTHORIZATION=basic_auth(SECRET))
    assert response.status_code == 200
    flag = AddressFlag.objects.get()
    assert (flag.member_id, flag.email) == (people.alice.pk, people.alice.email) and "Postmark reported bounced" in flag.reason
    assert Message.objects.get(pk=sent.pk).status == "bounced"
    mail.outbox.clear()
    assert email_queue(topic=Topic.SIGN_IN, to=people.alice.email, subject="Code", text="1").status == "suppressed" and not mail.outbox


def test_a_spam_complaint_flags_the_address_too(sent):
    complaint = postmark_bounce(sent, RecordType="SpamComplaint", Type="SpamComplaint", TypeCode=512)
    assert post(POSTMARK, complaint, HTTP_AUTHORIZATION=basic_auth(SECRET)).status_code == 200
    assert "complained" in AddressFlag.objects.get().reason


@pytest.mark.parametrize("headers", [{}, {"HTTP_AUTHORIZATION": basic_auth("webhookuser:wrong")}], ids=["unsigned", "wrong secret"])
def test_a_postmark_webhook_without_the_secret_is_refused_and_changes_nothing(sent, headers):
    assert post(POSTMARK, postmark_bounce(sent), **headers).status_code == 400
    assert nothing_changed(sent)


def test_with_no_secret_configured_every_webhook_is_refused(sent, settings):
    settings.ANYMAIL = {}  # anymail itself would accept it, with a warning
    with pytest.warns(Warning):
        assert post(POSTMARK, postmark_bounce(sent)).status_code == 400
    assert nothing_changed(sent)


def mailgun_event(message, *, key: str = SIGNING_KEY) -> dict:
    timestamp, token = str(int(time.time())), "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "event": "failed", "severity": "permanent", "reason": "bounce", "recipient": message.address, "timestamp": time.time(),
            "id": "G9Bn5sl1TC6nu79C8C0bwg", "message": {"headers": {"message-id": message.provider_id}},
            "user-variables": {"outbox_message": str(message.pk)},
            "delivery-status": {"code": 550, "message": "5.1.1 no such user", "description": "Not delivered"},
        },
    }  # fmt: skip


def test_a_mailgun_bounce_with_a_valid_signature_flags_the_address(sent, people):
    response = post(MAILGUN, mailgun_event(sent), HTTP_AUTHORIZATION=basic_auth(SECRET))
    assert response.status_code == 200
    assert AddressFlag.objects.get().member_id == people.alice.pk and Message.objects.get(pk=sent.pk).status == "bounced"


def test_a_mailgun_bounce_with_a_forged_signature_is_refused_and_changes_nothing(sent):
    response = post(MAILGUN, mailgun_event(sent, key="not-the-signing-key"), HTTP_AUTHORIZATION=basic_auth(SECRET))
    assert response.status_code == 400 and nothing_changed(sent)
