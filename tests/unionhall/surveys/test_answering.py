"""Building a survey, answering it (anonymous and confidential), and closing it."""

import datetime as dt
import random

import pytest

from tests.unionhall.conftest import make_member
from unionhall.members.models import Grade
from unionhall.members.remit import remit_for
from unionhall.outbox.models import Message
from unionhall.refusals import Refused
from unionhall.surveys import pulse, services
from unionhall.surveys.models import AnsweredMark, Audience, Draft, FreeText, Kind, Response, Run, Survey

QUESTIONS = [
    {"kind": "number", "text": "Caseload", "unit": "cases", "min_value": 0, "max_value": 200},
    {"kind": "single", "text": "Leaving?", "choices": "Yes\nNo\nNot sure"},
    {"kind": "multiple", "text": "Which?", "choices": "A\nB\nC", "required": False},
    {"kind": "scale", "text": "I cope"},
    {"kind": "date", "text": "Since when?", "required": False},
    {"kind": "text", "text": "Anything else?", "required": False, "breakdown": False},
]
GOOD = {"q1": "42", "q2": "No", "q3": ["A", "C"], "q4": "Agree", "q5": "2025-11-03", "q6": "Too many reports at Harbour"}


def make_survey(people, now, *, kind=Kind.ANONYMOUS, **extra) -> Survey:
    return services.survey_create(by=people.hq.user, remit=remit_for(people.hq.user), title="Workload", questions=QUESTIONS,
                                  kind=kind, now=now, **extra)  # fmt: skip


def test_creating_a_survey_opens_its_first_run_and_invites_its_audience(people, now):
    survey = make_survey(people, now)
    run = survey.runs.get()
    assert run.number == 1 and run.opens_at == now and run.invited == 8
    assert Message.objects.filter(topic="survey_invitation").count() == 8


def test_a_threshold_below_five_is_refused_and_nothing_is_written(people, now):
    with pytest.raises(Refused, match="no lower than 5"):
        make_survey(people, now, threshold=4)
    assert Survey.objects.count() == 0 and Run.objects.count() == 0


def test_a_branch_officer_cannot_survey_another_branch(people, union, now):
    with pytest.raises(Refused) as exc:
        services.survey_create(by=people.carol.user, remit=remit_for(people.carol.user), title="T", questions=QUESTIONS,
                               audience=Audience.CHOSEN, branches=[union.south], now=now)  # fmt: skip
    assert exc.value.status == 403
    assert Survey.objects.count() == 0


def test_a_branch_officer_can_survey_their_own_branch_and_owns_it(people, union, now):
    survey = services.survey_create(by=people.carol.user, remit=remit_for(people.carol.user), title="T", questions=QUESTIONS,
                                    audience=Audience.CHOSEN, branches=[union.north], now=now)  # fmt: skip
    assert survey.owner_branch == union.north
    assert services.remit_covers_survey(remit_for(people.carol.user), survey)
    assert not services.remit_covers_survey(remit_for(people.dave.user), survey)
    assert survey.runs.get().invited == 3  # alice, bob, carol at North; nobody else


def test_an_anonymous_response_carries_nothing_that_joins_back_to_the_member(people, now):
    run = make_survey(people, now).runs.get()
    services.response_submit(run=run, member=people.alice, raw=GOOD, now=now + dt.timedelta(hours=3))
    response = Response.objects.get()
    assert response.member_id is None
    assert response.answered_on == (now + dt.timedelta(hours=3)).date()  # the day, no time
    assert isinstance(response.pk, type(AnsweredMark.objects.get().pk)) and response.pk != AnsweredMark.objects.get().pk
    fields = {f.name for f in Response._meta.get_fields()}
    assert not fields & {"created_at", "updated_at", "submitted_at"}
    assert (response.employer, response.branch, response.grade) == ("pps", "north", Grade.OTHER)
    assert AnsweredMark.objects.filter(run=run, member=people.alice).exists()


def test_a_second_anonymous_answer_is_refused_and_changes_nothing(people, now):
    run = make_survey(people, now).runs.get()
    services.response_submit(run=run, member=people.alice, raw=GOOD, now=now)
    with pytest.raises(Refused) as exc:
        services.response_submit(run=run, member=people.alice, raw={**GOOD, "q1": "7"}, now=now)
    assert exc.value.status == 409
    assert Response.objects.count() == 1 and Response.objects.get().answers["q1"] == "42"


def test_a_confidential_answer_can_be_changed_until_the_run_closes(people, now):
    run = make_survey(people, now, kind=Kind.CONFIDENTIAL).runs.get()
    services.response_submit(run=run, member=people.alice, raw=GOOD, now=now)
    services.response_submit(run=run, member=people.alice, raw={**GOOD, "q1": "50"}, now=now + dt.timedelta(days=1))
    assert Response.objects.get(member=people.alice).answers["q1"] == "50"
    with pytest.raises(Refused, match="closed"):
        services.response_submit(run=run, member=people.alice, raw={**GOOD, "q1": "60"}, now=run.closes_at)
    assert Response.objects.get(member=people.alice).answers["q1"] == "50"


@pytest.mark.parametrize(
    "raw, message",
    [
        ({**GOOD, "q1": "201"}, "from 0 to 200"),
        ({**GOOD, "q1": "lots"}, "give a number"),
        ({**GOOD, "q2": "Maybe"}, "choose one"),
        ({**GOOD, "q5": "03/11/2025"}, "year-month-day"),
        ({k: v for k, v in GOOD.items() if k != "q2"}, "needs an answer"),
    ],
)
def test_bad_answers_are_refused_with_a_clear_message_and_nothing_is_written(people, now, raw, message):
    run = make_survey(people, now).runs.get()
    with pytest.raises(Refused, match=message):
        services.response_submit(run=run, member=people.alice, raw=raw, now=now)
    assert Response.objects.count() == 0 and AnsweredMark.objects.count() == 0


