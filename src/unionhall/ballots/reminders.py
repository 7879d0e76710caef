"""Reminders to vote: HQ schedules them while a ballot is open; at each one's
time, every member on the roll who has not voted gets one message: by email
(always, unless they have no usable address), and by text as well if they
asked for texts about ballots. An address that bounced gets nothing; in a
statutory ballot a work address is never used (``turnout.non_voters``).
Invitations, when a ballot opens, go the same way to the whole roll.

The messages go through the outbox (one Message per member and channel,
named "reminder:<R>:member:<M>:email"), a batch at a time, each batch written
in one transaction with the reminder's progress: a sender that stops
part-way resumes after its last batch, and nobody is queued twice. The
outbox sends them, with retries, and never after the ballot closes.
``manage.py send_reminders`` (or the worker's job) queues what is due."""

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.ballots.models import Ballot, Reminder
from unionhall.ballots.turnout import non_voters
from unionhall.members.remit import Remit
from unionhall.outbox import sending
from unionhall.outbox.bounces import flagged
from unionhall.outbox.models import Channel, Content, Topic
from unionhall.outbox.services import Recipient, content_write, messages_queue
from unionhall.refusals import Refused

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


def _contents(reminder: Reminder, now: dt.datetime) -> tuple[Content, Content]:
    """The reminder's email and text, written once for all its recipients;
    ``[[first_name]]`` is each member's own."""
    ballot = reminder.ballot
    link = f"{settings.UNIONHALL_BASE_URL}/ballots/{ballot.slug}/"
    closes = timezone.localtime(ballot.closes_at)
    if reminder.kind == Reminder.Kind.INVITATION:
        subject, opening = f"Vote now: “{ballot.title}”", f"Voting is open in “{ballot.title}”, and you are entitled to vote."
        why = f"You are receiving this because you are on the ballot's roll.\n\nThe roll's commitment, to check the election record with unionhall-verify --roll-commitment, is:\n    {ballot.roll_commitment}"
        what = "voting is open in"
    else:
        subject, opening = f"Reminder: vote in “{ballot.title}”", f"You have not voted yet in “{ballot.title}”."
        why = "You are receiving this because you are on the ballot's roll and have not voted; once you vote, the reminders stop."
        what = "you have not voted yet in"
    body = (
        f"Dear [[first_name]],\n\n{opening} Voting closes on {closes:%-d %B at %H:%M}.\n\n"
        f"Vote here: {link}\n\nYour vote is secret: nobody, including the union, can see how you voted. {why}\n"
    )
    email = content_write(key=f"reminder:{reminder.pk}:email", subject=subject, text=body, now=now)
    text = content_write(key=f"reminder:{reminder.pk}:text", text=f"Your union: {what} “{ballot.title}”. Voting closes {closes:%-d %b %H:%M}. {link}", now=now)
    return email, text


def send_reminder(reminder: Reminder, *, batch: int = BATCH) -> Reminder:
    """Queue one reminder (or a ballot's invitations) in the outbox for
    everyone on the roll who has not voted, resuming where an earlier
    attempt stopped; the reminder, with how many were emailed, texted and
    unreachable. Returns it unchanged if it is not due to send or another
    sender holds it."""
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
    email, text = _contents(reminder, now)
    waiting = non_voters(ballot, Remit(everyone=True)).order_by("pk").values_list(
        "pk", "member_id", "member__first_name", "reminder_email", "member__phone", "member__ballots_by_text"
    )  # fmt: skip
    topic = Topic.BALLOT_INVITATION if reminder.kind == Reminder.Kind.INVITATION else Topic.BALLOT_REMINDER
    while ballot.status == Ballot.Status.OPEN:
        rows = list(waiting.filter(pk__gt=reminder.done_up_to)[:batch])
        if not rows:
            break
        bounced = flagged(address for _, _, _, address, _, _ in rows)
        key = f"reminder:{reminder.pk}:member"
        emails = [Recipient(key=f"{key}:{member}:email", address=address, member_id=member, fields={"first_name": first})
                  for _, member, first, address, _, _ in rows if address and address.lower() not in bounced]  # fmt: skip
        texts = [Recipient(key=f"{key}:{member}:text", address=phone, member_id=member) for _, member, _, _, phone, by_text in rows if phone and by_text]
        unreachable = len(rows) - len({r.member_id for r in emails + texts})
        with transaction.atomic():  # the progress and the messages: both, or neither
            mine = Reminder.objects.filter(pk=reminder.pk, sender=claim).update(
                done_up_to=rows[-1][0], progress_at=timezone.now(), emailed=F("emailed") + len(emails), texted=F("texted") + len(texts),
                unreachable=F("unreachable") + unreachable,
            )  # fmt: skip
            if not mine:  # another sender took over: it goes on from its own progress
                return Reminder.objects.get(pk=reminder.pk)
            common = {"topic": topic, "about": reminder, "expires_at": ballot.closes_at, "send": False}
            ids = messages_queue(channel=Channel.EMAIL, content=email, recipients=emails, **common)
            ids += messages_queue(channel=Channel.TEXT, content=text, recipients=texts, **common)
            sending.send_soon(ids)
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
