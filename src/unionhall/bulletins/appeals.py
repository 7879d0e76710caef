"""Appeals against moderators' decisions: the author appeals once
(``check_appeal`` then ``do_appeal``), and another moderator than the one who
decided upholds or overturns it (``check_rule_appeal`` then ``do_rule_appeal``);
``pending_appeals`` lists those a moderator may rule on. Imports ``roles`` and
``notifications``; no other phase module."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins.models import Appeal, Comment, ModerationDecision, Reader
from unionhall.bulletins.notifications import notify_moderators
from unionhall.bulletins.roles import may_moderate, moderates, moderation_scope
from unionhall.members.models import Member
from unionhall.refusals import Refused


def check_appeal(*, member: Member, decision: ModerationDecision, reason: str) -> None:
    if decision.comment.author_id != member.pk:
        raise Refused("Only the author of a comment can appeal a decision about it.", status=403)
    if decision.outcome == ModerationDecision.Outcome.KEEP:
        raise Refused("The comment was kept; there is nothing to appeal.")
    if Appeal.objects.filter(decision=decision).exists():
        raise Refused("You have already appealed this decision. Each decision can be appealed once.", status=409)
    if not reason.strip():
        raise Refused("Say why the decision was wrong.")
    if len(reason.strip()) > 1000:
        raise Refused("Keep the appeal under 1,000 characters.")


@transaction.atomic
def do_appeal(*, member: Member, decision: ModerationDecision, reason: str, now: dt.datetime | None = None) -> Appeal:
    """The author's one appeal; another moderator than the one who decided rules on it."""
    decision = ModerationDecision.objects.select_for_update().select_related("comment__author").get(pk=decision.pk)
    check_appeal(member=member, decision=decision, reason=reason)
    appeal = Appeal.objects.create(decision=decision, reason=reason.strip(), appealed_at=now or timezone.now())
    audit_record(actor=member.user, action=Action.CHANGE, subject=appeal, detail={"event": "moderation appealed", "decision": decision.pk})
    notify_moderators.enqueue(comment_id=decision.comment_id, what="the author appealed a decision")
    return appeal


def check_rule_appeal(*, user, appeal: Appeal, ruling: str) -> None:
    """As check_moderate: whether the appeal is the user's to rule on is asked last."""
    if not may_moderate(user):
        raise Refused("Only moderators can rule on an appeal.", status=403)
    if not ruling.strip():
        raise Refused("Give the reason for the ruling.")
    if appeal.outcome != Appeal.Outcome.PENDING:
        raise Refused("This appeal has already been ruled on.", status=409)
    if appeal.decision.decided_by_id == user.pk:
        raise Refused("Another moderator must rule on an appeal against your own decision.", status=403)
    if not moderates(user, appeal.decision.comment):
        raise Refused("Only moderators of this discussion can rule on an appeal.", status=403)


@transaction.atomic
def do_rule_appeal(*, user, appeal: Appeal, overturn: bool, ruling: str, now: dt.datetime | None = None) -> Appeal:
    """Uphold or overturn. Overturning shows the comment again and lifts the
    suspension that came with the decision."""
    now = now or timezone.now()
    appeal = Appeal.objects.select_for_update().select_related("decision__comment__author").get(pk=appeal.pk)
    check_rule_appeal(user=user, appeal=appeal, ruling=ruling)
    appeal.outcome = Appeal.Outcome.OVERTURNED if overturn else Appeal.Outcome.UPHELD
    appeal.ruling, appeal.decided_by, appeal.decided_at = ruling.strip()[:300], user, now
    appeal.save(update_fields=["outcome", "ruling", "decided_by", "decided_at"])
    if overturn:
        comment = appeal.decision.comment
        Comment.objects.filter(pk=comment.pk).update(state=Comment.State.VISIBLE, moderation_reason="", pending_review=False)
        if appeal.decision.suspend_days:
            Reader.objects.filter(member=comment.author).update(suspended_until=None)
    audit_record(actor=user, action=Action.CHANGE, subject=appeal, detail={"event": f"appeal {appeal.outcome}", "ruling": appeal.ruling})
    return appeal


def pending_appeals(user, *, remit=None):
    return (
        Appeal.objects.filter(outcome=Appeal.Outcome.PENDING)
        .filter(decision__comment__in=Comment.objects.filter(moderation_scope(user, remit=remit)))
        .exclude(decision__decided_by=user)
        .select_related("decision__comment__bulletin__series")
    )
