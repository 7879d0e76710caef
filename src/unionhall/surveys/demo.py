"""The demo union's surveys: fictional data that shows the app at work.

HQ started the standard monthly workload pulse three months ago; it has run
three times (members answered on their phones from the emailed link), each
run closed and published, and a fourth is open now for the demo's member to
answer. Caseloads creep up run by run, so the trend shows. Members gave
equality monitoring answers, and the employer's (fictional) vetting returns
by ethnic group show a higher failure rate for one group, with its interval.
Everything is written in bulk (unionhall.bulk.insert_rows): the whole
builder takes a few seconds at 2,000 members.
"""

import datetime as dt
import random
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from unionhall.bulk import insert_rows
from unionhall.members.models import Grade, Member, Office, Role
from unionhall.members.remit import remit_for
from unionhall.surveys import equality, services
from unionhall.surveys.models import (
    CHARACTERISTICS, PREFER_NOT, AnsweredMark, Characteristics, FreeText, QuestionKind, Response, TextStatus,
)  # fmt: skip

CASELOAD = {Grade.PO: 38, Grade.PSO: 32, Grade.SPO: 12, Grade.AP: 0, Grade.ADMIN: 0, Grade.MANAGER: 0, Grade.OTHER: 5}
COMMENTS = (
    "Three new cases this week and no cover for the vacancy in our team.",
    "The workload tool says I am at 130% and nobody has asked how.",
    "Reports are due the same day as home visits; something always gives.",
    "Better this month: the new starter has taken some of the court work.",
    "I skip lunch most days to keep up with recording.",
)
SICK_DAYS = (0,) * 12 + (1, 2, 3, 5)
VETTING = b"""group,total,outcome
White,1480,21
Black or Black British,230,14
Asian or Asian British,400,10
Mixed or multiple ethnic groups,70,0
Other ethnic group,35,0
"""


class _Asked(NamedTuple):
    """A question as the demo's answers need it, read once rather than per answer."""

    key: str
    kind: str
    label: str
    low: int
    high: int
    choices: list[str]


def _asked(questions) -> list[_Asked]:
    return [_Asked(q.key, q.kind, q.label, int(q.min_value or 0), int(q.max_value or 10**6), q.choice_list) for q in questions]


def _answers(rng: random.Random, grade: str, run_number: int, questions: list[_Asked]) -> dict:
    answers = {}
    base = CASELOAD.get(grade, 5)
    for q in questions:
        if q.kind == QuestionKind.NUMBER:
            if q.label == "Caseload":
                value = max(0, round(rng.gauss(base + 2 * run_number, 6))) if base else rng.randint(0, 3)
            elif q.label == "Workload measure":
                if grade not in (Grade.PO, Grade.PSO) or rng.random() < 0.3:
                    continue
                value = round(rng.gauss(112 + 4 * run_number, 12))
            elif q.label == "Extra hours":
                value = max(0, round(rng.gauss(4 + run_number, 3)))
            else:  # sickness days
                value = rng.choice(SICK_DAYS)
            answers[q.key] = str(min(max(value, q.low), q.high))
        elif q.kind == QuestionKind.SINGLE:
            weights = (1, 3, 6, 6 + run_number, 3 + run_number)
            answers[q.key] = rng.choices(q.choices, weights=weights)[0]
        elif q.kind == QuestionKind.TEXT and rng.random() < 0.03:
            answers[q.key] = rng.choice(COMMENTS)
    return answers


