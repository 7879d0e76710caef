"""Bulletins' personal data (issue 17): readers' pseudonyms and preferences,
comments, questions, reports and moderation. Registered from
BulletinsConfig.ready()."""

from collections.abc import Sequence
import datetime as dt

from django.db import transaction

from unionhall.bulletins.models import Comment, Question
from unionhall.members.models import Member
from unionhall.personal_data import (
    ANONYMISE,
    CONSENT,
    KEEP,
    LEGITIMATE_INTERESTS,
    NOT_FOR_PROFIT,
    Declaration,
    NoPersonalData,
    RetentionRule,
    officer_record,
)

FORMER = "A former member"
REMOVED = "[Removed: its author has left the union.]"
LEFT = (Member.Status.LAPSED, Member.Status.RESIGNED)
MODERATION = "Moderation records show why a comment was hidden or revealed, and who decided; the member's own row is anonymised when they are erased."


def _anonymise(model, ids: Sequence[int]) -> int:
    """Replace the author's label and the words of ``model``'s rows ``ids``;
    the row stays so replies keep their thread and counts stay right."""
    with transaction.atomic():
        return model.objects.filter(pk__in=list(ids)).exclude(author_label=FORMER).update(author_label=FORMER, body=REMOVED)


def _due(model, field):
    def due(before: dt.date, after_id: int, limit: int) -> list[int]:
        return list(
            model.objects.filter(author__status__in=LEFT, author__lapsed_on__lt=before, pk__gt=after_id)
            .exclude(author_label=FORMER)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )

    return due


def comments_anonymise(ids: Sequence[int]) -> int:
    return _anonymise(Comment, ids)


def questions_anonymise(ids: Sequence[int]) -> int:
    return _anonymise(Question, ids)


def _erase_comments(member_id: int) -> int:
    return comments_anonymise(list(Comment.objects.filter(author=member_id).values_list("pk", flat=True)))


def _erase_questions(member_id: int) -> int:
    return questions_anonymise(list(Question.objects.filter(author=member_id).values_list("pk", flat=True)))


def _officer(model, fields, export, owner, reason=MODERATION, retention="moderation_record"):
    return officer_record(model, fields, export, owner, reason, retention)


