"""Building surveys, answering them and closing their runs.

``check_*`` validates and raises ``Refused`` having changed nothing; the
actions run in one transaction. Times come in as ``now`` so tests control them.
"""

import datetime as dt
import logging
import random
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from unionhall import bulk
from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.members.models import Branch, Employer, Grade, Member
from unionhall.members.remit import Remit
from unionhall.outbox.links import site_url
from unionhall.outbox.models import Channel
from unionhall.outbox.services import Recipient, content_write, messages_queue
from unionhall.refusals import Refused
from unionhall.surveys import pulse
from unionhall.surveys.audience import audience_members, in_audience
from unionhall.surveys.models import (
    ATTRIBUTES, MINIMUM_THRESHOLD, AnsweredMark, Audience, Draft, FreeText, Kind, Question, QuestionKind, Repeat,
    Response, Run, Survey,
)  # fmt: skip
from unionhall.surveys.results import compute, summary

INVITE_BATCH = 2000
MAX_TEXT = 4000


# --- Who may do what --------------------------------------------------------------------

logger = logging.getLogger(__name__)


def remit_covers_survey(remit: Remit, survey: Survey) -> bool:
    """Officers manage and read breakdowns of the surveys made in their remit:
    HQ every survey, a link officer their employer's and its branches', a
    branch officer their branch's."""
    if remit.everyone:
        return True
    if survey.owner_branch_id is not None:
        return survey.owner_branch_id in remit.branch_ids or survey.owner_branch.employer_id in remit.employer_ids
    if survey.owner_employer_id is not None:
        return survey.owner_employer_id in remit.employer_ids
    return False


def surveys_in_remit(remit: Remit) -> QuerySet:
    qs = Survey.objects.select_related("owner_branch", "owner_employer")
    if remit.everyone:
        return qs
    return qs.filter(
        Q(owner_branch_id__in=remit.branch_ids) | Q(owner_branch__employer_id__in=remit.employer_ids) | Q(owner_employer_id__in=remit.employer_ids)
    )


def check_audience(remit: Remit, *, audience: str, employers: list[Employer], branches: list[Branch]) -> tuple[Employer | None, Branch | None]:
    """The owner (employer, branch) of a survey with this audience, if the
    officer's remit covers all of it; refuses otherwise."""
    if remit.everyone:
        return None, None
    if audience == Audience.ALL:
        raise Refused("Only HQ can survey all members; choose your branch or employer.", status=403)
    if not employers and not branches:
        raise Refused("Choose the employers or branches this survey is for.")
    if remit.employer_ids:
        if all(e.pk in remit.employer_ids for e in employers) and all(b.employer_id in remit.employer_ids for b in branches):
            if len(branches) == 1 and not employers:
                return None, branches[0]
            return Employer.objects.get(pk=(employers[0].pk if employers else branches[0].employer_id)), None
    if remit.branch_ids and not employers and len(branches) == 1 and branches[0].pk in remit.branch_ids:
        return None, branches[0]
    raise Refused("That audience is outside the members you represent.", status=403)


def open_runs_for(member: Member, now: dt.datetime) -> list[Run]:
    """Runs open now whose survey is addressed to the member, with
    ``answered`` and ``has_draft`` set on each: a bounded number of queries."""
    runs = list(
        Run.objects.filter(opens_at__lte=now, closes_at__gt=now)
        .select_related("survey")
        .prefetch_related("survey__employers", "survey__branches")
        .annotate(
            has_mark=Exists(AnsweredMark.objects.filter(run=OuterRef("pk"), member=member)),
            has_response=Exists(Response.objects.filter(run=OuterRef("pk"), member=member)),
            has_draft=Exists(Draft.objects.filter(run=OuterRef("pk"), member=member)),
        )
        .order_by("closes_at")
    )
    out = []
    for run in runs:
        if in_audience(run.survey, member):
            run.answered = run.has_mark or run.has_response
            out.append(run)
    return out


# --- Building ------------------------------------------------------------------------


def check_questions(questions: list[dict]) -> None:
    if not questions:
        raise Refused("A survey needs at least one question.")
    for n, q in enumerate(questions, start=1):
        if q.get("kind") not in QuestionKind.values:
            raise Refused(f"Question {n}: unknown kind {q.get('kind')!r}.")
        if not str(q.get("text", "")).strip():
            raise Refused(f"Question {n} has no text.")
        if q["kind"] in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            choices = [c for c in str(q.get("choices", "")).splitlines() if c.strip()]
            if len(choices) < 2:
                raise Refused(f"Question {n} needs at least two choices, one a line.")
            if len(set(choices)) != len(choices):
                raise Refused(f"Question {n} lists a choice twice.")
        lo, hi = q.get("min_value"), q.get("max_value")
        if lo is not None and hi is not None and Decimal(str(lo)) > Decimal(str(hi)):
            raise Refused(f"Question {n}: the smallest allowed number is above the largest.")
        if any(v is not None and Decimal(str(v)) < 0 for v in (lo, hi)):
            raise Refused(f"Question {n}: numbers counted here (caseloads, hours, pay) are never below 0.")


