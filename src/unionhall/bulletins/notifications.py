"""Emails beside the bulletins themselves: a reply to a member's comment and
the weekly digest (each with its own one-click unsubscribe), notices to the
moderators of a discussion, and the notice to a member whose pseudonym was
revealed. All go through the outbox; the tasks that build them are enqueued
by the services inside their transaction, so a mail problem never fails the
member's or moderator's action that caused it.

This module also registers the bulletins' mailing lists with the outbox
(``OutboxConfig.ready`` imports it), so their one-click links work in any
process.

An email never shows a pseudonym bare: a pseudonym may look like a member's
real name, so it is always marked as one (``shown_author``)."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins.delivery import UNSUBSCRIBE_PLACEHOLDER, Lists, site_url
from unionhall.bulletins.models import Comment, ModeratorAssignment, Reader, RevealRequest
from unionhall.bulletins.queries import bulletins_for, reader_for
from unionhall.members.models import Member, Office, Role
from unionhall.members.services import member_update_contact
from unionhall.outbox.bounces import flagged
from unionhall.outbox.models import Topic
from unionhall.outbox.services import email_queue
from unionhall.outbox.unsubscribe import MailingList, register

DIGEST_DAYS = 7


def shown_author(comment) -> str:
    """How an email names who wrote ``comment`` (or a question): the name
    they posted under, with a pseudonym marked as one."""
    return f"{comment.author_label} (a pseudonym)" if comment.as_pseudonym else comment.author_label


def render_email(template: str, context: dict) -> tuple[str, str]:
    """Plain text and HTML from ``bulletins/email/<template>.txt|.html``, with
    the outbox's placeholder where each recipient's unsubscribe link goes."""
    context = {**context, "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER}
    return render_to_string(f"bulletins/email/{template}.txt", context), render_to_string(f"bulletins/email/{template}.html", context)


def _emailable(member: Member) -> bool:
    """An active member with an address that has not bounced."""
    return bool(member.email) and member.status == Member.Status.ACTIVE and not flagged([member.email])


@task()
def notify_reply(*, reply_id: int) -> bool:
    """Tell the author of the comment replied to, if they want to know; True if queued."""
    reply = Comment.objects.select_related("parent__author", "bulletin__series").get(pk=reply_id)
    parent = reply.parent
    if parent is None or parent.author_id == reply.author_id or not reader_for(parent.author).reply_emails or not _emailable(parent.author):
        return False
    author = shown_author(reply)
    link = site_url(reverse("comment_link", args=[reply.pk]))
    text, html = render_email("reply", {"reply": reply, "author": author, "parent": parent, "bulletin": reply.bulletin, "link": link})
    email_queue(
        topic=Topic.REPLY, to=parent.author.email, member_id=parent.author_id, subject=f"{author} replied to your comment", text=text, html=html,
        key=f"reply:{reply.pk}", about=reply, unsubscribe=Lists.REPLIES,
    )  # fmt: skip
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
    author); the number queued. Moderators cannot opt out: it is their duty."""
    comment = Comment.objects.select_related("author", "bulletin").get(pk=comment_id)
    body = render_to_string("bulletins/email/moderators.txt", {"comment": comment, "what": what, "link": site_url(reverse("moderation_queue"))})
    addresses = moderators_for(comment)
    for address in addresses:
        email_queue(topic=Topic.MODERATION, to=address, subject=f"A comment needs a moderator: {what}", text=body, about=comment)
    return len(addresses)


@task()
def tell_member_of_reveal(*, reveal_id: int) -> bool:
    """Tell the member that two moderators were shown who wrote their comment,
    and why; a notice they cannot opt out of."""
    reveal = RevealRequest.objects.select_related("comment__author", "comment__bulletin__series").get(pk=reveal_id)
    member = reveal.comment.author
    if not member.email:
        return False
    link = site_url(reverse("comment_link", args=[reveal.comment_id]))
    context = {"comment": reveal.comment, "author": shown_author(reveal.comment), "request": reveal, "link": link}
    email_queue(
        topic=Topic.REVEAL, to=member.email, member_id=member.pk, subject="Two moderators have been shown who wrote one of your comments",
        text=render_to_string("bulletins/email/revealed.txt", context), key=f"reveal:{reveal.pk}", about=reveal,
    )  # fmt: skip
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
    """Queue one email per digest reader with the bulletins for them released
    since their last digest (at most a week back); the number queued. A
    reader with nothing new gets nothing and keeps their place."""
    now = now or timezone.now()
    queued = 0
    readers = Reader.objects.filter(weekly_digest=True, member__status=Member.Status.ACTIVE, member__bulletins_by_email=True).exclude(member__email="")
    for reader in readers.select_related("member").iterator(chunk_size=500):
        since = max(reader.digest_sent_at or now - dt.timedelta(days=DIGEST_DAYS), now - dt.timedelta(days=DIGEST_DAYS))
        bulletins = list(bulletins_for(reader.member, now=now).filter(released_at__gt=since, released_at__lte=now)[:50])
        if not bulletins or not _emailable(reader.member):
            continue
        items = [(b, site_url(reverse("bulletin_detail", args=[b.series.slug, b.number]))) for b in bulletins]
        text, html = render_email("digest", {"items": items})
        with transaction.atomic():  # the place and the message together: neither without the other
            Reader.objects.filter(pk=reader.pk).update(digest_sent_at=now)
            email_queue(
                topic=Topic.DIGEST, to=reader.member.email, member_id=reader.member_id, subject=f"Your weekly bulletins: {len(items)} new",
                text=text, html=html, key=f"digest:{reader.member_id}:{max(b.pk for b in bulletins)}", unsubscribe=Lists.DIGEST,
            )  # fmt: skip
        queued += 1
    return queued


# --- The lists a member may leave by one click ------------------------------------------------


@transaction.atomic
def stop_bulletins_by_email(*, member_id: int) -> bool:
    """Each bulletin, and the weekly digest, stop coming by email (the member's
    own preference, audited as their change)."""
    member = Member.objects.select_for_update().filter(pk=member_id).first()
    return bool(member) and bool(member_update_contact(member=member, actor=member.user, changed={"bulletins_by_email": False}))


@transaction.atomic
def stop_reply_emails(*, member_id: int) -> bool:
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        return False
    reader = Reader.objects.select_for_update().get(pk=reader_for(member).pk)
    if not reader.reply_emails:
        return False
    reader.reply_emails = False
    reader.save(update_fields=["reply_emails"])
    audit_record(actor=member.user, action=Action.CHANGE, subject=reader, detail={"event": "unsubscribed", "list": Lists.REPLIES, "by": "one-click link"})
    return True


register(MailingList(Lists.BULLETINS, "bulletins by email", stop_bulletins_by_email))
# Leaving the digest must not bring each bulletin instead: it stops bulletins by email altogether.
register(MailingList(Lists.DIGEST, "bulletins by email, neither the weekly digest nor each one", stop_bulletins_by_email))
register(MailingList(Lists.REPLIES, "emails about replies to your comments", stop_reply_emails))
