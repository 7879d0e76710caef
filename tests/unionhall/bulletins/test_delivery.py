"""Releasing a scheduled bulletin, emailing its audience through the outbox
(one message per member and channel, retries, bounces), one-click
unsubscribing, the delivery report and the postal list."""

import csv
import datetime as dt
import email
import io
import smtplib

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.bulletins.conftest import BASE_URL, NOW, publish
from tests.unionhall.bulletins.mailbackends import FailingBackend
from tests.unionhall.conftest import make_member, sign_in
from tests.unionhall.test_mailsink import free_port
from unionhall.audit.models import Action, AuditEntry
from unionhall.bulletins import delivery
from unionhall.bulletins.models import Audience, Bulletin, Delivery, Reader
from unionhall.mailsink import start_sink
from unionhall.members.models import Member
from unionhall.outbox import sending
from unionhall.outbox.models import AddressFlag, Message
from unionhall.outbox.unsubscribe import token_for

FAILING = "tests.unionhall.bulletins.mailbackends.FailingBackend"


@pytest.fixture
def failing(settings):
    settings.EMAIL_BACKEND = FAILING
    FailingBackend.failures = []
    yield FailingBackend.failures
    FailingBackend.failures = []


def messages(bulletin, **filters):
    return Message.objects.filter(about_type="bulletins.bulletin", about_id=bulletin.pk, **filters)


def emailed(bulletin) -> set[str]:
    return set(messages(bulletin, channel="email", status="sent").values_list("address", flat=True))


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


# --- Scheduling ------------------------------------------------------------------------------


def test_a_scheduled_bulletin_is_released_and_sent_only_once_its_time_has_passed(blog, people):
    bulletin = publish(blog, people.hq, publish_at=NOW + dt.timedelta(days=2))
    assert delivery.release_due_bulletins(now=NOW + dt.timedelta(days=1)) == 0
    bulletin.refresh_from_db()
    assert bulletin.released_at is None and not Message.objects.exists() and not mail.outbox

    assert delivery.release_due_bulletins(now=NOW + dt.timedelta(days=2, seconds=1)) == 1
    bulletin.refresh_from_db()
    assert bulletin.released_at is not None
    assert len(mail.outbox) == Member.objects.count() == 8
    assert delivery.release_due_bulletins(now=NOW + dt.timedelta(days=3)) == 0 and len(mail.outbox) == 8


def test_the_send_bulletins_command_releases_what_is_due(blog, people, capsys):
    bulletin = publish(blog, people.hq, publish_at=timezone.now() + dt.timedelta(hours=1))
    call_command("send_bulletins")
    assert "0 bulletin(s) released" in capsys.readouterr().out and not mail.outbox
    Bulletin.objects.filter(pk=bulletin.pk).update(publish_at=timezone.now() - dt.timedelta(seconds=1))  # time passes
    call_command("send_bulletins")
    assert "1 bulletin(s) released" in capsys.readouterr().out and len(mail.outbox) == 8


def test_a_bulletin_already_due_is_sent_when_published(blog, people):
    bulletin = publish(blog, people.hq)
    assert emailed(bulletin) == {m.email for m in Member.objects.all()}


def test_a_bulletin_for_the_web_only_is_not_emailed(blog, people):
    publish(blog, people.hq, by_email=False)
    assert not mail.outbox and not Message.objects.filter(channel="email").exists()


# --- Audience, preferences and the rows ------------------------------------------------------


def test_only_the_audience_is_emailed_and_preferences_are_respected(blog, people, union):
    Member.objects.filter(pk=people.carol.pk).update(bulletins_by_email=False)
    Reader.objects.create(member=people.dave, weekly_digest=True)
    lapsed = make_member("L1", union.north, status=Member.Status.LAPSED)
    bulletin = publish(blog, people.hq, audience=Audience.ACTIVISTS)
    # Offices: bob, carol, dave, gina, hq. Carol opted out, Dave takes the digest.
    assert recipients() == sorted([people.bob.email, people.gina.email, people.hq.email])
    assert lapsed.email not in emailed(bulletin)


def test_members_without_email_or_who_chose_post_are_on_the_postal_list(blog, people, union):
    no_email = make_member("P1", union.north, email="", address_line1="1 Mill Lane", postcode="NN1 1AA")
    Member.objects.filter(pk=people.erin.pk).update(bulletins_by_post=True)
    bulletin = publish(blog, people.hq)
    postal = set(messages(bulletin, channel="post", status="postal").values_list("member_id", flat=True))
    assert postal == {no_email.pk, people.erin.pk}
    assert people.erin.email in emailed(bulletin)  # post as well as email: both were asked for