@transaction.atomic
def survey_create(*, by, remit: Remit, title: str, questions: list[dict], kind: str = Kind.ANONYMOUS, audience: str = Audience.ALL,
                  employers=(), branches=(), grades=(), threshold: int = 10, repeat: str = Repeat.ONCE, window_days: int = 14,
                  intro: str = "", attributes=ATTRIBUTES, standard: str = "", now: dt.datetime | None = None,
                  open_now: bool = True) -> Survey:  # fmt: skip
    """Create a survey (and open its first run, unless ``open_now`` is false).
    Refuses an audience outside the officer's remit, a threshold under 5,
    questions that cannot be answered; nothing is written then."""
    now = now or timezone.now()
    employers, branches = list(employers), list(branches)
    if not title.strip():
        raise Refused("Give the survey a title.")
    if kind not in Kind.values or audience not in Audience.values or repeat not in Repeat.values:
        raise Refused("Choose the survey's kind, audience and schedule from the lists.")
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < MINIMUM_THRESHOLD:
        raise Refused(f"The publication threshold can be no lower than {MINIMUM_THRESHOLD}: smaller groups identify people.")
    if not 1 <= window_days <= 60:
        raise Refused("A survey stays open between 1 and 60 days.")
    if any(g not in Grade.values for g in grades):
        raise Refused("Choose grades from the list.")
    if audience == Audience.ALL:
        employers, branches, grades = [], [], []
    owner_employer, owner_branch = check_audience(remit, audience=audience, employers=employers, branches=branches)
    check_questions(questions)
    survey = Survey(
        title=title.strip()[:200], intro=intro, kind=kind, audience=audience, threshold=threshold, repeat=repeat,
        window_days=window_days, standard=standard, owner_employer=owner_employer, owner_branch=owner_branch,
        created_by=by, created_at=now, attributes="," + ",".join(a for a in ATTRIBUTES if a in attributes) + ",",
    )  # fmt: skip
    survey.set_grades(grades)
    survey.full_clean()
    survey.save()
    survey.employers.set(employers)
    survey.branches.set(branches)
    Question.objects.bulk_create(
        Question(survey=survey, position=n, **{k: v for k, v in q.items() if k != "position"}) for n, q in enumerate(questions, start=1)
    )
    audit_record(actor=by, action=Action.CHANGE, subject=survey, detail={"survey": "created", "kind": kind})
    if open_now:
        run_open(survey, now=now)
    return survey


def pulse_start(*, by, remit: Remit, employers=(), branches=(), now: dt.datetime | None = None, open_now: bool = True) -> Survey:
    """Start the standard monthly workload pulse for an audience within the
    officer's remit (all members for HQ when none is given)."""
    employers, branches = list(employers), list(branches)
    audience = Audience.CHOSEN if (employers or branches) else Audience.ALL
    return survey_create(
        by=by, remit=remit, title=pulse.TITLE, intro=pulse.INTRO, questions=pulse.questions(), kind=Kind.ANONYMOUS,
        audience=audience, employers=employers, branches=branches, repeat=Repeat.MONTHLY, window_days=10,
        standard=pulse.KEY, now=now, open_now=open_now,
    )  # fmt: skip


def run_open(survey: Survey, *, now: dt.datetime, invite: bool = True) -> Run:
    """Open the survey's next run now and invite its audience by email."""
    with transaction.atomic():
        last = survey.runs.order_by("-number").first()
        run = Run.objects.create(
            survey=survey, number=(last.number + 1) if last else 1, opens_at=now, closes_at=now + dt.timedelta(days=survey.window_days),
            invited=audience_members(survey).count(),
        )  # fmt: skip
        if invite:
            _invite(run)
    return run


def _invite(run: Run) -> None:
    survey = run.survey
    link = site_url(reverse("surveys_answer", args=[run.pk]))
    content = content_write(
        key=f"survey-invite:{run.pk}",
        subject=f"{survey.title}: your answers, in two minutes",
        text=(
            f"{survey.title} is open until {run.closes_at:%-d %B}.\n\n{survey.intro}\n\n"
            f"Answer on your phone: {link}\n\nYou can save and come back before you submit."
        ),
    )
    members = audience_members(survey).exclude(email="").values_list("pk", "email")
    batch = []
    for member_id, email in members.iterator(chunk_size=INVITE_BATCH):
        batch.append(Recipient(key=f"survey-invite:{run.pk}:{member_id}", address=email, member_id=member_id))
        if len(batch) >= INVITE_BATCH:
            messages_queue(topic="survey_invitation", channel=Channel.EMAIL, content=content, recipients=batch, about=run)
            batch = []
    if batch:
        messages_queue(topic="survey_invitation", channel=Channel.EMAIL, content=content, recipients=batch, about=run)