DECLARATIONS = [
    Declaration(
        model="bulletins.Reader",
        label="Your reader settings and pseudonym",
        purpose="Your comments, questions and pseudonym",
        fields=("member", "pseudonym", "feed_key", "reply_emails", "weekly_digest", "suspended_until"),
        export=("pseudonym", "pseudonym_set_at", "reply_emails", "weekly_digest", "digest_sent_at", "suspended_until"),
        basis=CONSENT,
        retention="comment_of_leaver",
        owner=("member",),
    ),
    Declaration(
        model="bulletins.Comment",
        purpose="Your comments, questions and pseudonym",
        fields=("author", "author_label", "body", "as_pseudonym"),
        export=("bulletin__title", "posted_at", "as_pseudonym", "author_label", "body", "state", "moderation_reason"),
        basis=LEGITIMATE_INTERESTS,
        special=NOT_FOR_PROFIT,
        retention="comment_of_leaver",
        owner=("author",),
        erasure=ANONYMISE,
        erase=_erase_comments,
        note="Erased comments keep their place in the thread, with the author and the words removed.",
    ),
    Declaration(
        model="bulletins.Question",
        purpose="Your comments, questions and pseudonym",
        fields=("author", "author_label", "body", "as_pseudonym"),
        export=("event__title", "asked_at", "as_pseudonym", "author_label", "body", "state", "votes"),
        basis=LEGITIMATE_INTERESTS,
        retention="comment_of_leaver",
        owner=("author",),
        erasure=ANONYMISE,
        erase=_erase_questions,
    ),
    Declaration(
        model="bulletins.QuestionVote",
        label="Questions you voted up",
        purpose="Your comments, questions and pseudonym",
        fields=("member", "voted_at"),
        export=("question__event__title", "voted_at"),
        basis=LEGITIMATE_INTERESTS,
        retention="comment_of_leaver",
        owner=("member",),
        note="Erasing a vote leaves the question's count as it was.",
    ),
    Declaration(
        model="bulletins.Report",
        purpose="Your comments, questions and pseudonym",
        fields=("reporter", "reason"),
        export=("comment__bulletin__title", "reason", "reported_at"),
        basis=LEGITIMATE_INTERESTS,
        retention="moderation_record",
        owner=("reporter",),
        erasure=KEEP,
        keep_reason=MODERATION,
    ),
    Declaration(
        model="bulletins.Appeal",
        purpose="Your comments, questions and pseudonym",
        fields=("reason", "ruling", "decided_by"),
        export=("decision__comment__bulletin__title", "reason", "appealed_at", "outcome", "ruling"),
        basis=LEGITIMATE_INTERESTS,
        retention="moderation_record",
        owner=("decision__comment__author", "decided_by__member"),
        erasure=KEEP,
        keep_reason=MODERATION,
    ),
    Declaration(
        model="bulletins.RevealRequest",
        purpose="Your comments, questions and pseudonym",
        fields=("comment", "reason", "requested_by", "decided_by", "decision_reason"),
        export=("comment__bulletin__title", "reason", "requested_at", "status", "decided_at", "decision_reason"),
        basis=LEGITIMATE_INTERESTS,
        retention="moderation_record",
        owner=("comment__author", "requested_by__member", "decided_by__member"),
        erasure=KEEP,
        keep_reason=MODERATION,
        note="A member is shown every request to reveal who wrote their comment.",
    ),
    Declaration(
        model="bulletins.Report",
        view="about",
        label="Reports about your comments",
        purpose="Your comments, questions and pseudonym",
        fields=("comment", "reason"),
        export=("comment__bulletin__title", "comment__posted_at", "reason", "reported_at", "decision__outcome"),
        basis=LEGITIMATE_INTERESTS,
        retention="moderation_record",
        owner=("comment__author",),
        third_party=("reason",),
        erasure=KEEP,
        keep_reason=MODERATION,
        note="Who reported your comment is never shown; what they said is, except in a copy sent outside the union.",
    ),
    Declaration(
        model="bulletins.ModerationDecision",
        view="about",
        label="Moderation decisions on your comments",
        purpose="Your comments, questions and pseudonym",
        fields=("comment", "outcome", "reason", "suspend_days"),
        export=("comment__bulletin__title", "comment__posted_at", "outcome", "reason", "suspend_days", "decided_at"),
        basis=LEGITIMATE_INTERESTS,
        retention="moderation_record",
        owner=("comment__author",),
        erasure=KEEP,
        keep_reason=MODERATION,
        note="The moderator's decision and reason; you can appeal a decision from the comment.",
    ),
    _officer("bulletins.ModerationDecision", ("decided_by", "reason"), ("comment__bulletin__title", "outcome", "reason", "decided_at"),
             ("decided_by__member",)),
    _officer("bulletins.ModeratorAssignment", ("user", "assigned_by"), ("branch__name", "employer__name", "assigned_at"),
             ("user__member", "assigned_by__member"), reason="Who could moderate, and when, explains past decisions.", retention="office_record"),
    _officer("bulletins.Bulletin", ("written_by", "published_by"), ("title", "written_at", "published_at"),
             ("written_by__member", "published_by__member"), reason="A published bulletin names who wrote and published it.", retention="office_record"),
    _officer("bulletins.Attachment", ("uploaded_by",), ("bulletin__title", "title", "uploaded_at"),
             ("uploaded_by__member",), reason="Who added a bulletin's attachment is part of the bulletin's record.", retention="office_record"),
    _officer("bulletins.QAEvent", ("created_by", "moderators"), ("title", "starts_at"),
             ("created_by__member", "moderators__member"), reason="Who ran a question session is part of its record.", retention="office_record"),
    NoPersonalData("bulletins.Delivery", "A read-only window on outbox.Message rows about bulletins, declared there."),
    NoPersonalData("bulletins.Series", "A bulletin series' name."),
    RetentionRule(
        key="comment_of_leaver", model="bulletins.Comment", action=ANONYMISE, event="the day the author left (lapsed_on)",
        due=_due(Comment, "author"), apply=comments_anonymise, keeps="the comment's place in its thread, its date and state",
    ),
    RetentionRule(
        key="comment_of_leaver", model="bulletins.Question", action=ANONYMISE, event="the day the author left (lapsed_on)",
        due=_due(Question, "author"), apply=questions_anonymise, keeps="the question's place, date and vote count",
    ),
]
