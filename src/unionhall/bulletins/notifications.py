"""Emails beside the bulletins themselves: a reply to a member's comment and
the weekly digest (each with its own one-click unsubscribe, delivery.Lists),
notices to the moderators of a discussion, and the notice to a member whose
pseudonym was revealed. Built and sent by tasks, so a mail problem never
fails the member's or moderator's action that caused it; the services
enqueue them inside their transaction."""

import datetime as dt

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins.delivery import Lists, build_message, site_url
from unionhall.bulletins.models import Comment, ModeratorAssignment, Reader, RevealRequest
from unionhall.bulletins.queries import address_bounced, bulletins_for, reader_for
from unionhall.mail import queue_message
from unionhall.members.models import Member, Office, Role

DIGEST_DAYS = 7


def _emailable(member: Member) -> bool:
    """An active member with an address that has not bounced."""
    return bool(member.email) and member.status == Member.Status.ACTIVE and not Member.objects.filter(pk=member.pk).filter(address_bounced()).exists()


@task()
def notify_reply(*, reply_id: int) -> bool:
    """Tell the author of the comment replied to, if they want to know; True if sent."""
    reply = Comment.objects.select_related("parent__author", "bulletin__series").get(pk=reply_id)
    parent = reply.parent
    if parent is None or parent.author_id == reply.author_id or not reader_for(parent.author).reply_emails or not _emailable(parent.author):
        return False
    bulletin = reply.bulletin
    link = site_url(reverse("comment_link", args=[reply.pk]))
    message = build_message(
        subject=f"{reply.author_label} replied to your comment", template="reply",
        context={"reply": reply, "parent": parent, "bulletin": bulletin, "link": link},
        to=parent.author.email, member_id=parent.author_id, kind=Lists.REPLIES,
    )  # fmt: skip
    message.send()
    return True


def moderators_for(comment: Comment) -> list[str]:
    """Who is told of a report on, or a held, ``comment``: the moderators named
    for its author's branch or employer; HQ administrators only if there are none."""
    author = comment.author
    named = ModeratorAssignment.objects.filter(Q(branch_id=author.branch_id) | Q(employer_id=author.employer_id))
    emails = set(named.values_list("user__email", flat=True))
    if not emails:
        hq = Office.objects.current().filter(role=Role.HQ_ADMIN, member__status=Member.Status.ACTIVE, member__user__isnull=False)
        emails = set(hq.values_list("member__user__email", flat=True))
    return sorted(emails)


@task()
def notify_moderators(*, comment_id: int, what: str) -> int:
    """Email the comment's moderators that it needs them (the email names no
    author); the number emailed."""
    comment = Comment.objects.select_related("author", "bulletin").get(pk=comment_id)
    body = render_to_string("bulletins/email/moderators.txt", {"comment": comment, "what": what, "link": site_url(reverse("moderation_queue"))})
    addresses = moderators_for(comment)
    for address in addresses:
        EmailMessage(subject=f"A comment needs a moderator: {what}", body=body, to=[address]).send()
    return len(addresses)


@task()
def tell_member_of_reveal(*, reveal_id: int) -> bool:
    """Tell the member that two moderators were shown who wrote their comment, and why."""
    reveal = RevealRequest.objects.select_related("comment__author", "comment__bulletin__series").get(pk=reveal_id)
    member = reveal.comment.author
    if not member.email:
        return False
    context = {"comment": reveal.comment, "request": reveal, "link": site_url(reverse("comment_link", args=[reveal.comment_id]))}
    subject = "Two moderators have been shown who wrote one of your comments"
    EmailMessage(subject=subject, body=render_to_string("bulletins/email/revealed.txt", context), to=[member.email]).send()
    return True


@transaction.atomic
def do_set_email_preferences(*, member: Member, reply_emails: bool, weekly_digest: bool) -> Reader:
    reader = Reader.objects.select_for_update().get(pk=reader_for(member).pk)
    wanted = {"reply_emails": reply_emails, "weekly_digest": weekly_digest}
    changed = [name for name, value in wanted.items() if getattr(reader, name) != value]
    for name in changed:
        setattr(reader, name, wanted[name])
    if changed:
        reader.save(update_fields=changed)
        audit_record(actor=member.user, action=Action.CHANGE, subject=reader, detail={"event": "email preferences changed", "fields": changed})
    return reader


def send_digests(now: dt.datetime | None = None) -> int:
    """One email per digest reader with the bulletins for them released since
    their last digest (at most a week back); the number sent. A reader with
    nothing new gets nothing and keeps their place."""
    now = now or timezone.now()
    sent = 0
    readers = Reader.objects.filter(weekly_digest=True, member__status=Member.Status.ACTIVE, member__wants_email=True).exclude(member__email="")
    for reader in readers.select_related("member").iterator(chunk_size=500):
        since = max(reader.digest_sent_at or now - dt.timedelta(days=DIGEST_DAYS), now - dt.timedelta(days=DIGEST_DAYS))
        bulletins = list(bulletins_for(reader.member, now=now).filter(released_at__gt=since, released_at__lte=now)[:50])
        if not bulletins or not _emailable(reader.member):
            continue
        items = [(b, site_url(reverse("bulletin_detail", args=[b.series.slug, b.number]))) for b in bulletins]
        message = build_message(
            subject=f"Your weekly bulletins: {len(items)} new", template="digest", context={"items": items},
            to=reader.member.email, member_id=reader.member_id, kind=Lists.DIGEST,
        )  # fmt: skip
        with transaction.atomic():
            Reader.objects.filter(pk=reader.pk).update(digest_sent_at=now)
            queue_message(message)  # through the task queue: queued only if this commits
        sent += 1
    return sent
