"""Bargaining's personal data (issue 17's declarations). Registered from
BargainingConfig.ready().

A member's own: the commitments they follow, their interest in a job-
evaluation review (with any evidence they gave), their pay record and its
periods, and their back-pay queries. The rest is the union's bargaining
record (bodies, meetings, agreements, disputes, pay scales), which names
only the officer who recorded each thing."""

from collections.abc import Sequence
import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from unionhall.bargaining.models import BackPayQuery, CommitmentFollower, JobReview, JobReviewInterest, PayRecord
from unionhall.members.models import Member
from unionhall.personal_data import (
    CONSENT,
    DELETE,
    LEGITIMATE_INTERESTS,
    NOT_FOR_PROFIT,
    Declaration,
    NoPersonalData,
    RetentionRule,
    officer_record,
)

PAY = "Your pay, back pay and job-evaluation reviews"
RECORD = "A bargaining record says who recorded it; it holds no member's data."


def _officer(model, fields, export, owner, reason=RECORD):
    return officer_record(model, fields, export, owner, reason)


# --- Retention (issue 17): bargaining_query ------------------------------------------------
#
# Each rule finds its rows by the event its period runs from and re-checks it
# when deleting, so a member who rejoined, or a query reopened, is kept.

LEFT = (Member.Status.LAPSED, Member.Status.RESIGNED)


def _ids(rows, after_id: int, limit: int) -> list[int]:
    return list(rows.filter(pk__gt=after_id).order_by("pk").values_list("pk", flat=True)[:limit])


def _delete(rows, ids: Sequence[int]) -> int:
    with transaction.atomic():
        deleted, _ = rows.filter(pk__in=list(ids)).delete()
    return deleted


def _queries_past(before: dt.date | None):
    """Queries whose period has run by ``before``: an answered one from its
    answer; an open one (never answered: the member left, the matter was
    dropped) from its settlement's end, or the day its member left. With
    ``before`` None, those whose event has happened (deleting re-checks it:
    a member who rejoined is no longer a leaver)."""
    if before is None:
        answered = Q(status=BackPayQuery.Status.ANSWERED, answered_at__isnull=False)
        open_ = Q(status=BackPayQuery.Status.OPEN) & (Q(settlement__ends_on__lt=timezone.localdate()) | Q(member__status__in=LEFT))
    else:
        start = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
        answered = Q(status=BackPayQuery.Status.ANSWERED, answered_at__lt=start)
        open_ = Q(status=BackPayQuery.Status.OPEN) & (Q(settlement__ends_on__lt=before) | Q(member__status__in=LEFT, member__lapsed_on__lt=before))
    return BackPayQuery.objects.filter(answered | open_)


def queries_due(before: dt.date, after_id: int, limit: int) -> list[int]:
    """Back-pay queries answered before ``before``, and open ones whose
    settlement ended, or whose member left, before it."""
    return _ids(_queries_past(before), after_id, limit)


def queries_delete(ids: Sequence[int]) -> int:
    return _delete(_queries_past(None), ids)


def _of_leavers(model, before: dt.date):
    return model.objects.filter(member__status__in=LEFT, member__lapsed_on__lt=before)


def pay_records_due(before: dt.date, after_id: int, limit: int) -> list[int]:
    """Pay records (with their periods) of members who left before ``before``."""
    return _ids(_of_leavers(PayRecord, before), after_id, limit)


def pay_records_delete(ids: Sequence[int]) -> int:
    """Deletes the records and, with them, their periods; returns how many records."""
    with transaction.atomic():
        rows = PayRecord.objects.filter(pk__in=list(ids), member__status__in=LEFT)
        count = rows.count()
        rows.delete()
    return count


def followers_due(before: dt.date, after_id: int, limit: int) -> list[int]:
    return _ids(_of_leavers(CommitmentFollower, before), after_id, limit)


def followers_delete(ids: Sequence[int]) -> int:
    return _delete(CommitmentFollower.objects.filter(member__status__in=LEFT), ids)


def interests_due(before: dt.date, after_id: int, limit: int) -> list[int]:
    """Interest in a job-evaluation review completed before ``before``, and a
    leaver's interest from the day they left, however long the review waits
    (some are years late, some never done)."""
    rows = JobReviewInterest.objects.filter(Q(review__status=JobReview.Status.COMPLETED, review__completed_on__lt=before)
                                            | Q(member__status__in=LEFT, member__lapsed_on__lt=before))  # fmt: skip
    return _ids(rows, after_id, limit)


def interests_delete(ids: Sequence[int]) -> int:
    return _delete(JobReviewInterest.objects.filter(Q(review__status=JobReview.Status.COMPLETED, review__completed_on__isnull=False)
                                                    | Q(member__status__in=LEFT)), ids)  # fmt: skip