def test_fanning_out_again_neither_duplicates_nor_resends(blog, people):
    bulletin = publish(blog, people.hq)
    rows, sent = Message.objects.count(), len(mail.outbox)
    delivery.fan_out(bulletin)
    sending.send_batch(list(Message.objects.values_list("pk", flat=True)))
    assert Message.objects.count() == rows and len(mail.outbox) == sent


def test_a_message_another_worker_claimed_is_not_sent_again(blog, people, failing):
    failing.append(smtplib.SMTPServerDisconnected("gone"))
    bulletin = publish(blog, people.hq)  # the first send fails and waits for a retry
    waiting = messages(bulletin).get(status="queued")
    Message.objects.filter(pk=waiting.pk).update(status="sending")  # another worker has it
    sending.send_batch([waiting.pk], now=NOW + dt.timedelta(hours=1))
    assert waiting.address not in recipients()


def test_a_send_interrupted_mid_batch_is_reported_failed_not_sent_again(blog, people):
    bulletin = publish(blog, people.hq)
    row = messages(bulletin, channel="email").first()
    Message.objects.filter(pk=row.pk).update(status="sending", next_attempt_at=timezone.now() - dt.timedelta(minutes=30))
    assert sending.fail_interrupted() == 0  # a worker may still be on it
    Message.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - dt.timedelta(hours=2))
    mail.outbox.clear()
    call_command("send_bulletins")
    row.refresh_from_db()
    assert row.status == "failed" and "interrupted" in row.last_error and not mail.outbox


# --- The message -------------------------------------------------------------------------------


def test_the_email_has_text_and_html_and_one_click_unsubscribe_headers(blog, people):
    publish(blog, people.hq, title="Pay <talks>", body="We *met* the employer.\n\n<script>alert(1)</script>")
    message = next(m for m in mail.outbox if m.to == [people.alice.email])
    html = dict((mime, content) for content, mime in message.alternatives)["text/html"]
    assert "Pay <talks>" in message.subject and "We *met* the employer." in message.body
    assert "<em>met</em>" in html and "<script>" not in html and "Pay &lt;talks&gt;" in html
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{BASE_URL}/outbox/unsubscribe/") and "<mailto:unsubscribe@" in unsubscribe
    assert unsubscribe.split(">")[0].removeprefix("<") in message.body and "[[" not in message.body + html  # the member's own link in the text
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"{BASE_URL}/bulletins/gs-blog/1/" in message.body


def _unsubscribe_url(message) -> str:
    return message.extra_headers["List-Unsubscribe"].split(">")[0].removeprefix("<").removeprefix(BASE_URL)


def test_one_click_unsubscribe_works_without_signing_in_or_a_csrf_token_and_twice(blog, people):
    publish(blog, people.hq)
    url = _unsubscribe_url(next(m for m in mail.outbox if m.to == [people.alice.email]))
    client = Client(enforce_csrf_checks=True)
    assert client.get(url).status_code == 200
    assert Member.objects.get(pk=people.alice.pk).bulletins_by_email  # a link scanner's GET changes nothing
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Member.objects.get(pk=people.alice.pk).bulletins_by_email
    assert client.post(url).status_code == 200  # idempotent
    assert AuditEntry.objects.filter(subject_type="members.member", subject_id=str(people.alice.pk), detail__fields=["bulletins_by_email"]).count() == 1
    mail.outbox.clear()
    publish(blog, people.hq)
    assert people.alice.email not in recipients() and people.bob.email in recipients()


def test_a_forged_unsubscribe_token_is_refused_and_changes_nothing(blog, people):
    token = token_for(member_id=people.alice.pk, list_key="bulletins")
    for name in ("outbox_unsubscribe", "bulletin_unsubscribe"):
        response = Client().post(reverse(name, args=[token[:-2] + "xx"]))
        assert response.status_code == 404 and Member.objects.get(pk=people.alice.pk).bulletins_by_email
    assert not AuditEntry.objects.filter(action=Action.CHANGE, subject_type="members.member").exists()


