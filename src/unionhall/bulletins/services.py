"""Writing and publishing bulletins, the discussion under them, and its
moderation. Each step is validated (check_*) and then done atomically with its
audit entry (do_*); the do_* functions take a row lock and check again under it.

For now HQ administrators write and publish bulletins and moderate the
discussion (``may_write``, ``may_moderate``); a per-series editors list and a
moderators' rota can replace these two functions without touching callers."""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core import signing
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins.models import COMMENT_MAX_CHARS, Audience, Bulletin, Comment, ModerationDecision, Reader, Report, Series
from unionhall.bulletins.queries import bulletins_for, reader_for
from unionhall.members.models import Branch, Employer, Grade, Member
from unionhall.members.remit import remit_for

COMMENTS_PER_MINUTE = 5
REPORTS_TO_HIDE = 3
PSEUDONYM_CHANGE_DAYS = 30
PSEUDONYM_PATTERN = re.compile(r"^[\w .'-]{3,40}$")
FEED_SALT = "unionhall.bulletins.feed"


class BulletinRefused(Exception):
    """The request cannot be done; ``status`` is the HTTP status to answer with
    (403: may not do this at all, audited as a refusal; 404: the bulletin is not
    for this member, answered as if it did not exist)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def may_write(user) -> bool:
    return remit_for(user).everyone


def may_moderate(user) -> bool:
    return remit_for(user).everyone


# --- Bulletins --------------------------------------------------------------------


@dataclass(frozen=True)
class BulletinDraft:
    series: Series
    title: str
    summary: str
    body: str
    publish_at: dt.datetime
    audience: str = Audience.ALL
    employers: list[Employer] = field(default_factory=list)
    branches: list[Branch] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)


def check_write_bulletin(*, user, draft: BulletinDraft) -> None:
    if not may_write(user):
        raise BulletinRefused("Only HQ can write bulletins for now.", status=403)
    if not (draft.title.strip() and draft.summary.strip() and draft.body.strip()):
        raise BulletinRefused("A bulletin needs a title, a plain-language summary and its text.")
    if draft.audience not in Audience.values:
        raise BulletinRefused("Choose who the bulletin is for.")
    chosen = bool(draft.employers or draft.branches or draft.grades)
    if draft.audience == Audience.CHOSEN and not chosen:
        raise BulletinRefused("Choose at least one employer, branch or grade, or send the bulletin to all members.")
    if draft.audience != Audience.CHOSEN and chosen:
        raise BulletinRefused("Employers, branches and grades apply only when the audience is chosen ones.")
    if any(g not in Grade.values for g in draft.grades):
        raise BulletinRefused("Unknown grade.")
    if timezone.is_naive(draft.publish_at):
        raise BulletinRefused("The publish time needs a time zone.")


def _apply(bulletin: Bulletin, draft: BulletinDraft) -> None:
    bulletin.series, bulletin.title, bulletin.summary, bulletin.body = draft.series, draft.title.strip(), draft.summary.strip(), draft.body.strip()
    bulletin.audience, bulletin.publish_at = draft.audience, draft.publish_at
    bulletin.set_grades(draft.grades)


@transaction.atomic
def do_write_bulletin(*, user, draft: BulletinDraft, now: dt.datetime | None = None) -> Bulletin:
    """A new draft, unnumbered and unseen by members until published."""
    check_write_bulletin(user=user, draft=draft)
    bulletin = Bulletin(written_by=user, written_at=now or timezone.now())
    _apply(bulletin, draft)
    bulletin.save()
    bulletin.employers.set(draft.employers)
    bulletin.branches.set(draft.branches)
    audit_record(actor=user, action=Action.CHANGE, subject=bulletin, detail={"event": "bulletin drafted", "audience": draft.audience})
    return bulletin


@transaction.atomic
def do_edit_draft(*, bulletin: Bulletin, user, draft: BulletinDraft) -> Bulletin:
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.published_at:
        raise BulletinRefused("This bulletin is published; it can no longer be edited.", status=409)
    check_write_bulletin(user=user, draft=draft)
    _apply(bulletin, draft)
    bulletin.save()
    bulletin.employers.set(draft.employers)
    bulletin.branches.set(draft.branches)
    audit_record(actor=user, action=Action.CHANGE, subject=bulletin, detail={"event": "bulletin draft edited"})
    return bulletin


def check_publish_bulletin(*, bulletin: Bulletin, user) -> None:
    if not may_write(user):
        raise BulletinRefused("Only HQ can publish bulletins for now.", status=403)
    if bulletin.published_at:
        raise BulletinRefused(f"{bulletin} is already published.", status=409)


@transaction.atomic
def do_publish_bulletin(*, bulletin: Bulletin, user, now: dt.datetime | None = None) -> Bulletin:
    """Number the bulletin in its series and release it for ``publish_at``.
    The series' row lock makes the numbers gapless and unique."""
    now = now or timezone.now()
    series = Series.objects.select_for_update().get(pk=bulletin.series_id)
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    check_publish_bulletin(bulletin=bulletin, user=user)
    bulletin.number = (series.bulletins.aggregate(n=Max("number"))["n"] or 0) + 1
    bulletin.published_at, bulletin.published_by = now, user
    bulletin.save(update_fields=["number", "published_at", "published_by"])
    audit_record(
        actor=user, action=Action.CHANGE, subject=bulletin,
        detail={"event": "bulletin published", "code": bulletin.code, "publish_at": bulletin.publish_at.isoformat()},
    )  # fmt: skip
    return bulletin


