"""Surveys in a real chromium on a 390 px phone: a member opens the pulse,
saves half-way, comes back, submits; after the run closes an officer reads
a breakdown whose small branch is suppressed."""

import datetime as dt
import random

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import no_sideways_scroll
from tests.browser.test_register_in_browser import sign_in_by_link, sign_in_officer
from tests.unionhall.conftest import make_member, people, union  # noqa: F401  (fixtures)
from unionhall.members.models import Grade
from unionhall.members.remit import remit_for
from unionhall.surveys import services
from unionhall.surveys.models import AnsweredMark, Response


@pytest.fixture
def phone(browser, live, settings):
    settings.UNIONHALL_BASE_URL = live.url
    context = browser.new_context(base_url=live.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()



def test_a_member_answers_on_a_phone_and_an_officer_reads_a_suppressed_breakdown(phone, people, union):
    survey = services.pulse_start(by=people.hq.user, remit=remit_for(people.hq.user))
    run = survey.runs.get()

    sign_in_by_link(phone, "a1@example.org")
    phone.goto("/surveys/")
    phone.get_by_role("link", name="Answer (about two minutes)").click()
    assert no_sideways_scroll(phone)
    phone.get_by_label("Caseload (cases)").fill("44")
    phone.get_by_role("button", name="Save and come back later").click()
    expect(phone.get_by_text("Saved. Come back")).to_be_visible()
    assert Response.objects.count() == 0

    phone.goto("/surveys/")
    phone.get_by_role("link", name="Carry on where you left off").click()
    expect(phone.get_by_label("Caseload (cases)")).to_have_value("44")
    phone.get_by_label("Extra hours (hours)").fill("6")
    for fieldset in phone.locator("fieldset").all():
        radios = fieldset.locator("input[type=radio]")
        if radios.count():
            radios.nth(3).check()  # "Often"
    phone.get_by_label("Sickness days (days)").fill("0")
    phone.get_by_role("button", name="Submit").click()
    expect(phone.get_by_text("Thank you: your answers are in.")).to_be_visible()
    assert AnsweredMark.objects.filter(member=people.alice).exists()
    assert Response.objects.get().member_id is None

    # Others answer; North is large, South small; the window passes.
    rng = random.Random(2)
    for i in range(30):
        m = make_member(f"P{i}", union.north if i < 26 else union.south, grade=Grade.PO)
        raw = {q.key: "Often" for q in survey.questions.all() if q.kind == "single"}
        raw.update({"q1": str(rng.randint(30, 50)), "q3": "4", "q12": "0"})
        services.response_submit(run=run, member=m, raw=raw)
    run.closes_at = timezone.now() - dt.timedelta(seconds=1)
    run.save()
    services.run_close(run)

    phone.context.clear_cookies()
    sign_in_officer(phone, people.hq)
    phone.goto(f"/surveys/manage/runs/{run.pk}/?by=branch")
    caseload = phone.locator("section", has=phone.get_by_role("heading", name="Caseload"))
    table = caseload.locator("table")
    expect(table.locator("tr", has_text="North")).to_be_visible()
    expect(table.locator("tr", has_text="South")).to_contain_text("[c]")
    assert no_sideways_scroll(phone)
