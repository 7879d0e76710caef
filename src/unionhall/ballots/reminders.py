"""Reminders to vote: HQ schedules them while a ballot is open; at each one's
time, every member on the roll who has not voted gets one message by email,
by text, or both, as they have chosen in their preferences. For a statutory
ballot a work email address is never used (``turnout.non_voters``).

``manage.py send_reminders`` sends what is due (run it every few minutes from
cron or a systemd timer). Messages go out in batches over one connection, each
batch recorded as done before the next, so a sender that stops part-way
resumes without sending anything twice, and 60,000 reminders take minutes."""

import datetime as dt
import secrets
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.ballots.models import Ballot, Reminder
from unionhall.ballots.turnout import non_voters
from unionhall.members.remit import Remit
from unionhall.refusals import Refused
from unionhall.sms import TextMessage, send_texts

MAX_REMINDERS = 5
MIN_GAP = dt.timedelta(hours=24)
BATCH = 500
STALLED = dt.timedelta(minutes=10)


def check_schedule(*, ballot: Ballot, send_at: dt.datetime, now: dt.datetime) -> None:
    if ballot.status != Ballot.Status.OPEN:
        raise Refused("Reminders can be scheduled only while the ballot is open.", status=409)
    if not now <= send_at < ballot.closes_at:
        raise Refused("Choose a time between now and the close of voting.")
    planned = list(ballot.reminders.filter(kind=Reminder.Kind.REMINDER).exclude(status=Reminder.Status.CANCELLED).values_list("send_at", flat=True))
    if len(planned) >= MAX_REMINDERS:
        raise Refused(f"A ballot can have at most {MAX_REMINDERS} reminders: members should not feel hounded.")
    if any(abs(send_at - other) < MIN_GAP for other in planned):
        raise Refused("Reminders must be at least a day apart.")


@transaction.atomic
def schedule_reminder(*, ballot: Ballot, send_at: dt.datetime, actor, now: dt.datetime | None = None) -> Reminder:
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    check_schedule(ballot=ballot, send_at=send_at, now=now or timezone.now())
    reminder = Reminder.objects.create(ballot=ballot, send_at=send_at, created_by=actor)
    audit_record(actor=actor, action=Action.CHANGE, subject=ballot, detail={"event": "reminder scheduled", "send_at": send_at.isoformat()})
    return reminder


@transaction.atomic
def cancel_reminder(*, reminder: Reminder, actor) -> None:
    reminder = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if reminder.status != Reminder.Status.SCHEDULED:
        raise Refused("Only a reminder that has not started sending can be cancelled.", status=409)
    reminder.status = Reminder.Status.CANCELLED
    reminder.save(update_fields=["status"])
    audit_record(actor=actor, action=Action.CHANGE, subject=reminder.ballot, detail={"event": "reminder cancelled", "send_at": reminder.send_at.isoformat()})


def _email(reminder: Reminder, first_name: str, address: str) -> EmailMessage:
    ballot = reminder.ballot
    link = f"{settings.UNIONHALL_BASE_URL}/ballots/{ballot.slug}/"
    closes = timezone.localtime(ballot.closes_at)
    if reminder.kind == Reminder.Kind.INVITATION:
        subject, opening = f"Vote now: “{ballot.title}”", f"Voting is open in “{ballot.title}”, and you are entitled to vote."
        why = "You are receiving this because you are on the ballot's roll."
    else:
        subject, opening = f"Reminder: vote in “{ballot.title}”", f"You have not voted yet in “{ballot.title}”."
        why = "You are receiving this because you are on the ballot's roll and have not voted; once you vote, the reminders stop."
    body = (
        f"Dear {first_name},\n\n{opening} Voting closes on {closes:%-d %B at %H:%M}.\n\n"
        f"Vote here: {link}\n\nYour vote is secret: nobody, including the union, can see how you voted. {why}\n"
    )
    return EmailMessage(subject=subject, body=body, to=[address])


def _text(reminder: Reminder, phone: str) -> TextMessage:
    ballot = reminder.ballot
    closes = timezone.localtime(ballot.closes_at)
    what = "voting is open in" if reminder.kind == Reminder.Kind.INVITATION else "you have not voted yet in"
    return TextMessage(phone, f"Your union: {what} “{ballot.title}”. Voting closes {closes:%-d %b %H:%M}. "
                              f"{settings.UNIONHALL_BASE_URL}/ballots/{ballot.slug}/")  # fmt: skip