def check_reads(*, member: Member, bulletin: Bulletin, now: dt.datetime | None = None) -> None:
    """The bulletin is published and addressed to the member; otherwise a 404,
    so the answer does not tell whether it exists."""
    if not bulletins_for(member, now=now).filter(pk=bulletin.pk).exists():
        raise BulletinRefused("No such bulletin.", status=404)


# --- Pseudonyms and the private feed ------------------------------------------------


def check_set_pseudonym(*, reader: Reader, pseudonym: str, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    pseudonym = pseudonym.strip()
    if not PSEUDONYM_PATTERN.match(pseudonym) or not any(c.isalpha() for c in pseudonym):
        raise BulletinRefused("A pseudonym is 3 to 40 letters, digits, spaces, dots, dashes or apostrophes, with at least one letter.")
    key = pseudonym.casefold()
    if key == reader.pseudonym_key:
        raise BulletinRefused("That is already your pseudonym.")
    if key == reader.member.full_name.casefold():
        raise BulletinRefused("That is your own name; to post under your name, choose “my name” when you comment.")
    if reader.pseudonym_set_at and now < reader.pseudonym_set_at + dt.timedelta(days=PSEUDONYM_CHANGE_DAYS):
        allowed = reader.pseudonym_set_at + dt.timedelta(days=PSEUDONYM_CHANGE_DAYS)
        raise BulletinRefused(f"You can change your pseudonym once every {PSEUDONYM_CHANGE_DAYS} days; next on {timezone.localtime(allowed):%-d %B %Y}.", status=409)
    if Reader.objects.filter(pseudonym_key=key).exclude(pk=reader.pk).exists():
        raise BulletinRefused("Another member uses that pseudonym. Choose another.", status=409)


@transaction.atomic
def do_set_pseudonym(*, member: Member, pseudonym: str, now: dt.datetime | None = None) -> Reader:
    """Set or change the member's pseudonym. Comments already posted keep the
    label they were posted under, so a change does not link old and new."""
    now = now or timezone.now()
    reader = Reader.objects.select_for_update().select_related("member").get(pk=reader_for(member).pk)
    check_set_pseudonym(reader=reader, pseudonym=pseudonym, now=now)
    first = not reader.pseudonym
    reader.pseudonym, reader.pseudonym_key, reader.pseudonym_set_at = pseudonym.strip(), pseudonym.strip().casefold(), now
    reader.save(update_fields=["pseudonym", "pseudonym_key", "pseudonym_set_at"])
    # The pseudonym itself stays out of the log: the log names the actor.
    audit_record(actor=member.user, action=Action.CHANGE, subject=reader, detail={"event": "pseudonym set" if first else "pseudonym changed"})
    return reader


def _feed_signer(reader: Reader) -> signing.Signer:
    return signing.Signer(salt=f"{FEED_SALT}:{reader.feed_key}")


def feed_token(reader: Reader) -> str:
    """The secret part of the member's feed address: their reader id, signed
    under a salt that includes ``feed_key``. Resetting the key revokes it."""
    return _feed_signer(reader).sign(str(reader.pk))


def reader_from_feed_token(token: str) -> Reader | None:
    """The reader the token was issued to, if it is still valid and the member active."""
    reader_id, _, _ = token.partition(":")
    if not reader_id.isdigit():
        return None
    reader = Reader.objects.select_related("member").filter(pk=int(reader_id)).first()
    if reader is None or not reader.feed_key or reader.member.status != Member.Status.ACTIVE:
        return None
    try:
        value = _feed_signer(reader).unsign(token)
    except signing.BadSignature:
        return None
    return reader if value == str(reader.pk) else None


@transaction.atomic
def do_reset_feed(*, member: Member) -> Reader:
    """A new feed key: every earlier feed address stops working."""
    reader = Reader.objects.select_for_update().get(pk=reader_for(member).pk)
    reader.feed_key = Reader.new_feed_key()
    reader.save(update_fields=["feed_key"])
    audit_record(actor=member.user, action=Action.CHANGE, subject=reader, detail={"event": "feed address reset"})
    return reader


# --- Comments -----------------------------------------------------------------------


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
        raise BulletinRefused("Write something first.")
    if len(body) > COMMENT_MAX_CHARS:
        raise BulletinRefused(f"A comment can be at most {COMMENT_MAX_CHARS:,} characters; yours has {len(body):,}. Shorten it or split it in two.")
    if draft.as_pseudonym and not reader.pseudonym:
        raise BulletinRefused("Choose a pseudonym first, or post under your name.")
    if draft.parent is not None:
        if draft.parent.bulletin_id != bulletin.pk:
            raise BulletinRefused("That comment is under another bulletin.")
        if draft.parent.state == Comment.State.REMOVED:
            raise BulletinRefused("That comment was removed by a moderator, so it cannot be replied to.", status=409)
        if draft.parent.state == Comment.State.HIDDEN:
            raise BulletinRefused("That comment is hidden while a moderator reviews it, so it cannot be replied to yet.", status=409)
    recent = Comment.objects.filter(author=member, posted_at__gt=now - dt.timedelta(minutes=1)).count()
    if recent >= COMMENTS_PER_MINUTE:
        raise BulletinRefused(f"You have posted {COMMENTS_PER_MINUTE} comments in the last minute. Wait a minute before posting again.", status=429)


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
    comment = Comment.objects.create(
        bulletin=bulletin, parent=parent, author=member, as_pseudonym=draft.as_pseudonym,
        author_label=reader.pseudonym if draft.as_pseudonym else member.full_name, body=draft.body.strip(), posted_at=now,
    )  # fmt: skip
    audit_record(actor=member.user, action=Action.CHANGE, subject=comment, detail={"event": "comment posted", "bulletin": bulletin.pk})
    return comment


# --- Reports and moderation -----------------------------------------------------------


def check_report_comment(*, member: Member, comment: Comment, reason: str, now: dt.datetime | None = None) -> None:
    check_reads(member=member, bulletin=comment.bulletin, now=now)
    if comment.author_id == member.pk:
        raise BulletinRefused("You cannot report your own comment.")
    if comment.state == Comment.State.REMOVED:
        raise BulletinRefused("That comment has already been removed.", status=409)
    if not reason.strip():
        raise BulletinRefused("Say briefly why you are reporting this comment.")
    if len(reason.strip()) > 500:
        raise BulletinRefused("Keep the reason under 500 characters.")
    if Report.objects.filter(comment=comment, reporter=member).exists():
        raise BulletinRefused("You have already reported this comment.", status=409)


@transaction.atomic
def do_report_comment(*, member: Member, comment: Comment, reason: str, now: dt.datetime | None = None) -> Report:
    """Record the report; at three reports from different members since the
    last moderator's decision, the comment is hidden until a moderator rules."""
    now = now or timezone.now()
    comment = Comment.objects.select_for_update().select_related("bulletin").get(pk=comment.pk)
    check_report_comment(member=member, comment=comment, reason=reason, now=now)
    report = Report.objects.create(comment=comment, reporter=member, reason=reason.strip(), reported_at=now)
    open_reports = comment.reports.filter(decision__isnull=True).values("reporter").distinct().count()
    fields = []
    if not comment.pending_review:
        comment.pending_review = True
        fields.append("pending_review")
    if open_reports >= REPORTS_TO_HIDE and comment.state == Comment.State.VISIBLE:
        comment.state = Comment.State.HIDDEN
        fields.append("state")
    if fields:
        comment.save(update_fields=fields)
    audit_record(actor=member.user, action=Action.CHANGE, subject=comment, detail={"event": "comment reported", "hidden": comment.state == Comment.State.HIDDEN})
    return report


def check_moderate(*, user, comment: Comment, outcome: str, reason: str) -> None:
    if not may_moderate(user):
        raise BulletinRefused("Only moderators (HQ, for now) can moderate comments.", status=403)
    if outcome not in ModerationDecision.Outcome.values:
        raise BulletinRefused("Choose keep, hide or remove.")
    if not reason.strip():
        raise BulletinRefused("Give the reason for the decision; it is recorded, and shown with a removed comment.")
    if len(reason.strip()) > 300:
        raise BulletinRefused("Keep the reason under 300 characters.")
    if comment.state == Comment.State.REMOVED:
        raise BulletinRefused("This comment has already been removed.", status=409)


@transaction.atomic
def do_moderate(*, user, comment: Comment, outcome: str, reason: str, now: dt.datetime | None = None) -> ModerationDecision:
    """Keep, hide or remove a comment, closing the reports against it. A removed
    comment shows as "removed by a moderator: <reason>" and takes no replies."""
    now = now or timezone.now()
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    check_moderate(user=user, comment=comment, outcome=outcome, reason=reason)
    decision = ModerationDecision.objects.create(comment=comment, outcome=outcome, reason=reason.strip(), decided_by=user, decided_at=now)
    comment.reports.filter(decision__isnull=True).update(decision=decision)
    comment.state = {
        ModerationDecision.Outcome.KEEP: Comment.State.VISIBLE,
        ModerationDecision.Outcome.HIDE: Comment.State.HIDDEN,
        ModerationDecision.Outcome.REMOVE: Comment.State.REMOVED,
    }[outcome]
    comment.pending_review = False
    comment.moderation_reason = "" if outcome == ModerationDecision.Outcome.KEEP else reason.strip()
    comment.save(update_fields=["state", "pending_review", "moderation_reason"])
    audit_record(actor=user, action=Action.CHANGE, subject=comment, detail={"event": "comment moderated", "outcome": outcome, "reason": reason.strip()})
    return decision


def moderation_queue():
    """Comments with reports awaiting a decision, hidden ones first, oldest first."""
    return (
        Comment.objects.filter(pending_review=True)
        .select_related("bulletin__series")
        .prefetch_related("reports")
        .order_by("state", "posted_at")  # "hidden" sorts before "visible"
    )
