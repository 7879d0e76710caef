"""A bounced address gets no email, for anything, until the member changes
it or an officer clears the flag; bounce messages for a plain SMTP relay
feed the same handling."""

from django.core import mail
from django.core.management import call_command

from unionhall.audit.models import AuditEntry
from unionhall.members.services import member_update_contact
from unionhall.outbox.bounces import address_flag_clear, bounce_record, read_bounce_message
from unionhall.outbox.models import AddressFlag, Message, Topic
from unionhall.outbox.services import email_queue


def code_to(member):
    """The sign-in code as it stands once the (immediate) send task has run: email_queue returns it as queued."""
    message = email_queue(topic=Topic.SIGN_IN, to=member.email, subject="Your sign-in code", text="123456", member_id=member.pk)
    assert message.status == "queued"
    message.refresh_from_db()
    return message


def test_a_bounce_stops_every_kind_of_email_to_the_address(people):
    tracker = email_queue(topic=Topic.BALLOT_TRACKER, to=people.alice.email, subject="Your tracker", text="t-1", member_id=people.alice.pk)
    outcome = bounce_record(address=people.alice.email, reason="550 no such user", message=tracker)
    assert (outcome.flags, outcome.message_id) == (1, tracker.pk) and Message.objects.get(pk=tracker.pk).status == "bounced"
    mail.outbox.clear()
    for topic in (Topic.SIGN_IN, Topic.BALLOT_INVITATION, Topic.ELECTION_NOTICE, Topic.BULLETIN):
        assert email_queue(topic=topic, to=people.alice.email, subject="x", text="y", member_id=people.alice.pk).status == "suppressed"
    assert not mail.outbox
    assert AuditEntry.objects.filter(subject_type="members.member", subject_id=str(people.alice.pk), detail__event="email address flagged as bouncing").count() == 1
    assert bounce_record(address=people.alice.email, reason="550 again", message=tracker).flags == 0  # the same bounce again changes nothing


def test_email_resumes_when_the_member_changes_their_address(people):
    bounce_record(address=people.alice.email, reason="bounced", member_ids=[people.alice.pk])
    member_update_contact(member=people.alice, actor=people.alice.user, changed={"email": "alice.new@example.org"})
    assert code_to(people.alice).status == "sent" and mail.outbox[-1].to == ["alice.new@example.org"]


def test_email_resumes_when_an_officer_clears_the_flag_and_the_clearing_is_audited(people):
    bounce_record(address=people.alice.email, reason="mailbox full", member_ids=[people.alice.pk])
    flag = AddressFlag.objects.get()
    assert address_flag_clear(flag=flag, actor=people.hq.user)
    assert not address_flag_clear(flag=flag, actor=people.hq.user)  # once
    assert AuditEntry.objects.filter(actor=people.hq.user, detail__event="bounce flag cleared").count() == 1
    assert code_to(people.alice).status == "sent"


def test_the_clear_bounce_command_clears_an_address(people, capsys):
    bounce_record(address=people.alice.email, reason="bounced", member_ids=[people.alice.pk])
    call_command("clear_bounce", people.alice.email.upper())
    assert "1 flag(s) cleared" in capsys.readouterr().out and code_to(people.alice).status == "sent"


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

Final-Recipient: rfc822; a1@example.org
Action: failed
Status: 5.1.1

--B
Content-Type: text/rfc822-headers

From: unionhall <noreply@unionhall.invalid>
To: a1@example.org
Subject: Your tracker
Message-ID: MESSAGE_ID

--B--
"""


def test_a_bounce_message_quoting_our_message_id_marks_that_message(people, tmp_path, capsys):
    first = email_queue(topic=Topic.BALLOT_TRACKER, to=people.alice.email, subject="Your tracker", text="t-1", member_id=people.alice.pk)
    second = email_queue(topic=Topic.NOTICE, to=people.alice.email, subject="Later", text="t-2", member_id=people.alice.pk)
    first.refresh_from_db()
    raw = DSN.replace(b"MESSAGE_ID", first.provider_id.encode())
    assert read_bounce_message(raw).message_ids == [first.provider_id]
    path = tmp_path / "bounce.eml"
    path.write_bytes(raw)
    call_command("ingest_bounces", str(path))
    assert "1 address(es) flagged" in capsys.readouterr().out
    statuses = dict(Message.objects.values_list("pk", "status"))
    assert (statuses[first.pk], statuses[second.pk]) == ("bounced", "sent")  # the one that bounced, not the last one sent
    assert AddressFlag.objects.get().member_id == people.alice.pk
