"""Revealing who is behind a pseudonym: one moderator asks, with a reason
(``check_request_reveal`` then ``do_request_reveal``), a second decides
(``check_decide_reveal`` then ``do_decide_reveal``; the member is told on
approval), and only those two may then look (``check_see_identity``,
``see_identity``). Every attempt is audited, refused ones too. Imports ``roles`` and
``notifications``; no other phase module."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins.models import Comment, RevealRequest
from unionhall.bulletins.notifications import tell_member_of_reveal
from unionhall.bulletins.roles import may_moderate, moderates
from unionhall.members.models import Member
from unionhall.refusals import Refused

# A named moderator must not learn from these answers whether a pseudonymous
# author is in their branch. So each check says first what is wrong with the
# request itself, then whether it comes too late, and only last whether the
# comment is the moderator's to reveal: that refusal, always in the same words,
# comes only to a request that would otherwise have been recorded for a second
# moderator to see. Every attempt is audited, refused ones too, with the reason
# given, so an auditor sees a moderator probing.

REVEAL_REASON_MIN_CHARS = 15
REVEAL_REASON_MAX_CHARS = 500
REVEAL_DECISION_REASON_MAX_CHARS = 300
NOT_YOURS_TO_REVEAL = "Only HQ and the moderators of the author's branch or employer can ask or decide who wrote this comment."


def check_request_reveal(*, user, comment: Comment, reason: str) -> None:
    if not may_moderate(user):
        raise Refused("Only moderators can ask who wrote a comment.", status=403)
    if not comment.as_pseudonym:
        raise Refused("This comment was posted under the member's name; there is nobody to reveal.")
    if len(reason.strip()) < REVEAL_REASON_MIN_CHARS:
        raise Refused(
            f"Give the reason in a sentence (at least {REVEAL_REASON_MIN_CHARS} characters): "
            "it is recorded, shown to the moderator who decides, and told to the member."
        )  # fmt: skip
    if len(reason.strip()) > REVEAL_REASON_MAX_CHARS:
        raise Refused(f"Keep the reason under {REVEAL_REASON_MAX_CHARS} characters.")
    if comment.reveal_requests.filter(status=RevealRequest.Status.PENDING).exists():
        raise Refused("A request to reveal who wrote this comment already awaits a second moderator.", status=409)
    if not moderates(user, comment):
        raise Refused(NOT_YOURS_TO_REVEAL, status=403)


def _audit_refused_reveal(*, user, subject, event: str, refused: Refused, **detail) -> None:
    """A refused attempt, in an entry of its own that stays when the refusal is raised."""
    audit_record(actor=user, action=Action.DENIED, subject=subject, detail={"event": event, **detail, "refusal": refused.message, "status": refused.status})


@transaction.atomic
def _request_reveal(*, user, comment: Comment, reason: str, now: dt.datetime | None) -> RevealRequest:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    check_request_reveal(user=user, comment=comment, reason=reason)
    request = RevealRequest.objects.create(comment=comment, reason=reason.strip(), requested_by=user, requested_at=now or timezone.now())
    audit_record(actor=user, action=Action.CHANGE, subject=request, detail={"event": "identity reveal requested", "comment": comment.pk, "reason": request.reason})
    return request


def do_request_reveal(*, user, comment: Comment, reason: str, now: dt.datetime | None = None) -> RevealRequest:
    """Ask for a pseudonym to be revealed. Nothing is revealed yet: a second
    moderator decides. A refused request is audited with the reason given
    (call this outside a transaction that would roll that entry back)."""
    try:
        return _request_reveal(user=user, comment=comment, reason=reason, now=now)
    except Refused as refused:
        _audit_refused_reveal(
            user=user, subject=comment, event="identity reveal request refused", refused=refused,
            comment=comment.pk, reason=reason.strip()[:REVEAL_REASON_MAX_CHARS],
        )  # fmt: skip
        raise


def check_decide_reveal(*, user, request: RevealRequest, reason: str = "") -> None:
    if not may_moderate(user):
        raise Refused("Only moderators can decide a request to reveal an identity.", status=403)
    if len(reason.strip()) > REVEAL_DECISION_REASON_MAX_CHARS:
        raise Refused(f"Keep the reason under {REVEAL_DECISION_REASON_MAX_CHARS} characters.")
    if request.requested_by_id == user.pk:
        raise Refused("A second, different moderator must decide: you made this request.", status=403)
    if request.status != RevealRequest.Status.PENDING:
        raise Refused("This request has already been decided.", status=409)
    if not moderates(user, request.comment):
        raise Refused(NOT_YOURS_TO_REVEAL, status=403)


@transaction.atomic
def _decide_reveal(*, user, request: RevealRequest, approve: bool, reason: str, now: dt.datetime | None) -> RevealRequest:
    now = now or timezone.now()
    request = RevealRequest.objects.select_for_update().select_related("comment__author", "comment__bulletin__series").get(pk=request.pk)
    check_decide_reveal(user=user, request=request, reason=reason)
    request.status = RevealRequest.Status.APPROVED if approve else RevealRequest.Status.REFUSED
    request.decided_by, request.decided_at, request.decision_reason = user, now, reason.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit_record(
        actor=user, action=Action.CHANGE, subject=request,
        detail={"event": f"identity reveal {request.status}", "comment": request.comment_id, "reason": request.decision_reason},
    )  # fmt: skip
    if approve:
        tell_member_of_reveal.enqueue(reveal_id=request.pk)
    return request


def do_decide_reveal(*, user, request: RevealRequest, approve: bool, reason: str = "", now: dt.datetime | None = None) -> RevealRequest:
    """Approve or refuse. On approval the member is emailed who asked (by
    role, not name), when and why; the two moderators may then see the name.
    A refused attempt to decide is audited (see do_request_reveal)."""
    try:
        return _decide_reveal(user=user, request=request, approve=approve, reason=reason, now=now)
    except Refused as refused:
        _audit_refused_reveal(
            user=user, subject=request, event="identity reveal decision refused", refused=refused,
            comment=request.comment_id, decision="approve" if approve else "refuse", reason=reason.strip()[:REVEAL_DECISION_REASON_MAX_CHARS],
        )  # fmt: skip
        raise


def check_see_identity(*, user, request: RevealRequest) -> None:
    # Who may look is asked first, so anyone else learns nothing of how the request went.
    if user.pk not in (request.requested_by_id, request.decided_by_id):
        raise Refused("Only the two moderators who requested and approved may see who wrote this comment.", status=403)
    if request.status != RevealRequest.Status.APPROVED:
        raise Refused("Nobody may see who wrote this comment: the request was not approved.", status=403)


def see_identity(*, user, request: RevealRequest) -> Member:
    """The member behind the comment, for one of the two moderators; each look,
    and each refused attempt to look, is audited."""
    request = RevealRequest.objects.select_related("comment__author").get(pk=request.pk)
    try:
        check_see_identity(user=user, request=request)
    except Refused as refused:
        _audit_refused_reveal(user=user, subject=request, event="identity look refused", refused=refused, comment=request.comment_id)
        raise
    audit_record(actor=user, action=Action.VIEW, subject=request, detail={"event": "identity revealed", "comment": request.comment_id, "member": request.comment.author.membership_number})
    return request.comment.author


def reveal_requests_for(user):
    """Pending requests the user may decide (others' requests), and approved ones they may look at."""
    pending = RevealRequest.objects.filter(status=RevealRequest.Status.PENDING).exclude(requested_by=user)
    mine = RevealRequest.objects.filter(Q(requested_by=user) | Q(decided_by=user))
    return (pending | mine).select_related("comment__bulletin__series").order_by("-requested_at")