def test_answering_outside_the_window_or_the_audience_is_refused(people, union, now):
    survey = services.survey_create(by=people.hq.user, remit=remit_for(people.hq.user), title="North only", questions=QUESTIONS,
                                    audience=Audience.CHOSEN, branches=[union.north], now=now)  # fmt: skip
    run = survey.runs.get()
    with pytest.raises(Refused) as exc:
        services.response_submit(run=run, member=people.erin, raw=GOOD, now=now)
    assert exc.value.status == 404
    with pytest.raises(Refused, match="not opened"):
        services.response_submit(run=run, member=people.alice, raw=GOOD, now=now - dt.timedelta(minutes=1))
    assert Response.objects.count() == 0 and AnsweredMark.objects.count() == 0


def test_save_and_come_back_keeps_a_draft_until_submit_removes_it(people, now):
    run = make_survey(people, now).runs.get()
    services.draft_save(run=run, member=people.alice, raw={"q1": "12"}, now=now)
    assert services.answers_for(run, people.alice) == {"q1": "12"}
    assert Response.objects.count() == 0
    services.response_submit(run=run, member=people.alice, raw=GOOD, now=now)
    assert Draft.objects.count() == 0


def _answer_many(run, union, count, now, rng):
    members = [make_member(f"M{i}", rng.choice([union.north, union.south]), grade=rng.choice([Grade.PO, Grade.PSO])) for i in range(count)]
    for m in members:
        services.response_submit(run=run, member=m, raw={**GOOD, "q1": str(rng.randint(10, 60)), "q2": rng.choice(["Yes", "No"])}, now=now)
    return members


def test_closing_shuffles_the_anonymous_rows_copies_free_text_out_and_publishes_protected_results(people, union, now):
    run = make_survey(people, now).runs.get()
    rng = random.Random(3)
    _answer_many(run, union, 30, now, rng)
    before = set(Response.objects.values_list("pk", flat=True))
    kept = sorted(Response.objects.values_list("answered_on", "employer", "branch", "grade", "answers__q1"))
    with pytest.raises(Refused):
        services.run_close(run, now=now)  # still open
    run = services.run_close(run, now=run.closes_at, rng=random.Random(1))
    assert not before & set(Response.objects.values_list("pk", flat=True))  # fresh keys
    assert Response.objects.count() == 30 and not Response.objects.exclude(run=run).exists()
    assert sorted(Response.objects.values_list("answered_on", "employer", "branch", "grade", "answers__q1")) == kept  # the same answers, in new rows
    assert all("q6" not in a for a in Response.objects.values_list("answers", flat=True))
    assert FreeText.objects.filter(run=run).count() == 30
    assert run.results["respondents"] == 30 and run.results["audit_passed"]


def test_open_due_runs_starts_the_next_monthly_run_a_month_later(people, now):
    survey = services.pulse_start(by=people.hq.user, remit=remit_for(people.hq.user), now=now)
    assert services.open_due_runs(now + dt.timedelta(days=20)) == 0
    assert services.open_due_runs(now + dt.timedelta(days=32)) == 1
    assert list(survey.runs.values_list("number", flat=True)) == [1, 2]


def test_the_standard_pulse_uses_the_hse_demands_items_on_their_own_scale(people, now):
    survey = services.pulse_start(by=people.hq.user, remit=remit_for(people.hq.user), now=now)
    items = [q for q in survey.questions.all() if q.label.startswith("HSE demands")]
    assert len(items) == 8 and all(q.choice_list == list(pulse.FREQUENCY) for q in items)
    assert survey.is_anonymous and survey.repeat == "monthly"


def test_a_negative_number_is_refused_whatever_range_the_officer_set(people, now):
    """Results sum what members give: one -1 stopped a run's results, and with
    them the hourly job's every later close (review finding)."""
    open_range = [{"kind": "number", "text": "Overtime hours last week"}]  # "number | Overtime" in the form: no range
    run = services.survey_create(by=people.hq.user, remit=remit_for(people.hq.user), title="Overtime", questions=open_range, now=now).runs.get()
    with pytest.raises(Refused, match="at least 0"):
        services.response_submit(run=run, member=people.alice, raw={"q1": "-1"}, now=now)
    assert not Response.objects.exists()
    with pytest.raises(Refused, match="never below 0"):
        services.survey_create(by=people.hq.user, remit=remit_for(people.hq.user), title="Owed", now=now,
                               questions=[{"kind": "number", "text": "Pay owed", "min_value": -100, "max_value": 100}])  # fmt: skip


def test_one_run_that_cannot_be_closed_leaves_the_others_to_close(people, now, monkeypatch):
    first, second = (make_survey(people, now).runs.get() for _ in range(2))
    real_close = services.run_close

    def close(run, **kwargs):
        if run.pk == first.pk:
            raise RuntimeError("a run that cannot be worked out")
        return real_close(run, **kwargs)

    monkeypatch.setattr(services, "run_close", close)
    later = max(first.closes_at, second.closes_at) + dt.timedelta(hours=1)
    assert services.close_due_runs(now=later) == 1
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.results_at is not None and first.results_at is None
