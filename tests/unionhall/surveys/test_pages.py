"""The survey pages: members answer and read union-wide results; officers
within their remit read breakdowns; outsiders are refused."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.unionhall.conftest import make_member, sign_in
from unionhall.audit.models import Action, AuditEntry
from unionhall.members.models import Grade
from unionhall.members.remit import remit_for
from unionhall.surveys import services
from unionhall.surveys.models import AnsweredMark, Audience, FreeText, Response, Survey, TextStatus

QUESTIONS = [
    {"kind": "number", "text": "Caseload", "label": "Caseload", "unit": "cases", "min_value": 0, "max_value": 200},
    {"kind": "single", "text": "Leaving?", "label": "Leaving", "choices": "Yes\nNo"},
    {"kind": "text", "text": "Anything else?", "required": False, "breakdown": False},
]


def open_survey(people, *, audience=Audience.ALL, branches=(), by=None):
    by = by or people.hq
    return services.survey_create(by=by.user, remit=remit_for(by.user), title="Caseloads", questions=QUESTIONS, audience=audience,
                                  branches=branches)  # fmt: skip


def closed_run(people, union, *, north=25, south=4, by=None, audience=Audience.ALL, branches=(), survey=None, prefix="X"):
    """A run answered by ``north`` members at North and ``south`` at South,
    then closed (a new survey's first run, or ``survey``'s next)."""
    if survey is None:
        run = open_survey(people, audience=audience, branches=branches, by=by).runs.get()
    else:
        run = services.run_open(survey, now=survey.runs.last().closes_at + dt.timedelta(days=1))
    rng = random.Random(5)
    for i in range(north + south):
        m = make_member(f"{prefix}{i}", union.north if i < north else union.south, grade=Grade.PO)
        services.response_submit(run=run, member=m, raw={"q1": str(rng.randint(20, 40)), "q2": rng.choice(["Yes", "No"]), "q3": f"note {i}"}, now=run.opens_at)
    run.closes_at = run.opens_at + dt.timedelta(seconds=1)
    run.save()
    return services.run_close(run, now=run.closes_at)


def test_a_member_answers_from_the_form_and_gets_only_a_mark(client, people):
    run = open_survey(people).runs.get()
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("surveys_answer", args=[run.pk]))
    assert page.status_code == 200 and b'name="q1"' in page.content
    response = client.post(reverse("surveys_answer", args=[run.pk]), {"q1": "31", "q2": "Yes", "action": "submit"})
    assert response.status_code == 302
    assert Response.objects.get().answers == {"q1": "31", "q2": "Yes"}
    assert AnsweredMark.objects.filter(member=people.alice).exists()


def test_a_bad_answer_on_the_form_is_shown_back_and_nothing_is_written(client, people):
    run = open_survey(people).runs.get()
    sign_in(client, people.alice, mfa=False)
    page = client.post(reverse("surveys_answer", args=[run.pk]), {"q1": "999", "q2": "Yes", "action": "submit"})
    assert page.status_code == 422 and "from 0 to 200" in page.content.decode()
    assert Response.objects.count() == 0 and AnsweredMark.objects.count() == 0


def test_save_and_come_back_on_the_form_keeps_the_answers(client, people):
    run = open_survey(people).runs.get()
    sign_in(client, people.alice, mfa=False)
    client.post(reverse("surveys_answer", args=[run.pk]), {"q1": "17", "action": "save"})
    page = client.get(reverse("surveys_answer", args=[run.pk]))
    assert 'value="17"' in page.content.decode()
    assert Response.objects.count() == 0


def test_a_member_outside_the_audience_gets_a_404(client, people, union):
    run = open_survey(people, audience=Audience.CHOSEN, branches=[union.north]).runs.get()
    sign_in(client, people.erin, mfa=False)
    assert client.get(reverse("surveys_answer", args=[run.pk])).status_code == 404
    assert client.post(reverse("surveys_answer", args=[run.pk]), {"q1": "3", "q2": "No", "action": "submit"}).status_code == 404
    assert Response.objects.count() == 0


def test_nobody_sees_counts_while_the_run_is_open(client, people):
    run = open_survey(people).runs.get()
    services.response_submit(run=run, member=people.alice, raw={"q1": "30", "q2": "Yes"})
    sign_in(client, people.hq)
    page = client.get(reverse("surveys_officer_results", args=[run.pk])).content.decode()
    assert "Nothing is counted" in page and "Respondents" not in page
    sign_in(client, people.alice, mfa=False)
    assert "published after the survey closes" in client.get(reverse("surveys_results", args=[run.pk])).content.decode()


def test_members_see_union_wide_results_with_shares_and_the_mean(client, people, union):
    run = closed_run(people, union)
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("surveys_results", args=[run.pk])).content.decode()
    assert "29 members answered" in page
    assert "<svg" in page and "<table>" in page
    assert "note 1" not in page  # free text only after review


def test_the_branch_breakdown_hides_the_small_branch_for_hq(client, people, union):
    run = closed_run(people, union)
    sign_in(client, people.hq)
    page = client.get(reverse("surveys_officer_results", args=[run.pk]) + "?by=branch").content.decode()
    assert "South" in page and "[c]" in page
    assert ">4<" not in page  # South's four respondents are never shown
    assert AuditEntry.objects.filter(action=Action.VIEW, subject_type="surveys.run").exists()


def test_a_branch_officer_sees_only_their_branch_rows_and_is_refused_another(client, people, union):
    run = closed_run(people, union)
    run.survey.owner_branch = union.north  # as if North had made it
    run.survey.save()
    sign_in(client, people.carol)
    page = client.get(reverse("surveys_officer_results", args=[run.pk]) + "?by=branch").content.decode()
    assert "North" in page and ">South<" not in page
    refused = client.get(reverse("surveys_officer_results", args=[run.pk]) + "?by=branch&only=south")
    assert refused.status_code == 403
    assert AuditEntry.objects.filter(action=Action.DENIED).exists()


def test_an_officer_of_another_branch_cannot_open_a_branch_survey(client, people, union):
    run = closed_run(people, union, by=people.carol, audience=Audience.CHOSEN, branches=[union.north], south=0)
    sign_in(client, people.dave)
    assert client.get(reverse("surveys_officer_results", args=[run.pk])).status_code == 403
    assert client.get(reverse("surveys_export", args=[run.pk, "csv"])).status_code == 403


def test_a_plain_member_cannot_reach_the_officer_pages(client, people, union):
    run = closed_run(people, union)
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("surveys_officer_results", args=[run.pk])).status_code == 403
    assert client.get(reverse("surveys_manage")).status_code == 403


def test_the_pulse_starts_in_three_clicks(client, people):
    sign_in(client, people.dave)
    manage = client.get(reverse("surveys_manage"))  # click 1: the manage page
    assert reverse("surveys_pulse_start").encode() in manage.content
    form = client.get(reverse("surveys_pulse_start"))  # click 2: the prefilled form
    assert b"checked" in form.content
    branch_id = people.dave.branch_id
    done = client.post(reverse("surveys_pulse_start"), {"branches": [branch_id]})  # click 3
    assert done.status_code == 302
    survey = Survey.objects.get()
    assert survey.owner_branch_id == branch_id and survey.runs.count() == 1


def test_free_text_is_published_only_as_an_officer_redacted_it(client, people, union):
    run = closed_run(people, union)
    text = FreeText.objects.filter(run=run).first()
    sign_in(client, people.hq)
    client.post(reverse("surveys_free_texts", args=[run.pk]), {"text_id": str(text.pk), "redacted": "a note", "decision": "publish"})
    text.refresh_from_db()
    assert text.status == TextStatus.PUBLISHED and text.redacted == "a note"
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("surveys_results", args=[run.pk])).content.decode()
    assert "a note" in page and text.text not in page


@pytest.mark.parametrize("fmt, magic", [("csv", b"Survey: Caseloads"), ("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_the_results_pack_states_its_method_and_hides_small_cells(client, people, union, fmt, magic):
    run = closed_run(people, union)
    sign_in(client, people.hq)
    response = client.get(reverse("surveys_export", args=[run.pk, fmt]))
    assert response.status_code == 200 and response.content.startswith(magic)
    if fmt == "csv":
        body = response.content.decode()
        assert "response rate" in body and "fewer than 10 people" in body and "[c]" in body
    assert AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_the_breakdown_page_takes_a_fixed_number_of_queries(client, people, union):
    run = closed_run(people, union)
    sign_in(client, people.hq)
    url = reverse("surveys_officer_results", args=[run.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(3):  # more runs in the trend: the same queries
        closed_run(people, union, north=12, south=0, survey=run.survey, prefix=f"R{i}-")
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    assert len(again) == len(few) and len(few) < 30


def test_a_breakdown_with_only_small_groups_says_it_cannot_be_published(client, people, union):
    run = closed_run(people, union, north=6, south=5)
    sign_in(client, people.hq)
    page = client.get(reverse("surveys_officer_results", args=[run.pk]) + "?by=branch").content.decode()
    assert "cannot be published safely" in page
    assert ">6<" not in page and ">5<" not in page


def test_a_survey_built_from_the_form_with_a_bad_question_line_is_refused_and_nothing_is_written(client, people):
    sign_in(client, people.hq)
    form = {"title": "Stress", "kind": "anonymous", "threshold": "10", "repeat": "once", "window_days": "14",
            "questions": "number | Caseload | cases 0-500 | required\nsingle | Leaving? | Yes | required"}  # fmt: skip
    page = client.post(reverse("surveys_create"), form)
    assert page.status_code == 200 and Survey.objects.count() == 0
    form["questions"] = "bogus | Caseload"
    assert "the kind must be one of" in client.post(reverse("surveys_create"), form).content.decode()
    form["questions"] = "number | Caseload | cases 0-500 | required\nsingle | Leaving? | Yes; No | optional"
    assert client.post(reverse("surveys_create"), form).status_code == 302
    survey = Survey.objects.get()
    q1, q2 = survey.questions.all()
    assert (q1.unit, q1.max_value, q2.choice_list, q2.required) == ("cases", 500, ["Yes", "No"], False)
