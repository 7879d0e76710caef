"""A live Q&A event in two browsers at once: one member asks, the other sees
the question appear without reloading and votes it up, and the first sees
the count change, also without reloading."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_register_in_browser import sign_in_by_link
from tests.unionhall.conftest import people, union  # noqa: F401  (fixtures)
from unionhall.bulletins.events import EventDraft, do_create_event
from unionhall.bulletins.models import Question


@pytest.fixture
def two_pages(browser, live):
    contexts = [browser.new_context(base_url=live.url, viewport={"width": 390, "height": 844}) for _ in range(2)]
    pages = [context.new_page() for context in contexts]
    for page in pages:
        page.set_default_timeout(10_000)
    yield pages
    for context in contexts:
        context.close()


def test_a_question_and_its_votes_appear_live_in_another_browser(two_pages, people):
    now = timezone.now()
    event = do_create_event(user=people.hq.user, draft=EventDraft(title="Pay Q&A", speaker="The General Secretary", starts_at=now, ends_at=now + dt.timedelta(hours=1)))
    asker, voter = two_pages
    sign_in_by_link(asker, "a1@example.org")
    sign_in_by_link(voter, "e1@example.org")
    for page in (asker, voter):
        page.goto(f"/bulletins/events/{event.pk}/")
        expect(page.get_by_text("This list updates by itself")).to_be_visible()  # the script runs: no reload link needed
        expect(page.get_by_role("link", name="Reload to see new questions")).to_be_hidden()

    asker.get_by_label("Your question").fill("When will the <b>pay offer</b> come?")
    asker.get_by_label("my name").check()
    asker.get_by_role("button", name="Ask").click()
    question = Question.objects.get()

    item = voter.locator(f"#q-{question.pk}")
    expect(item.locator(".q-body")).to_have_text("When will the <b>pay offer</b> come?")  # appeared by polling, shown as text
    expect(item.locator(".q-votes")).to_have_text("0")
    url_before = voter.url
    item.get_by_role("button", name="Vote up").click()
    expect(item.locator(".q-votes")).to_have_text("1")
    assert voter.url == url_before

    expect(asker.locator(f"#q-{question.pk} .q-votes")).to_have_text("1", timeout=10_000)
    question.refresh_from_db()
    assert question.votes == 1
