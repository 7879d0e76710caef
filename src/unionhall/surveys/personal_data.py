"""Surveys' personal data (issue 17's declarations). Registered from
SurveysConfig.ready().

What is a member's, and what is not:

- a *confidential* survey's ``Response`` names its member: it is theirs;
- an *anonymous* survey's ``Response`` names no one (``member`` is empty) and
  nothing joins it to the member's ``AnsweredMark``: it is not the member's
  and is never exported as theirs (the owner path ``member`` cannot reach it).
  Only the mark, "you answered this run", is theirs;
- ``FreeText`` is copied out of the responses with no link to any of them:
  only the officer who reviewed it is named, so only that is exported;
- ``Characteristics`` (equality monitoring) is special-category data given
  with explicit consent; the member sees their own answers, officers only
  aggregates (equality.py)."""

from collections.abc import Sequence
import datetime as dt

from django.db import transaction
from django.utils import timezone

from unionhall.members.models import Member
from unionhall.personal_data import (
    CONSENT,
    DELETE,
    LEGITIMATE_INTERESTS,
    NOT_FOR_PROFIT,
    Declaration,
    RetentionRule,
    officer_record,
)
from unionhall.surveys.models import AnsweredMark, Characteristics, Draft, Response

EXPLICIT_CONSENT = (
    "Art. 9(2)(a): your explicit consent, for equality monitoring "
    "(Data Protection Act 2018 Sch. 1 para. 8, equality of opportunity)"
)
SURVEYS = "Your survey answers and equality monitoring"


_officer = officer_record
LEFT = (Member.Status.LAPSED, Member.Status.RESIGNED)


# --- Retention (issue 17): survey_response and equality_data ------------------------------
#
# A run's answers are due once the run closed more than the survey_response
# period ago and its results were worked out (``results_at``): the results and
# the summary stay on the run, so the union's statistics keep their counts,
# and what goes is only what links a member to a run. Responses and marks have
# UUID keys: the schedule's cursor for them is the last key as a string.


def _start(before: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(before, dt.time.min))


def _after(rows, after_id):
    return rows.filter(pk__gt=after_id) if after_id else rows


def _closed_before(model, before: dt.date):
    """Rows of ``model`` in runs closed before ``before`` whose results are worked out."""
    return model.objects.filter(run__closes_at__lt=_start(before), run__results_at__isnull=False)


def responses_due(before: dt.date, after_id, limit: int) -> list[str]:
    """Confidential responses (they name their member) of runs closed before ``before``."""
    rows = _after(_closed_before(Response, before).filter(member__isnull=False), after_id)
    return [str(pk) for pk in rows.order_by("pk").values_list("pk", flat=True)[:limit]]


def responses_delete(ids: Sequence) -> int:
    """Delete the confidential responses among ``ids`` that are still due (the
    run's results were worked out); anonymous ones are never touched."""
    with transaction.atomic():
        deleted, _ = Response.objects.filter(pk__in=list(ids), member__isnull=False, run__results_at__isnull=False).delete()
    return deleted


def marks_due(before: dt.date, after_id, limit: int) -> list[str]:
    rows = _after(_closed_before(AnsweredMark, before), after_id)
    return [str(pk) for pk in rows.order_by("pk").values_list("pk", flat=True)[:limit]]


def marks_delete(ids: Sequence) -> int:
    with transaction.atomic():
        deleted, _ = AnsweredMark.objects.filter(pk__in=list(ids), run__results_at__isnull=False).delete()
    return deleted


def drafts_due(before: dt.date, after_id: int, limit: int) -> list[int]:
    """Drafts never sent, of runs that closed before ``before`` (closing a run
    deletes its drafts; these are a run that was never closed)."""
    rows = Draft.objects.filter(run__closes_at__lt=_start(before), pk__gt=after_id)
    return list(rows.order_by("pk").values_list("pk", flat=True)[:limit])


def drafts_delete(ids: Sequence[int]) -> int:
    with transaction.atomic():
        deleted, _ = Draft.objects.filter(pk__in=list(ids)).delete()
    return deleted


def characteristics_due(before: dt.date, after_id: int, limit: int) -> list[int]:
    """Equality answers of members who left before ``before``: consent to
    equality monitoring is given as a member, and ends when they leave."""
    rows = Characteristics.objects.filter(member__status__in=LEFT, member__lapsed_on__lt=before, pk__gt=after_id)
    return list(rows.order_by("pk").values_list("pk", flat=True)[:limit])


