"""Reminders go through the outbox to members on the roll who have not
voted: by email unless the address bounced, by text as well if they asked,
never twice, never to a work address in a statutory ballot, and they stop
when members vote or voting closes."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.ballots.test_casting import cast
from tests.unionhall.conftest import sign_in
from unionhall import sms
from unionhall.audit.models import AuditEntry
from unionhall.ballots.models import Reminder, RollEntry
from unionhall.ballots.reminders import cancel_reminder, schedule_reminder, send_due_reminders, send_reminder
from unionhall.members.models import Member
from unionhall.outbox.bounces import flag_address
from unionhall.outbox.models import AddressFlag, Message
from unionhall.refusals import Refused


@pytest.fixture(autouse=True)
def empty_outbox(open_ballot):
    """After the ballot opened and its invitations went out."""
    mail.outbox.clear()
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def soon(ballot, hours=1):
    return timezone.now() + dt.timedelta(hours=hours)


def test_reminders_reach_non_voters_by_email_and_by_text_if_asked_and_nobody_twice(open_ballot, people, crowd):
    cast(open_ballot, people.alice)
    # Not wanting bulletins by email has nothing to do with ballots: crowd[0] gets the email and the text.
    Member.objects.filter(pk=crowd[0].pk).update(bulletins_by_email=False, ballots_by_text=True, phone="07700 900001")
    Member.objects.filter(pk=crowd[1].pk).update(ballots_by_text=True, phone="07700 900002")
    Member.objects.filter(pk=crowd[2].pk).update(email="")  # and no phone: unreachable
    flag_address(address=crowd[3].email, member_id=crowd[3].pk, reason="bounced")  # and no phone: unreachable
    Reminder.objects.filter(kind=Reminder.Kind.INVITATION).update(status=Reminder.Status.SENT)
    reminder = schedule_reminder(ballot=open_ballot, send_at=soon(open_ballot), actor=people.hq.user)
    assert send_due_reminders() == []  # not yet due
    sent = send_reminder(reminder, batch=5)
    waiting = RollEntry.objects.filter(ballot=open_ballot, voted_at__isnull=True).count()
    assert sent.status == Reminder.Status.SENT and (sent.emailed, sent.unreachable) == (waiting - 2, 2)
    to = [m.to[0] for m in mail.outbox if m.subject.startswith("Reminder")]  # alice's vote sent her its tracker
    assert people.alice.email not in to and crowd[0].email in to and crowd[3].email not in to and len(to) == len(set(to)) == waiting - 2
    assert sorted(t.to for t in sms.outbox) == ["07700 900001", "07700 900002"] and sent.texted == 2
    first = next(m for m in mail.outbox if m.to == [crowd[1].email])
    assert "you have not voted yet" in first.body.lower() and f"/ballots/{open_ballot.slug}/" in first.body
    assert first.body.startswith(f"Dear {crowd[1].first_name},") and "List-Unsubscribe" not in first.extra_headers
    message = Message.objects.get(key=f"reminder:{reminder.pk}:member:{crowd[1].pk}:email")
    assert (message.topic, message.status, message.expires_at) == ("ballot_reminder", "sent", open_ballot.closes_at)
    before = len(mail.outbox)
    assert send_reminder(sent).emailed == sent.emailed and len(mail.outbox) == before  # never again
    assert AuditEntry.objects.filter(detail__event="reminder sent").count() == 1


def test_a_stopped_sender_resumes_after_its_last_batch(open_ballot, people, crowd):
    reminder = schedule_reminder(ballot=open_ballot, send_at=soon(open_ballot), actor=people.hq.user)
    entries = list(RollEntry.objects.filter(ballot=open_ballot).order_by("pk"))
    Reminder.objects.filter(pk=reminder.pk).update(status=Reminder.Status.SENDING, done_up_to=entries[4].pk,
                                                   progress_at=timezone.now() - dt.timedelta(hours=1))  # fmt: skip
    send_reminder(reminder)
    to = {m.to[0] for m in mail.outbox}
    assert not to & {e.member.email for e in entries[:5]} and {e.member.email for e in entries[5:]} <= to
    # A sender still making progress is left alone.
    other = schedule_reminder(ballot=open_ballot, send_at=soon(open_ballot, 30), actor=people.hq.user)
    Reminder.objects.filter(pk=other.pk).update(status=Reminder.Status.SENDING, progress_at=timezone.now())
    before = len(mail.outbox)
    assert send_reminder(other).status == Reminder.Status.SENDING and len(mail.outbox) == before


def test_scheduling_rules_and_refusals_change_nothing(open_ballot, people):
    with pytest.raises(Refused, match="between now and the close"):
        schedule_reminder(ballot=open_ballot, send_at=open_ballot.closes_at + dt.timedelta(hours=1), actor=people.hq.user)
    first = schedule_reminder(ballot=open_ballot, send_at=soon(open_ballot), actor=people.hq.user)
    with pytest.raises(Refused, match="a day apart"):
        schedule_reminder(ballot=open_ballot, send_at=soon(open_ballot, 5), actor=people.hq.user)
    cancel_reminder(reminder=first, actor=people.hq.user)
    with pytest.raises(Refused, match="not started"):
        cancel_reminder(reminder=first, actor=people.hq.user)
    assert Reminder.objects.filter(kind=Reminder.Kind.REMINDER, status=Reminder.Status.SCHEDULED).count() == 0
    assert send_reminder(first).status == Reminder.Status.CANCELLED and not mail.outbox


def test_hq_schedules_from_the_ballot_page_and_others_cannot(client, open_ballot, people):
    url = reverse("ballot_manage", args=[open_ballot.slug])
    when = timezone.localtime(soon(open_ballot, 2)).strftime("%Y-%m-%dT%H:%M")
    sign_in(client, people.carol)
    assert client.post(url, {"action": "remind", "send_at": when}).status_code == 403
    sign_in(client, people.hq)
    page = client.post(url, {"action": "remind", "send_at": "soon"}, follow=True).content.decode()
    reminders = Reminder.objects.filter(kind=Reminder.Kind.REMINDER)
    assert "Give the date and time" in page and not reminders.exists()
    page = client.post(url, {"action": "remind", "send_at": when}, follow=True).content.decode()
    assert reminders.count() == 1 and "A reminder will go to everyone who has not voted" in page



class RefusingBackend(locmem.EmailBackend):
    """A mail server that refuses one address, as a real one can."""

    refuse = ""

    def send_messages(self, messages):
        if any(RefusingBackend.refuse in m.to for m in messages):
            raise smtplib.SMTPRecipientsRefused({RefusingBackend.refuse: (550, b"no such mailbox")})
        return super().send_messages(messages)


def test_an_address_the_server_refuses_is_flagged_never_retried_and_the_rest_still_go(open_ballot, people, crowd, settings):
    settings.EMAIL_BACKEND = "tests.unionhall.ballots.test_reminders.RefusingBackend"
    RefusingBackend.refuse = crowd[3].email
    reminder = schedule_reminder(ballot=open_ballot, send_at=soon(open_ballot), actor=people.hq.user)
    sent = send_reminder(reminder, batch=4)
    waiting = RollEntry.objects.filter(ballot=open_ballot, voted_at__isnull=True).count()
    assert sent.status == Reminder.Status.SENT and sent.emailed == waiting
    assert crowd[3].email not in {m.to[0] for m in mail.outbox} and len(mail.outbox) == waiting - 1
    refused = Message.objects.get(key=f"reminder:{reminder.pk}:member:{crowd[3].pk}:email")
    assert refused.status == "bounced" and "no such mailbox" in refused.last_error
    assert AddressFlag.objects.get(member=crowd[3]).email == crowd[3].email
    later = schedule_reminder(ballot=open_ballot, send_at=soon(open_ballot, 30), actor=people.hq.user)
    assert send_reminder(later).unreachable == 1  # the next reminder does not try the address again


def test_a_statutory_ballot_never_reminds_anyone_at_a_work_address(open_ballot, people, crowd):
    from tests.unionhall.mandates.conftest import make_statutory

    make_statutory(open_ballot, employer_email_domains="pps.example.gov.uk")
    Member.objects.filter(pk=crowd[0].pk).update(email="n00@pps.example.gov.uk")
    Member.objects.filter(pk=crowd[1].pk).update(email="n01@probation.pps.example.gov.uk", ballots_by_text=True, phone="07700 900009")
    reminder = schedule_reminder(ballot=open_ballot, send_at=soon(open_ballot), actor=people.hq.user)
    sent = send_reminder(reminder)
    to = {m.to[0] for m in mail.outbox}
    assert not any(address.endswith("pps.example.gov.uk") for address in to) and crowd[2].email in to
    assert not Message.objects.filter(address__iendswith="pps.example.gov.uk").exists()
    assert [t.to for t in sms.outbox] == ["07700 900009"] and sent.unreachable == 1  # crowd[1] by text only
