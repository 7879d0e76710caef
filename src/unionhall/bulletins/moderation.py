"""Reports and moderators' decisions: a member reports a comment
(``check_report_comment`` then ``do_report_comment``; three reports hide it until a
moderator rules), a moderator keeps, hides or removes it, perhaps suspending its
author (``check_moderate`` then ``do_moderate``), and ``moderation_queue`` lists what
awaits them. Imports ``roles`` (who moderates what), ``reading``, ``queries`` and
``notifications``; no other phase module."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins.models import Comment, ModerationDecision, Reader, Report
from unionhall.bulletins.notifications import notify_moderators
from unionhall.bulletins.queries import reader_for
from unionhall.bulletins.reading import check_reads
from unionhall.bulletins.roles import may_moderate, moderates, moderation_scope
from unionhall.members.models import Member
from unionhall.refusals import Refused

MAX_SUSPEND_DAYS = 365
REPORTS_TO_HIDE = 3


def check_report_comment(*, member: Member, comment: Comment, reason: str, now: dt.datetime | None = None) -> None:
    check_reads(member=member, bulletin=comment.bulletin, now=now)
    if comment.author_id == member.pk:
        raise Refused("You cannot report your own comment.")
    if comment.state == Comment.State.REMOVED:
        raise Refused("That comment has already been removed.", status=409)
    if not reason.strip():
        raise Refused("Say briefly why you are reporting this comment.")
    if len(reason.strip()) > 500:
        raise Refused("Keep the reason under 500 characters.")
    if Report.objects.filter(comment=comment, reporter=member).exists():
        raise Refused("You have already reported this comment.", status=409)


@transaction.atomic
def do_report_comment(*, member: Member, comment: Comment, reason: str, now: dt.datetime | None = None) -> Report:
    """Record the report; at three reports from different members since the
    last moderator's decision, the comment is hidden until a moderator rules."""
    now = now or timezone.now()
    comment = Comment.objects.select_for_update().select_related("bulletin", "author").get(pk=comment.pk)
    check_report_comment(member=member, comment=comment, reason=reason, now=now)
    report = Report.objects.create(comment=comment, reporter=member, reason=reason.strip(), reported_at=now)
    open_reports = comment.reports.filter(decision__isnull=True).values("reporter").distinct().count()
    fields = []
    if not comment.pending_review:
        comment.pending_review = True
        fields.append("pending_review")
        notify_moderators.enqueue(comment_id=comment.pk, what="a member reported a comment")
    if open_reports >= REPORTS_TO_HIDE and comment.state == Comment.State.VISIBLE:
        comment.state = Comment.State.HIDDEN
        fields.append("state")
    if fields:
        comment.save(update_fields=fields)
    audit_record(actor=member.user, action=Action.CHANGE, subject=comment, detail={"event": "comment reported", "hidden": comment.state == Comment.State.HIDDEN})
    return report


def check_moderate(*, user, comment: Comment, outcome: str, reason: str, suspend_days: int = 0) -> None:
    """What is wrong with the decision is said first and whether the comment is
    the user's to moderate last, so a named moderator cannot tell from a
    refusal whether its author is in their branch."""
    if not may_moderate(user):
        raise Refused("Only moderators can moderate comments.", status=403)
    if outcome not in ModerationDecision.Outcome.values:
        raise Refused("Choose keep, hide or remove.")
    if suspend_days and outcome == ModerationDecision.Outcome.KEEP:
        raise Refused("Suspend commenting only with a decision to hide or remove.")
    if not 0 <= suspend_days <= MAX_SUSPEND_DAYS:
        raise Refused(f"A suspension lasts from 1 to {MAX_SUSPEND_DAYS} days.")
    if not reason.strip():
        raise Refused("Give the reason for the decision; it is recorded, and shown with a removed comment.")
    if len(reason.strip()) > 300:
        raise Refused("Keep the reason under 300 characters.")
    if comment.state == Comment.State.REMOVED:
        raise Refused("This comment has already been removed.", status=409)
    if not moderates(user, comment):
        raise Refused("This comment is outside the branches and employers you moderate.", status=403)


@transaction.atomic
def do_moderate(*, user, comment: Comment, outcome: str, reason: str, suspend_days: int = 0, now: dt.datetime | None = None) -> ModerationDecision:
    """Keep (which also approves a held comment), hide or remove a comment,
    closing the reports against it. A removed comment shows as "removed by a
    moderator: <reason>" and takes no replies. ``suspend_days`` also stops the
    author commenting for that long."""
    now = now or timezone.now()
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    check_moderate(user=user, comment=comment, outcome=outcome, reason=reason, suspend_days=suspend_days)
    decision = ModerationDecision.objects.create(comment=comment, outcome=outcome, reason=reason.strip(), suspend_days=suspend_days, decided_by=user, decided_at=now)
    if suspend_days:
        Reader.objects.filter(pk=reader_for(comment.author).pk).update(suspended_until=now + dt.timedelta(days=suspend_days))
    comment.reports.filter(decision__isnull=True).update(decision=decision)
    comment.state = {
        ModerationDecision.Outcome.KEEP: Comment.State.VISIBLE,
        ModerationDecision.Outcome.HIDE: Comment.State.HIDDEN,
        ModerationDecision.Outcome.REMOVE: Comment.State.REMOVED,
    }[outcome]
    comment.pending_review = False
    comment.moderation_reason = "" if outcome == ModerationDecision.Outcome.KEEP else reason.strip()
    comment.save(update_fields=["state", "pending_review", "moderation_reason"])
    audit_record(
        actor=user, action=Action.CHANGE, subject=comment,
        detail={"event": "comment moderated", "outcome": outcome, "reason": reason.strip(), "suspend_days": suspend_days},
    )  # fmt: skip
    return decision


def moderation_queue(user, *, remit=None):
    """Comments the user moderates that await a decision (held, then hidden, then reported), oldest first."""
    return (
        Comment.objects.filter(moderation_scope(user, remit=remit), pending_review=True)
        .select_related("bulletin__series")
        .prefetch_related("reports")
        .order_by("state", "posted_at")  # "held" and "hidden" sort before "visible"
    )