DECLARATIONS = [
    Declaration(
        model="bargaining.BackPayQuery",
        label="Your back-pay queries",
        purpose=PAY,
        fields=("member", "employee_number", "question", "answer"),
        export=("settlement__title", "employee_number", "question", "raised_at", "due_on", "status", "answer", "answered_at"),
        basis=LEGITIMATE_INTERESTS,
        special=NOT_FOR_PROFIT,
        retention="bargaining_query",
        owner=("member",),
        recipients="The officers who answer back-pay queries for your employer",
    ),
    Declaration(
        model="bargaining.PayRecord",
        label="Your pay record",
        purpose=PAY,
        fields=("member", "employee_number", "anniversary"),
        export=("employer__name", "employee_number", "anniversary"),
        basis=LEGITIMATE_INTERESTS,
        special=NOT_FOR_PROFIT,
        retention="bargaining_query",
        owner=("member",),
        recipients="The officers who work out back pay for your employer",
    ),
    Declaration(
        model="bargaining.PayPeriod",
        label="Periods of your pay record",
        purpose=PAY,
        fields=("record", "starts_on", "ends_on", "band", "point", "hours", "full_time_hours"),
        export=("starts_on", "ends_on", "band", "point", "hours", "full_time_hours"),
        basis=LEGITIMATE_INTERESTS,
        special=NOT_FOR_PROFIT,
        retention="bargaining_query",
        owner=("record__member",),
        recipients="The officers who work out back pay for your employer",
    ),
    Declaration(
        model="bargaining.JobReviewInterest",
        label="Job-evaluation reviews you registered for",
        purpose=PAY,
        fields=("member", "evidence"),
        export=("review__employer__name", "review__role_title", "review__status", "evidence", "registered_at"),
        basis=LEGITIMATE_INTERESTS,
        special=NOT_FOR_PROFIT,
        retention="bargaining_query",
        owner=("member",),
        recipients="The officers who follow job-evaluation reviews for your employer",
    ),
    Declaration(
        model="bargaining.CommitmentFollower",
        label="Commitments you follow",
        purpose=PAY,
        fields=("member", "since"),
        export=("commitment__title", "commitment__status", "since"),
        basis=CONSENT,
        special=NOT_FOR_PROFIT,
        retention="bargaining_query",
        owner=("member",),
        recipients="No one: it decides which updates you are sent",
        note="Stop following, or ask for erasure, and it is deleted.",
    ),
    _officer("bargaining.BodyStatusChange", ("recorded_by",), ("body__name", "status", "on"), ("recorded_by__member",)),
    _officer("bargaining.BodyMeeting", ("recorded_by",), ("body__name", "held_on"), ("recorded_by__member",)),
    _officer("bargaining.Document", ("uploaded_by",), ("title", "uploaded_at"), ("uploaded_by__member",)),
    _officer("bargaining.Agreement", ("created_by",), ("title", "agreed_on", "created_at"), ("created_by__member",),
             reason="An agreement's record says who entered it; who signed it is part of the agreement."),
    _officer("bargaining.Dispute", ("created_by",), ("title", "opened_on"), ("created_by__member",)),
    _officer("bargaining.DisputeStage", ("recorded_by",), ("dispute__title", "stage", "on"), ("recorded_by__member",)),
    _officer("bargaining.CommitmentUpdate", ("recorded_by",), ("commitment__title", "status", "on", "recorded_at"), ("recorded_by__member",)),
    _officer("bargaining.PayScale", ("imported_by",), ("employer__name", "name", "imported_at"), ("imported_by__member",),
             reason="Who imported a pay scale is part of its record; the scale itself holds no one's pay."),
    NoPersonalData("bargaining.NegotiatingBody", "A negotiating body's name and constitution; its union side is offices, declared with members.Office."),
    RetentionRule(
        key="bargaining_query", model="bargaining.BackPayQuery", action=DELETE, event="the query's answer (answered_at); an open one's settlement end (ends_on) or the day its member left (lapsed_on), whichever is first",
        due=queries_due, apply=queries_delete, keeps="the settlement, its scales and the officers' records",
    ),
    RetentionRule(
        key="bargaining_query", model="bargaining.PayRecord", action=DELETE, event="the day the member left (lapsed_on)",
        due=pay_records_due, apply=pay_records_delete, keeps="the pay scales and settlements, which name no one",
    ),
    RetentionRule(
        key="bargaining_query", model="bargaining.CommitmentFollower", action=DELETE, event="the day the member left (lapsed_on)",
        due=followers_due, apply=followers_delete, keeps="the commitment and its updates",
    ),
    RetentionRule(
        key="bargaining_query", model="bargaining.JobReviewInterest", action=DELETE, event="the review's completion (completed_on), or the day the member left (lapsed_on), whichever is first",
        due=interests_due, apply=interests_delete, keeps="the review, its status and dates",
    ),
]
