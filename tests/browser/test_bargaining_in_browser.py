"""Bargaining in a real chromium: an officer records an agreement with a
commitment; a member follows it on a 390 px phone; it becomes overdue and the
member is told, sees it on the tracker, and checks their back pay."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import fill_date, no_sideways_scroll
from tests.browser.test_register_in_browser import sign_in_by_link, sign_in_officer
from tests.unionhall.bargaining.conftest import settlement, worked_example  # noqa: F401  (fixtures)
from tests.unionhall.conftest import people, union  # noqa: F401  (fixtures)
from unionhall.bargaining import bodies, notifications
from unionhall.bargaining.models import Commitment
from unionhall.outbox.models import Message


@pytest.fixture
def phone(browser, live, settings):
    settings.UNIONHALL_BASE_URL = live.url
    context = browser.new_context(base_url=live.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]



def passes_axe(page):
    found = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]})
    problems = [f"{page.url}: axe {v['id']} ({v['impact']}) at {v['nodes'][0]['target']}" for v in found.response["violations"]]
    assert not problems, "\n".join(problems)


def test_an_officer_records_a_commitment_that_becomes_overdue_and_a_member_tracks_it_and_checks_back_pay(page, phone, people, union, settlement):
    body = bodies.body_create(name="PPS Joint Negotiating Council", employer=union.pps, parties="PPS; the union", actor=people.hq.user)

    sign_in_officer(page, people.hq)
    page.goto(f"/bargaining/bodies/{body.slug}/")
    page.get_by_role("link", name="Record an agreement").click()
    page.get_by_label("Title").fill("Regrading agreement 2026")
    fill_date(page, "agreed_on", dt.date(2026, 1, 15))
    page.get_by_label("Signatories").fill("Director of HR\nGeneral Secretary")
    page.get_by_label("Clauses").fill("2.1 | PSOs are regraded to band 4 with back pay")
    page.get_by_role("button", name="Record agreement").click()
    expect(page.get_by_text("Agreement recorded.")).to_be_visible()
    page.get_by_label("What was promised").fill("Regrade PSOs to band 4")
    page.get_by_label("Clause").fill("2.1")
    page.get_by_label("What counts as delivered").fill("Band 4 on members' payslips")
    fill_date(page, "due_on", timezone.localdate() + dt.timedelta(days=1))
    page.get_by_role("button", name="Record commitment").click()
    expect(page.get_by_text("Commitment recorded")).to_be_visible()
    commitment = Commitment.objects.get(title="Regrade PSOs to band 4")

    sign_in_by_link(phone, "a1@example.org")
    phone.goto(f"/bargaining/commitments/{commitment.pk}/")
    phone.get_by_role("button", name="Follow: email me when it changes or becomes overdue").click()
    expect(phone.get_by_role("button", name="Stop following")).to_be_visible()

    # The live server's clock cannot be moved: the days pass by moving the due date back, then the daily check runs.
    Commitment.objects.filter(pk=commitment.pk).update(due_on=timezone.localdate() - dt.timedelta(days=45))
    assert notifications.overdue_check() == 1
    assert Message.objects.filter(topic=notifications.TOPIC, address="a1@example.org", content__subject="Overdue: Regrade PSOs to band 4").exists()

    phone.goto("/bargaining/commitments/")
    row = phone.locator("#tracker tr", has_text="Regrade PSOs to band 4")
    expect(row).to_contain_text("Overdue")
    expect(row).to_contain_text("45")
    assert no_sideways_scroll(phone)
    passes_axe(phone)

    phone.goto("/bargaining/pay/")
    expect(phone.get_by_text("Total owed: £406.86")).to_be_visible()
    expect(phone.get_by_role("heading", name="2024-06: £127.67")).to_be_visible()
    assert no_sideways_scroll(phone)
    passes_axe(phone)
    for path in (f"/bargaining/commitments/{commitment.pk}/", f"/bargaining/agreements/{commitment.agreement_id}/", f"/bargaining/bodies/{body.slug}/",
                 "/bargaining/", "/bargaining/reviews/", "/bargaining/disputes/"):
        phone.goto(path)
        assert no_sideways_scroll(phone)
        passes_axe(phone)
    for path in (f"/bargaining/agreements/{commitment.agreement_id}/", f"/bargaining/bodies/{body.slug}/", "/bargaining/pay/scales/", "/bargaining/pay/queries/"):
        page.goto(path)  # the officer's pages, with their forms
        passes_axe(page)