def _send_emails(connection, emails: list[EmailMessage]) -> int:
    """Send each message; one the mail server refuses (a bad address) is
    counted, not retried, so it cannot hold up the rest or be sent again.
    Any other error (the server is down) stops the batch, to be resumed."""
    refused = 0
    for message in emails:
        try:
            connection.send_messages([message])
        except smtplib.SMTPRecipientsRefused:
            refused += 1
    return refused


def send_reminder(reminder: Reminder, *, batch: int = BATCH) -> Reminder:
    """Send one reminder to everyone on the roll who has not voted, resuming
    where an earlier attempt stopped."""
    now = timezone.now()
    # Claim it: one sender at a time. A sender that has made no progress for
    # STALLED is taken to have stopped, and another resumes after its last
    # batch; the stopped one, if it wakes, finds its claim gone and stops.
    claim = secrets.token_hex(8)
    claimed = Reminder.objects.filter(pk=reminder.pk).filter(
        Q(status=Reminder.Status.SCHEDULED) | Q(status=Reminder.Status.SENDING, progress_at__lt=now - STALLED)
    ).update(status=Reminder.Status.SENDING, progress_at=now, sender=claim)
    reminder = Reminder.objects.select_related("ballot").get(pk=reminder.pk)
    if not claimed:
        return reminder
    ballot = reminder.ballot
    waiting = non_voters(ballot, Remit(everyone=True)).order_by("pk").values_list(
        "pk", "member__first_name", "reminder_email", "member__wants_email", "member__phone", "member__wants_sms"
    )  # fmt: skip
    connection = get_connection()
    connection.open()  # one connection for every batch
    try:
        return _send_batches(reminder, ballot, waiting, connection, claim, batch)
    finally:
        connection.close()


def _send_batches(reminder: Reminder, ballot: Ballot, waiting, connection, claim: str, batch: int) -> Reminder:
    while ballot.status == Ballot.Status.OPEN:
        rows = list(waiting.filter(pk__gt=reminder.done_up_to)[:batch])
        if not rows:
            break
        # An invitation goes to every usable address; reminders follow each member's preferences.
        invitation = reminder.kind == Reminder.Kind.INVITATION
        emails = [_email(reminder, first, address) for _, first, address, wants, _, _ in rows if address and (wants or invitation)]
        texts = [_text(reminder, phone) for _, _, _, _, phone, wants in rows if phone and wants]
        reached = {pk for pk, _, address, wants_email, phone, wants_sms in rows if (address and (wants_email or invitation)) or (phone and wants_sms)}
        refused = _send_emails(connection, emails)
        send_texts(texts)
        mine = Reminder.objects.filter(pk=reminder.pk, sender=claim).update(
            done_up_to=rows[-1][0], progress_at=timezone.now(), emailed=F("emailed") + len(emails) - refused,
            texted=F("texted") + len(texts), unreachable=F("unreachable") + len(rows) - len(reached) + refused,
        )  # fmt: skip
        if not mine:  # another sender took over: it goes on from its own progress
            return Reminder.objects.get(pk=reminder.pk)
        reminder.refresh_from_db()
        ballot.refresh_from_db(fields=["status"])
    if not Reminder.objects.filter(pk=reminder.pk, sender=claim).update(status=Reminder.Status.SENT, sent_at=timezone.now()):
        return Reminder.objects.get(pk=reminder.pk)
    reminder.refresh_from_db()
    audit_record(actor=None, action=Action.CHANGE, subject=ballot,
                 detail={"event": f"{reminder.kind} sent", "emailed": reminder.emailed, "texted": reminder.texted, "unreachable": reminder.unreachable})  # fmt: skip
    return reminder


@task()
def send_invitations(*, reminder_id: int) -> None:
    send_reminder(Reminder.objects.get(pk=reminder_id))


def invite(ballot: Ballot) -> Reminder:
    """Queue the invitations of a ballot that has just opened; they are sent by
    the task worker once the opening commits."""
    invitation = Reminder.objects.create(ballot=ballot, kind=Reminder.Kind.INVITATION, send_at=ballot.roll_frozen_at or timezone.now())
    transaction.on_commit(lambda: send_invitations.enqueue(reminder_id=invitation.pk))
    return invitation


def send_due_reminders(now: dt.datetime | None = None) -> list[Reminder]:
    due = Reminder.objects.filter(status__in=[Reminder.Status.SCHEDULED, Reminder.Status.SENDING], send_at__lte=now or timezone.now())
    return [send_reminder(r) for r in due]
