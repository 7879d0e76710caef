"""Bulletins in a real chromium: HQ writes and schedules a bulletin, it is
released and delivered, a member comments under a pseudonym, another
reports the comment, and HQ removes it with a reason."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_register_in_browser import sign_in_by_link, sign_in_officer
from tests.unionhall.conftest import people, union  # noqa: F401  (fixtures)
from unionhall.bulletins.delivery import release_due_bulletins
from unionhall.bulletins.models import Bulletin, Comment, Delivery, Series


@pytest.fixture
def pages(browser, live, settings):
    settings.UNIONHALL_BASE_URL = live.url
    contexts = [browser.new_context(base_url=live.url, viewport={"width": 390, "height": 844}) for _ in range(3)]
    opened = [context.new_page() for context in contexts]
    for page in opened:
        page.set_default_timeout(10_000)
    yield opened
    for context in contexts:
        context.close()


def test_a_bulletin_is_scheduled_delivered_discussed_reported_and_moderated(pages, people):
    Series.objects.create(name="General Secretary's blog", slug="gs-blog")
    hq, writer, reporter = pages

    sign_in_officer(hq, people.hq)
    hq.goto("/bulletins/write/")
    hq.get_by_label("Series").select_option(label="General Secretary's blog")
    hq.get_by_label("Title").fill("Caseload cap: what we ask")
    hq.get_by_label("Summary").fill("We ask for a cap on caseloads.")
    hq.get_by_label("Body").fill("The claim is *simple*: no more than 40 cases each.")
    # The live preview shows it as members will, before anything is saved.
    expect(hq.locator("#live-preview em")).to_have_text("simple")
    expect(hq.locator("#live-preview")).to_contain_text("We ask for a cap on caseloads.")
    hq.get_by_label("All members").check()
    hq.get_by_label("Email it to its audience").check()
    hq.get_by_label("Publish at").fill(timezone.localtime(timezone.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    hq.get_by_role("button", name="Save and preview").click()
    expect(hq.locator("em", has_text="simple")).to_be_visible()
    hq.get_by_role("button", name="Publish").click()
    expect(hq.get_by_text("scheduled")).to_be_visible()
    assert not Delivery.objects.exists()

    Bulletin.objects.update(publish_at=timezone.now() - dt.timedelta(minutes=1))  # a day passes
    assert release_due_bulletins() == 1
    hq.get_by_role("link", name="Delivery report").click()
    expect(hq.locator("#count-sent")).to_have_text("8")

    sign_in_by_link(writer, "a1@example.org")
    writer.goto("/bulletins/me/")
    writer.get_by_label("Pseudonym").fill("Quiet Otter")
    writer.get_by_role("button", name="Choose pseudonym").click()
    writer.get_by_text("Your pseudonym is saved.").wait_for()
    writer.goto("/bulletins/gs-blog/1/")
    writer.get_by_label("Your comment").fill("The rota at <b>Castle</b> is unfair.")
    writer.locator("form", has_text="Add a comment").get_by_label("my pseudonym").check()
    writer.get_by_role("button", name="Post").click()
    expect(writer.get_by_text("Your comment is posted as Quiet Otter.")).to_be_visible()
    comment = Comment.objects.get()

    sign_in_by_link(reporter, "e1@example.org")
    reporter.goto("/bulletins/gs-blog/1/")
    thread = reporter.locator(f"#comment-{comment.pk}")
    expect(thread).to_contain_text("Quiet Otter")
    expect(thread).not_to_contain_text("Alice")
    thread.get_by_text("Report", exact=True).click()
    thread.get_by_label("Why are you reporting this comment?").fill("It points at a colleague")
    thread.get_by_role("button", name="Send report").click()
    expect(reporter.get_by_text("A moderator will look at the comment")).to_be_visible()

    hq.goto("/bulletins/moderation/")
    card = hq.locator("article", has_text="It points at a colleague")
    card.get_by_label("Remove").check()
    card.get_by_label("Reason", exact=True).fill("Identifies a colleague")
    card.get_by_role("button", name="Record decision").click()
    expect(hq.get_by_text("Decision recorded.")).to_be_visible()

    reporter.reload()
    expect(reporter.locator(f"#comment-{comment.pk}")).to_contain_text("Removed by a moderator: Identifies a colleague")
