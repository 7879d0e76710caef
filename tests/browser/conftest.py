"""Browser tests: Playwright driving Debian's chromium against the live server.

Skipped, saying why, where /usr/bin/chromium is missing (CI installs it)."""

import os
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; the test code's own
# database calls are still ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A live-server test ends by emptying every table, which the audit log's
    append-only trigger forbids: lift the guard for that flush only, then put
    it back for the tests that follow."""
    from pytest_django.plugin import blocking_manager_key

    from unionhall.audit.guard import install_guard, remove_guard

    live = "live_server" in getattr(item, "fixturenames", ())
    blocker = item.config.stash[blocking_manager_key]
    if live:
        with blocker.unblock():
            remove_guard()
    yield
    if live and nextitem is not None:  # after the last test the database itself is gone
        with blocker.unblock():
            install_guard()


@pytest.fixture
def live(live_server):
    """The live server, over a database whose seed data (the statutory rule
    profiles and conference's bodies, put there by migrations) an earlier live
    test's flush removed."""
    import importlib

    from django.apps import apps

    from unionhall.conference.models import Body
    from unionhall.mandates.models import Profile, Rule
    from unionhall.mandates.rules import seed_rules

    if not Profile.objects.exists():
        seed_rules(Profile, Rule)
    if not Body.objects.exists():  # the NEC and officers group, put there by conference's 0002
        importlib.import_module("unionhall.conference.migrations.0002_bodies").create_bodies(apps, None)
    return live_server


@pytest.fixture
def page(browser, live):
    context = browser.new_context(base_url=live.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (the live server shares this
    process's): rate-limit counts, and allauth's record of one-time codes
    already used, which is keyed by user id and code. Every test's users get
    the same ids and the same TOTP secret, so a code used by the test before,
    in the same 30 seconds, was refused as reused."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def totp_now(secret: str) -> str:
    """The code now; in the last two seconds of its 30-second window, the next
    window's, after waiting for it, so the code cannot expire on its way."""
    left = 30 - time.time() % 30
    if left < 2:
        time.sleep(left + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def fill_date(scope, name: str, date) -> None:
    """Type a date into the Day, Month and Year boxes of the form field ``name`` (unionhall.dateparts)."""
    scope.locator(f"input[name={name}_day]").fill(str(date.day))
    scope.locator(f"input[name={name}_month]").fill(str(date.month))
    scope.locator(f"input[name={name}_year]").fill(str(date.year))


def no_sideways_scroll(page) -> bool:
    """Whether the page fits the window's width, read once the page has loaded:
    asked straight after a click that navigates, the old document may be gone
    and the new one not there yet (documentElement is null)."""
    page.wait_for_load_state()
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
