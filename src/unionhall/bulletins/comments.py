"""Posting comments under a bulletin, under the member's pseudonym or name
(``check_post_comment`` then ``do_post_comment``): rate limits, suspensions, one
level of replies, and a new member's first comment held for a moderator
(``is_held``). Imports ``reading`` (whether the member reads the bulletin),
``queries`` and ``notifications`` (moderators and the author replied to are told
after commit); no other phase module."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins.models import COMMENT_MAX_CHARS, Bulletin, Comment, Reader
from unionhall.bulletins.notifications import notify_moderators, notify_reply
from unionhall.bulletins.queries import reader_for
from unionhall.bulletins.reading import check_reads
from unionhall.members.models import Member
from unionhall.refusals import Refused

COMMENTS_PER_MINUTE = 5
COMMENTS_PER_HOUR = 30
NEW_MEMBER_DAYS = 30  # a member who joined this recently has their first comment held


@dataclass(frozen=True)
class CommentDraft:
    body: str
    as_pseudonym: bool
    parent: Comment | None = None


def check_post_comment(*, member: Member, reader: Reader, bulletin: Bulletin, draft: CommentDraft, now: dt.datetime | None = None) -> None:
    """Call holding the reader's row lock, so the rate limit counts every
    comment the member has posted, whichever process posted it."""
    now = now or timezone.now()
    check_reads(member=member, bulletin=bulletin, now=now)
    body = draft.body.strip()
    if not body:
        raise Refused("Write something first.")
    if len(body) > COMMENT_MAX_CHARS:
        raise Refused(f"A comment can be at most {COMMENT_MAX_CHARS:,} characters; yours has {len(body):,}. Shorten it or split it in two.")
    if reader.suspended_until and now < reader.suspended_until:
        raise Refused(f"A moderator has suspended your commenting until {timezone.localtime(reader.suspended_until):%-d %B %Y, %H:%M}.", status=403)
    if draft.as_pseudonym and not reader.pseudonym:
        raise Refused("Choose a pseudonym first, or post under your name.")
    if draft.parent is not None:
        if draft.parent.bulletin_id != bulletin.pk:
            raise Refused("That comment is under another bulletin.")
        if draft.parent.state == Comment.State.REMOVED:
            raise Refused("That comment was removed by a moderator, so it cannot be replied to.", status=409)
        if draft.parent.state in (Comment.State.HIDDEN, Comment.State.HELD):
            raise Refused("That comment awaits a moderator, so it cannot be replied to yet.", status=409)
    recent = Comment.objects.filter(author=member, posted_at__gt=now - dt.timedelta(hours=1)).values_list("posted_at", flat=True)
    if sum(at > now - dt.timedelta(minutes=1) for at in recent) >= COMMENTS_PER_MINUTE:
        raise Refused(f"You have posted {COMMENTS_PER_MINUTE} comments in the last minute. Wait a minute before posting again.", status=429)
    if len(recent) >= COMMENTS_PER_HOUR:
        raise Refused(f"You have posted {COMMENTS_PER_HOUR} comments in the last hour. Wait a while before posting again.", status=429)


def is_held(member: Member, now: dt.datetime) -> bool:
    """A new member's first comment waits for a moderator's approval."""
    new = member.joined_on is not None and member.joined_on > timezone.localdate(now) - dt.timedelta(days=NEW_MEMBER_DAYS)
    return new and not Comment.objects.filter(author=member, state=Comment.State.VISIBLE).exists()


@transaction.atomic
def do_post_comment(*, member: Member, bulletin: Bulletin, draft: CommentDraft, now: dt.datetime | None = None) -> Comment:
    """Post under the member's pseudonym or name. A reply to a reply joins the
    thread of the comment it answers (one level of nesting)."""
    now = now or timezone.now()
    reader = Reader.objects.select_for_update().select_related("member").get(pk=reader_for(member).pk)
    parent = draft.parent
    if parent is not None:
        parent = Comment.objects.select_for_update().get(pk=parent.pk)
        if parent.parent_id:
            parent = Comment.objects.select_for_update().get(pk=parent.parent_id)
        draft = CommentDraft(body=draft.body, as_pseudonym=draft.as_pseudonym, parent=parent)
    check_post_comment(member=member, reader=reader, bulletin=bulletin, draft=draft, now=now)
    held = is_held(member, now)
    comment = Comment.objects.create(
        bulletin=bulletin, parent=parent, author=member, as_pseudonym=draft.as_pseudonym,
        author_label=reader.pseudonym if draft.as_pseudonym else member.full_name, body=draft.body.strip(), posted_at=now,
        state=Comment.State.HELD if held else Comment.State.VISIBLE, pending_review=held,
    )  # fmt: skip
    audit_record(actor=member.user, action=Action.CHANGE, subject=comment, detail={"event": "comment posted", "bulletin": bulletin.pk, "held": held})
    if held:
        notify_moderators.enqueue(comment_id=comment.pk, what="a new member's first comment awaits approval")
    elif parent is not None:
        notify_reply.enqueue(reply_id=comment.pk)
    return comment