# --- Answering -----------------------------------------------------------------------


def clean_answers(questions: list[Question], raw: dict, *, complete: bool) -> dict:
    """Answers as stored, from form values (``q1`` → text, or a list for
    several choices). ``complete``: every required question must be answered
    (submitting); otherwise blanks are allowed (saving a draft). Refuses with
    every problem listed."""
    answers, problems = {}, []
    for q in questions:
        value = raw.get(q.key)
        if isinstance(value, (list, tuple)) and q.kind != QuestionKind.MULTIPLE:
            value = value[0] if value else ""
        if value in (None, "", [], ()):
            if complete and q.required:
                problems.append(f"“{q.short}” needs an answer.")
            continue
        try:
            answers[q.key] = _clean_one(q, value)
        except ValueError as exc:
            problems.append(f"“{q.short}”: {exc}")
    if problems:
        raise Refused(" ".join(problems), status=422)
    return answers


def _clean_one(q: Question, value):
    if q.kind == QuestionKind.NUMBER:
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise ValueError("give a number.") from None
        if not number.is_finite():
            raise ValueError("give a number.")
        if number < 0:  # results sum what members give (caseloads, hours, pay): one negative answer would stop them
            raise ValueError("give a number of at least 0.")
        if q.min_value is not None and number < q.min_value or q.max_value is not None and number > q.max_value:
            unit = f" {q.unit}" if q.unit else ""
            if q.min_value is not None and q.max_value is not None:
                raise ValueError(f"give a number from {_plain(q.min_value)} to {_plain(q.max_value)}{unit}.")
            if q.min_value is not None:
                raise ValueError(f"give a number of at least {_plain(q.min_value)}{unit}.")
            raise ValueError(f"give a number of at most {_plain(q.max_value)}{unit}.")
        return str(int(number)) if number == number.to_integral() else str(number.quantize(Decimal("0.01")))
    if q.kind in (QuestionKind.SINGLE, QuestionKind.SCALE):
        if value not in q.choice_list:
            raise ValueError("choose one of the options.")
        return value
    if q.kind == QuestionKind.MULTIPLE:
        values = [value] if isinstance(value, str) else list(value)
        if any(v not in q.choice_list for v in values):
            raise ValueError("choose from the options.")
        return [c for c in q.choice_list if c in values]
    if q.kind == QuestionKind.DATE:
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError("give a date as year-month-day.") from None
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise ValueError(f"keep it under {MAX_TEXT} characters.")
    return text


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}"


def check_can_answer(run: Run, member: Member, now: dt.datetime) -> None:
    """Refuses outside the window or the audience, and a second answer where
    the survey allows only one."""
    if not in_audience(run.survey, member):
        raise Refused("This survey is not addressed to you.", status=404)
    if now < run.opens_at:
        raise Refused("This survey has not opened yet.")
    if now >= run.closes_at:
        raise Refused("This survey has closed: answers are no longer taken.")
    if run.survey.is_anonymous and AnsweredMark.objects.filter(run=run, member=member).exists():
        raise Refused("You have already answered. Anonymous answers cannot be changed: nothing links them to you.", status=409)


def draft_save(*, run: Run, member: Member, raw: dict, now: dt.datetime | None = None) -> Draft:
    """Keep the answers so far, to come back to; nothing is submitted."""
    now = now or timezone.now()
    check_can_answer(run, member, now)
    answers = clean_answers(list(run.survey.questions.all()), raw, complete=False)
    draft, _ = Draft.objects.update_or_create(run=run, member=member, defaults={"answers": answers, "saved_at": now})
    return draft