def test_a_link_from_a_bulletin_sent_before_the_outbox_still_unsubscribes(blog, people):
    from django.core import signing

    old = signing.dumps({"m": people.alice.pk, "k": "bulletins"}, salt="unionhall.bulletins.unsubscribe")
    assert Client().post(reverse("bulletin_unsubscribe", args=[old])).status_code == 200
    assert not Member.objects.get(pk=people.alice.pk).bulletins_by_email


# --- Retries and bounces -----------------------------------------------------------------------


def test_a_transient_smtp_error_is_retried_with_backoff(blog, people, failing):
    failing.append(smtplib.SMTPServerDisconnected("connection dropped"))
    bulletin = publish(blog, people.hq)
    waiting = messages(bulletin).get(status="queued")
    assert waiting.attempts == 1 and "connection dropped" in waiting.last_error
    assert waiting.next_attempt_at - waiting.queued_at >= dt.timedelta(seconds=sending.RETRY_BASE_S)
    assert len(mail.outbox) == 7  # the others went out

    assert "sent" not in sending.send_due(now=waiting.queued_at)  # not yet due: nothing sent
    assert sending.send_due(now=waiting.next_attempt_at)["sent"] == 1
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts) == ("sent", 2) and recipients().count(waiting.address) == 1


def test_a_message_fails_for_good_after_the_last_attempt(blog, people, failing):
    failing.append(smtplib.SMTPResponseException(451, b"try later"))
    bulletin = publish(blog, people.hq)
    row = messages(bulletin).get(status="queued")
    failing.extend(smtplib.SMTPResponseException(451, b"try later") for _ in range(sending.MAX_ATTEMPTS - 1))
    at = row.next_attempt_at
    for _ in range(sending.MAX_ATTEMPTS - 1):
        sending.send_batch([row.pk], now=at)
        row.refresh_from_db()
        at = row.next_attempt_at
    assert (row.status, row.attempts) == ("failed", sending.MAX_ATTEMPTS) and "try later" in row.last_error


def test_a_refused_recipient_bounces_and_the_member_goes_on_the_postal_list(blog, people, failing):
    failing.append(smtplib.SMTPRecipientsRefused({people.alice.email: (550, b"no such user")}))
    first = publish(blog, people.hq, audience=Audience.CHOSEN, branches=[people.alice.branch], grades=["OTHER"])
    assert messages(first).get(member=people.alice, channel="email").status == "bounced"
    flag = AddressFlag.objects.get()
    assert flag.member_id == people.alice.pk and flag.email == people.alice.email
    second = publish(blog, people.hq)
    assert messages(second).filter(member=people.alice).get().channel == "post"
    people.alice.email = "alice.new@example.org"
    people.alice.save()
    third = publish(blog, people.hq)
    assert "alice.new@example.org" in emailed(third)  # a corrected address is used again


DSN = b"""From: MAILER-DAEMON@mx.example.net
To: noreply@unionhall.invalid
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; A1@example.org
Action: failed
Status: 5.1.1

Final-Recipient: rfc822; someone@example.org
Action: delayed
Status: 4.4.1

--B--
"""


def test_a_dsn_flags_the_failed_recipient_and_ignores_a_delay(blog, people, tmp_path, capsys):
    bulletin = publish(blog, people.hq)
    path = tmp_path / "bounce.eml"
    path.write_bytes(DSN)
    call_command("ingest_bounces", str(path))
    assert "1 address(es) flagged" in capsys.readouterr().out
    assert list(AddressFlag.objects.values_list("member_id", flat=True)) == [people.alice.pk]
    assert messages(bulletin).get(member=people.alice, channel="email").status == "bounced"
    assert Delivery.objects.get(bulletin=bulletin, member=people.alice, channel="email").status == "bounced"  # the old window on it agrees


def test_a_csv_of_bounces_names_the_addresses_that_match_nobody(people, tmp_path, capsys):
    path = tmp_path / "bounces.csv"
    path.write_text("email,reason\nE1@example.org,550\nnobody@example.org,550\n")
    call_command("ingest_bounces", str(path))
    call_command("ingest_bounces", str(path))
    out = capsys.readouterr().out
    assert "no member has the address nobody@example.org (flagged all the same" in out and "2 already flagged" in out
    assert AddressFlag.objects.get(member__isnull=False).member_id == people.erin.pk
    assert AddressFlag.objects.get(member__isnull=True).key == "nobody@example.org"  # no mail goes there either