def characteristics_delete(ids: Sequence[int]) -> int:
    """Delete the answers among ``ids`` whose member has still left (one who
    rejoined keeps them)."""
    with transaction.atomic():
        deleted, _ = Characteristics.objects.filter(pk__in=list(ids), member__status__in=LEFT).delete()
    return deleted


RUN_CLOSED = "the survey run's close (once its results are worked out)"


DECLARATIONS = [
    Declaration(
        model="surveys.Response",
        label="Your answers to confidential surveys",
        purpose=SURVEYS,
        fields=("member", "answers", "answered_on", "employer", "branch", "grade"),
        export=("run__survey__title", "run__number", "answered_on", "employer", "branch", "grade", "answers"),
        basis=LEGITIMATE_INTERESTS,
        special=NOT_FOR_PROFIT,
        retention="survey_response",
        owner=("member",),
        recipients="No one sees who answered what: officers see only tables of at least the survey's threshold of answers",
        note="Only confidential surveys keep your name with your answer. Answers to anonymous surveys are stored with no link to you, so they are not here and cannot be found as yours.",
    ),
    Declaration(
        model="surveys.AnsweredMark",
        label="Anonymous surveys you answered",
        purpose=SURVEYS,
        fields=("member", "run"),
        export=("run__survey__title", "run__number"),
        basis=LEGITIMATE_INTERESTS,
        special=NOT_FOR_PROFIT,
        retention="survey_response",
        owner=("member",),
        recipients="Used only to stop a second answer and to count who answered; no one can see what you answered",
        note="Only that you answered: nothing links this mark to your answer, which is not held as yours.",
    ),
    Declaration(
        model="surveys.Draft",
        label="Survey answers saved but not sent",
        purpose=SURVEYS,
        fields=("member", "answers", "saved_at"),
        export=("run__survey__title", "run__number", "saved_at", "answers"),
        basis=LEGITIMATE_INTERESTS,
        special=NOT_FOR_PROFIT,
        retention="survey_response",
        owner=("member",),
        recipients="No one but you",
        note="Deleted when you send your answer.",
    ),
    Declaration(
        model="surveys.Characteristics",
        label="Your equality monitoring answers",
        purpose=SURVEYS,
        fields=("member", "consented_at", "age_band", "sex", "gender_identity", "ethnicity", "disability", "religion", "sexual_orientation"),
        export=("consented_at", "age_band", "sex", "gender_identity", "ethnicity", "disability", "religion", "sexual_orientation"),
        basis=CONSENT,
        special=EXPLICIT_CONSENT,
        retention="equality_data",
        owner=("member",),
        recipients="No one sees your answers: officers see only counts of groups of at least the threshold",
        note="Withdrawing consent deletes these answers at once.",
    ),
    _officer("surveys.Survey", ("created_by",), ("title", "kind", "created_at"), ("created_by__member",),
             "A survey's record says who set it up; it holds no one's answers."),
    _officer("surveys.FreeText", ("reviewed_by",), ("run__survey__title", "status", "reviewed_at"), ("reviewed_by__member",),
             "Who reviewed a free-text answer before publication explains what was published. The answer itself is linked to no one and is not exported."),
    _officer("surveys.OutcomeSet", ("imported_by",), ("title", "imported_at"), ("imported_by__member",),
             "Who imported a set of outcome counts is part of its record; it holds only group counts (and, for a list of members, "
             "keyed fingerprints of those listed, not their outcomes, to refuse a near-copy list)."),
    RetentionRule(
        key="survey_response", model="surveys.Response", action=DELETE, event=RUN_CLOSED,
        due=responses_due, apply=responses_delete,
        keeps="the run's results and summary (the counts by question and group); anonymous responses, linked to no one",
    ),
    RetentionRule(
        key="survey_response", model="surveys.AnsweredMark", action=DELETE, event=RUN_CLOSED,
        due=marks_due, apply=marks_delete, keeps="how many were invited and answered, in the run's results",
    ),
    RetentionRule(
        key="survey_response", model="surveys.Draft", action=DELETE, event="the survey run's close",
        due=drafts_due, apply=drafts_delete,
    ),
    RetentionRule(
        key="equality_data", model="surveys.Characteristics", action=DELETE,
        event="the day the member left (lapsed_on); withdrawing consent deletes them at once",
        due=characteristics_due, apply=characteristics_delete,
        keeps="the equality tables already published, which hold only counts of groups of at least the threshold",
    ),
]
