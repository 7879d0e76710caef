"""Emails to members who follow a commitment: when its status changes and when
it becomes overdue. Each carries a one-click link that stops them all (the
outbox imports this module at start-up, so the link works in any process)."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bargaining.models import Commitment, CommitmentFollower
from unionhall.mail import queue_email
from unionhall.members.models import Member, Office, Role
from unionhall.outbox.links import site_url
from unionhall.outbox.services import email_queue
from unionhall.outbox.unsubscribe import MailingList, register

TOPIC = "commitment_update"
LIST = "commitments"


def notify_followers(*, commitment: Commitment, subject: str, lines: list[str], key: str) -> int:
    """Queue one email to each follower with an address (call inside the
    deciding transaction); ``key`` makes a repeat queue nothing. An employer's
    commitment goes only to followers who still work there: one who moved
    can no longer read it, so is not told of it either."""
    rows = CommitmentFollower.objects.filter(commitment=commitment, member__status=Member.Status.ACTIVE).exclude(member__email="")
    if commitment.employer_id is not None:
        rows = rows.filter(member__employer_id=commitment.employer_id)
    followers = list(rows.values_list("member_id", "member__email"))
    if not followers:
        return 0
    url = site_url(reverse("bargaining_commitment", args=[commitment.pk]))
    body = "\n".join([*lines, "", f"What was promised, and every update: {url}", "",
                      "You follow this commitment. To stop these emails: [[unsubscribe_url]]"])  # fmt: skip
    sent = 0
    for member_id, email in followers:
        email_queue(topic=TOPIC, to=email, member_id=member_id, subject=subject, text=body, key=f"{key}:{member_id}", unsubscribe=LIST, about=commitment,
                    content_key=f"{key}:words")  # the same words for every follower: stored once
        sent += 1
    return sent


@transaction.atomic
def stop_commitment_emails(*, member_id: int) -> bool:
    """Unfollow every commitment (the member's own choice, audited)."""
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        return False
    deleted, _ = CommitmentFollower.objects.filter(member_id=member_id).delete()
    if deleted:
        audit_record(actor=member.user, action=Action.CHANGE, subject=member, detail={"event": "unsubscribed", "list": LIST, "by": "one-click link"})
    return bool(deleted)


register(MailingList(LIST, "emails about the employer's commitments you follow", stop_commitment_emails))


REMINDER_TOPIC = "commitment_reminder"
REMIND_DAYS = 14


def negotiator_addresses(employer_id: int | None) -> list[str]:
    """Where the negotiators for a commitment are reminded: the office address
    (or, without one, the holder's) of the employer's link officer, and of HQ
    for national commitments or where there is no link officer."""
    offices = Office.objects.current().filter(member__status=Member.Status.ACTIVE).select_related("member")
    link = list(offices.filter(role=Role.LINK_OFFICER, employer_id=employer_id)) if employer_id else []
    chosen = link or list(offices.filter(role=Role.HQ_ADMIN))
    return sorted({o.contact_email or o.member.email for o in chosen if o.contact_email or o.member.email})


def remind_negotiators(*, commitment: Commitment, subject: str, lines: list[str], key: str) -> int:
    addresses = negotiator_addresses(commitment.employer_id)
    if addresses:
        url = site_url(reverse("bargaining_commitment", args=[commitment.pk]))
        queue_email(subject=subject, body="\n".join([*lines, "", f"Record an update: {url}"]), to=addresses, topic=REMINDER_TOPIC, key=key)
    return len(addresses)


def reminders_before_due(today: dt.date | None = None) -> int:
    """Negotiators are reminded once of each open commitment due within
    REMIND_DAYS days, so they can chase it before it is late."""
    today = today or timezone.localdate()
    told = 0
    due = Commitment.objects.filter(status__in=Commitment.OPEN, due_on__gte=today, due_on__lte=today + dt.timedelta(days=REMIND_DAYS), reminded_on__isnull=True)
    for pk in list(due.order_by("pk").values_list("pk", flat=True)[:5000]):
        with transaction.atomic():
            c = Commitment.objects.select_for_update().filter(pk=pk, reminded_on__isnull=True).first()
            if c is None:
                continue
            remind_negotiators(commitment=c, subject=f"Due {c.due_on:%-d %B}: {c.title}", key=f"bargaining-due:{c.pk}",
                               lines=[f"{c.title} falls due on {c.due_on:%-d %B %Y}. {c.get_who_acts_display()} must act.",
                                      f"Delivered means: {c.delivered_means}"])  # fmt: skip
            c.reminded_on = today
            c.save(update_fields=["reminded_on"])
            told += 1
    return told


def commitments_daily(today: dt.date | None = None) -> dict:
    """The daily job (jobs/table.py): follows a member can no longer read dropped,
    then reminders before due dates, then overdue notices."""
    return {"unfollowed": follows_out_of_scope_drop(), "reminded": reminders_before_due(today), "overdue": overdue_check(today)}


@transaction.atomic
def follows_out_of_scope_drop() -> int:
    """Drop each follow of an employer's commitment by a member who no longer
    works there (they cannot read it, and are not emailed it): the union keeps
    no note of interest it has no use for. One audit entry with the count, never whose."""
    gone = CommitmentFollower.objects.filter(commitment__employer__isnull=False).exclude(member__employer_id=F("commitment__employer_id"))
    deleted, _ = gone.delete()
    if deleted:
        audit_record(actor=None, action=Action.CHANGE, subject=("bargaining.commitmentfollower", "out of scope"), detail={"follows dropped": deleted})
    return deleted


def overdue_check(today: dt.date | None = None) -> int:
    """Followers of each commitment that has become overdue (open, past its
    due date, not yet told) are told once, and so are its negotiators. Safe to run again."""
    today = today or timezone.localdate()
    told = 0
    due = Commitment.objects.filter(status__in=Commitment.OPEN, due_on__lt=today, overdue_notified_on__isnull=True).order_by("pk")
    for pk in list(due.values_list("pk", flat=True)[:5000]):
        with transaction.atomic():
            c = Commitment.objects.select_for_update().filter(pk=pk, overdue_notified_on__isnull=True).first()
            if c is None or not c.is_open():
                continue
            notify_followers(
                commitment=c, subject=f"Overdue: {c.title}", key=f"bargaining-overdue:{c.pk}",
                lines=[f"{c.title} was due on {c.due_on:%-d %B %Y} and has not been delivered.",
                       f"{c.get_who_acts_display()} must act. Delivered means: {c.delivered_means}"],
            )  # fmt: skip
            remind_negotiators(commitment=c, subject=f"Overdue: {c.title}", key=f"bargaining-overdue-officers:{c.pk}",
                               lines=[f"{c.title} was due on {c.due_on:%-d %B %Y} and is not recorded as delivered.",
                                      "Record where it stands, or chase it with the employer."])  # fmt: skip
            c.overdue_notified_on = today
            c.save(update_fields=["overdue_notified_on"])
            told += 1
    return told