def build_demo(seed: int) -> list[str]:
    """Build this app's part of the demo union (members, offices and ballots
    exist already); return the lines the demo command prints about it."""
    rng = random.Random(seed * 7919 + 12)
    hq = Office.objects.filter(role=Role.HQ_ADMIN).select_related("member__user").order_by("pk").first()
    if hq is None:
        return []
    now = timezone.now()
    first_open = now - dt.timedelta(days=95)
    with transaction.atomic():
        survey = services.pulse_start(by=hq.member.user, remit=remit_for(hq.member.user), now=first_open, open_now=False)
        questions = _asked(survey.questions.all())
        members = list(Member.objects.filter(status=Member.Status.ACTIVE).order_by("pk").values_list("pk", "grade", "employer__code", "branch__code"))
        branch_rate = {b: rng.uniform(0.25, 0.6) for b in sorted({m[3] for m in members})}
        for number in (1, 2, 3):
            opens = first_open + dt.timedelta(days=30 * (number - 1))
            run = services.run_open(survey, now=opens, invite=False)
            answering = [m for m in members if rng.random() < branch_rate[m[3]]]
            days = [(opens + dt.timedelta(days=day)).date() for day in range(survey.window_days)]
            responses = [
                {"run_id": run.pk, "answered_on": days[rng.randint(0, survey.window_days - 1)], "employer": e, "branch": b, "grade": g,
                 "answers": _answers(rng, g, number, questions)}
                for _, g, e, b in answering
            ]  # fmt: skip
            rng.shuffle(responses)  # the rows' order is not the members' order
            insert_rows(AnsweredMark, ({"run_id": run.pk, "member_id": m[0]} for m in answering))
            insert_rows(Response, responses)
            services.run_close(run, now=run.closes_at, rng=rng)
        texts = list(FreeText.objects.filter(run__survey=survey).order_by("pk"))
        for text in texts[: max(1, len(texts) // 2)]:
            text.status, text.redacted = TextStatus.PUBLISHED, text.text
            text.reviewed_by, text.reviewed_at = hq.member.user, now
        FreeText.objects.bulk_update(texts, ["status", "redacted", "reviewed_by", "reviewed_at"])
        current = services.run_open(survey, now=now - dt.timedelta(days=1), invite=False)

        consenting = [m for m in members if rng.random() < 0.6]
        insert_rows(Characteristics, (
            {"member_id": pk, "consented_at": now - dt.timedelta(days=rng.randint(1, 300)),
             **{f: rng.choice((*options, PREFER_NOT)) for f, (_, options) in CHARACTERISTICS.items()}}
            for pk, *_ in consenting
        ))  # fmt: skip
        vetting = equality.outcomes_import(
            by=hq.member.user, title="Police vetting for the offender register system, last 12 months", characteristic="ethnicity",
            outcome_label="failed vetting", adverse=True, threshold=10, source="Employer's monitoring return (fictional)", data=VETTING,
        )  # fmt: skip
        # Outcomes by member list: the union's own record of who sat a promotion
        # board, joined with members' answers inside the import; only counts kept.
        board = [m for m in members if rng.random() < 0.3]
        rows = ["membership_number,outcome", *(f"{number},{'yes' if rng.random() < 0.35 else 'no'}"
                                               for number in Member.objects.filter(pk__in=[m[0] for m in board]).values_list("membership_number", flat=True))]  # fmt: skip
        promotion = equality.outcomes_import(
            by=hq.member.user, title="Promotion board to senior practitioner, 2025-26", characteristic="ethnicity", outcome_label="promoted",
            adverse=False, threshold=10, source="The union's record of members who sat the board (fictional)", data="\n".join(rows).encode(),
        )  # fmt: skip
    closed = survey.runs.filter(results__isnull=False).order_by("number")
    answered = sum(r.results["respondents"] or 0 for r in closed)
    return [
        f"Surveys: the monthly workload pulse has run 3 times ({answered} anonymous answers), results with small groups hidden at",
        f"  /surveys/runs/{closed.last().pk}/results/ (members) and /surveys/manage/runs/{closed.last().pk}/ (officers: breakdowns, trend, packs);",
        f"  run {current.number} is open now at /surveys/runs/{current.pk}/answer/; vetting outcomes by ethnic group at /surveys/equality/{vetting.pk}/",
        f"  and promotion outcomes counted from a list of members at /surveys/equality/{promotion.pk}/",
    ]