def test_the_member_and_officers_in_remit_see_a_flagged_address(client, people):
    delivery.do_ingest_bounces([people.alice.email], source="test")
    sign_in(client, people.alice, mfa=False)
    assert "Your email address needs correcting" in client.get(reverse("bulletin_settings")).content.decode()
    client.logout()
    sign_in(client, people.carol)  # North's secretary
    assert people.alice.full_name in client.get(reverse("bulletin_address_flags")).content.decode()
    client.logout()
    sign_in(client, people.dave)  # South's secretary
    page = client.get(reverse("bulletin_address_flags")).content.decode()
    assert people.alice.full_name not in page and "No address needs correcting" in page
    assert AuditEntry.objects.filter(actor=people.dave.user, action=Action.VIEW, detail__page="addresses needing correction").exists()


# --- Report and postal list --------------------------------------------------------------------


def test_hq_sees_the_delivery_report_and_a_branch_officer_is_refused(client, blog, people, failing):
    failing.append(smtplib.SMTPRecipientsRefused({"x": (550, b"unknown user")}))
    bulletin = publish(blog, people.hq)
    sign_in(client, people.hq)
    page = client.get(reverse("bulletin_delivery", args=[bulletin.pk])).content.decode()
    assert '<dd id="count-sent">7</dd>' in page and '<dd id="count-bounced">1</dd>' in page and "unknown user" in page
    client.logout()
    sign_in(client, people.carol)
    assert client.get(reverse("bulletin_delivery", args=[bulletin.pk])).status_code == 403


def test_the_postal_list_is_a_post_only_audited_csv_safe_for_spreadsheets(client, blog, people, union):
    make_member("P1", union.north, email="", first_name="=HYPERLINK(1)", address_line1="@1 Mill Lane", postcode="NN1 1AA")
    Member.objects.filter(pk=people.erin.pk).update(bulletins_by_post=True)
    bulletin = publish(blog, people.hq)
    sign_in(client, people.hq)
    url = reverse("bulletin_postal_export", args=[bulletin.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_number = {row["membership_number"]: row for row in rows}
    assert set(by_number) == {"P1", "E1"}
    assert by_number["P1"]["first_name"] == "'=HYPERLINK(1)" and by_number["P1"]["address_line1"] == "'@1 Mill Lane"
    assert (by_number["P1"]["why_by_post"], by_number["E1"]["why_by_post"]) == ("no email address", "chose post")
    entry = AuditEntry.objects.get(action=Action.EXPORT, actor=people.hq.user)
    assert entry.detail["count"] == 2 and entry.detail["filters"]["channel"] == "post"
    client.logout()
    sign_in(client, people.carol)
    assert client.post(url).status_code == 403


def test_a_bulletin_is_delivered_to_a_real_smtp_server_on_loopback(blog, people, settings, tmp_path):
    sink = start_sink(tmp_path, port=free_port())
    settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT = "django.core.mail.backends.smtp.EmailBackend", "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    try:
        bulletin = publish(blog, people.hq, title="Caseload cap")
    finally:
        sink.stop()
    received = [email.message_from_bytes(path.read_bytes()) for path in tmp_path.glob("*.eml")]
    assert sorted(m["To"] for m in received) == sorted(Member.objects.values_list("email", flat=True))
    assert all("Caseload cap" in m["Subject"] and m["List-Unsubscribe-Post"] for m in received)
    sent = messages(bulletin, status="sent")
    assert sent.count() == 8 and {m["Message-ID"] for m in received} == set(sent.values_list("provider_id", flat=True))


def test_an_email_carried_over_from_before_the_outbox_is_sent_when_the_fan_out_resumes(blog, people, capsys):
    bulletin = publish(blog, people.hq, by_email=False)  # released; its emails as the migration left them:
    Message.objects.create(key=f"bulletin:{bulletin.pk}:member:{people.alice.pk}:email", topic="bulletin", status="queued", member=people.alice,
                           address=people.alice.email, unsubscribe="bulletins", about_type="bulletins.bulletin", about_id=bulletin.pk,
                           queued_at=timezone.now(), next_attempt_at=timezone.now())  # fmt: skip
    Bulletin.objects.filter(pk=bulletin.pk).update(by_email=True)
    call_command("send_bulletins")
    assert "1 fan-out(s) resumed" in capsys.readouterr().out
    assert [m.to for m in mail.outbox if m.to == [people.alice.email]] == [[people.alice.email]]
    assert messages(bulletin).get(member=people.alice, channel="email").status == "sent"
