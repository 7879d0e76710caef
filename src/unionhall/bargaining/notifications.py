"""Emails to members who follow a commitment: when its status changes and when
it becomes overdue. Each carries a one-click link that stops them all (the
outbox imports this module at start-up, so the link works in any process)."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bargaining.models import Commitment, CommitmentFollower
from unionhall.members.models import Member
from unionhall.outbox.links import site_url
from unionhall.outbox.services import email_queue
from unionhall.outbox.unsubscribe import MailingList, register

TOPIC = "commitment_update"
LIST = "commitments"


def notify_followers(*, commitment: Commitment, subject: str, lines: list[str], key: str) -> int:
    """Queue one email to each follower with an address (call inside the
    deciding transaction); ``key`` makes a repeat queue nothing."""
    followers = list(
        CommitmentFollower.objects.filter(commitment=commitment, member__status=Member.Status.ACTIVE)
        .exclude(member__email="").values_list("member_id", "member__email")
    )  # fmt: skip
    if not followers:
        return 0
    url = site_url(reverse("bargaining_commitment", args=[commitment.pk]))
    body = "\n".join([*lines, "", f"What was promised, and every update: {url}", "",
                      "You follow this commitment. To stop these emails: [[unsubscribe_url]]"])  # fmt: skip
    sent = 0
    for member_id, email in followers:
        email_queue(topic=TOPIC, to=email, member_id=member_id, subject=subject, text=body, key=f"{key}:{member_id}", unsubscribe=LIST, about=commitment)
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


def overdue_check(today: dt.date | None = None) -> int:
    """The daily job: followers of each commitment that has become overdue
    (open, past its due date, not yet told) are told once. Safe to run again."""
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
            c.overdue_notified_on = today
            c.save(update_fields=["overdue_notified_on"])
            told += 1
    return told