def response_submit(*, run: Run, member: Member, raw: dict, now: dt.datetime | None = None) -> None:
    """Submit the member's answers. Confidential: stored under the member,
    replacing an earlier answer. Anonymous: stored with no link to the member,
    who gets only an ``AnsweredMark``; a second answer is refused. The draft
    goes in the same transaction."""
    now = now or timezone.now()
    check_can_answer(run, member, now)
    survey = run.survey
    answers = clean_answers(list(survey.questions.all()), raw, complete=True)
    attrs = survey.attribute_list
    copied = {
        "employer": member.employer.code if "employer" in attrs else "",
        "branch": member.branch.code if "branch" in attrs else "",
        "grade": member.grade if "grade" in attrs else "",
    }
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=member.pk).first()  # one submission at a time per member
        if survey.is_anonymous:
            if AnsweredMark.objects.filter(run=run, member=member).exists():
                raise Refused("You have already answered. Anonymous answers cannot be changed: nothing links them to you.", status=409)
            AnsweredMark.objects.create(run=run, member=member)
            Response.objects.create(run=run, member=None, answered_on=now.date(), answers=answers, **copied)
        else:
            Response.objects.update_or_create(run=run, member=member, defaults={"answered_on": now.date(), "answers": answers, **copied})
            audit_record(actor=member.user, action=Action.CHANGE, subject=run, detail={"survey answer": "submitted"})
        Draft.objects.filter(run=run, member=member).delete()


def answers_for(run: Run, member: Member) -> dict:
    """What to show in the member's form: their draft, else (confidential) their answer."""
    draft = Draft.objects.filter(run=run, member=member).first()
    if draft:
        return draft.answers
    if not run.survey.is_anonymous:
        response = Response.objects.filter(run=run, member=member).first()
        if response:
            return response.answers
    return {}


# --- Closing -------------------------------------------------------------------------


@transaction.atomic
def run_close(run: Run, *, now: dt.datetime | None = None, rng: random.Random | None = None) -> Run:
    """After the window: drop unsubmitted drafts, copy free text out for
    review (random order, no link), rewrite an anonymous run's responses in
    random order, and work out the publication. Refuses while open."""
    now = now or timezone.now()
    run = Run.objects.select_for_update().select_related("survey").get(pk=run.pk)
    if not run.is_closed(now):
        raise Refused("Results are worked out only after the survey closes.", status=409)
    if run.results_at is not None:
        return run
    rng = rng or random.SystemRandom()
    Draft.objects.filter(run=run).delete()
    text_questions = {q.key: q for q in run.survey.questions.all() if q.kind == QuestionKind.TEXT}
    texts = [
        FreeText(run=run, question=text_questions[key], text=answers[key])
        for answers in Response.objects.filter(run=run).values_list("answers", flat=True).iterator(chunk_size=5000)
        for key in text_questions
        if answers.get(key)
    ]
    rng.shuffle(texts)
    FreeText.objects.bulk_create(texts, batch_size=2000)
    if run.survey.is_anonymous:
        run_shuffle(run, rng=rng)
    run.results = compute(run)
    run.summary = summary(run.results, run.survey.questions.all())
    run.results_at = now
    run.save(update_fields=["results", "summary", "results_at", "shuffled_at"])
    return run


def run_shuffle(run: Run, *, rng: random.Random) -> None:
    """Rewrite an anonymous run's responses in random order with fresh keys,
    so not even the rows' physical order (PostgreSQL's ctid, SQLite's rowid)
    follows the order in which members answered (which the marks' order
    might). Free text is removed from the responses: its reviewed copy is all
    that is kept."""
    text_keys = {q.key for q in run.survey.questions.all() if q.kind == QuestionKind.TEXT}
    rows = list(Response.objects.filter(run=run).values("answered_on", "employer", "branch", "grade", "answers"))
    for row in rows:
        row["answers"] = {k: v for k, v in row["answers"].items() if k not in text_keys}
    rng.shuffle(rows)
    Response.objects.filter(run=run).delete()
    bulk.insert_rows(Response, ({"run_id": run.pk, **row} for row in rows))  # each row a fresh random key (the field's default)
    run.shuffled_at = timezone.now()


def runs_to_close(now: dt.datetime) -> QuerySet:
    return Run.objects.filter(closes_at__lte=now, results_at__isnull=True)


def close_due_runs(now: dt.datetime | None = None) -> int:
    """The periodic job: close every run whose window has passed."""
    now = now or timezone.now()
    done = 0
    for run in runs_to_close(now):
        try:
            run_close(run, now=now)
        except Exception:  # one run that cannot be closed must not keep every other survey's results unpublished
            logger.exception("survey run %s could not be closed; the others go on", run.pk)
            continue
        done += 1
    return done


def open_due_runs(now: dt.datetime | None = None) -> int:
    """The periodic job: open the next run of each monthly survey a month after its last."""
    now = now or timezone.now()
    opened = 0
    for survey in Survey.objects.filter(repeat=Repeat.MONTHLY, stopped_at__isnull=True):
        last = survey.runs.order_by("-number").first()
        if last is None or _add_month(last.opens_at) <= now:
            run_open(survey, now=now)
            opened += 1
    return opened


def _add_month(moment: dt.datetime) -> dt.datetime:
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return moment.replace(year=year, month=month, day=min(moment.day, 28))
