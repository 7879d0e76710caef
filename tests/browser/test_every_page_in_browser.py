"""Every page, in every demo role, at a phone's width and a desktop's (issue 16).

The demo union is built (every app's builder, as `make demo` does), then each
role signs in and visits every page its menu reaches, and the pages those link
to (two steps from the menu; of links that differ only by a number, such as one
member's record and another's, or one ballot's turnout and another's, the first
only). On every page, at 390 and at
1366 px wide, the test fails on (axe runs at both widths, as a rule can pass at
one and fail at the other: a table that scrolls only on a phone must take focus):

- a link that answers 4xx or 5xx;
- any sideways scrolling (the page wider than the window);
- any axe-core violation of WCAG 2.0, 2.1 and 2.2 at levels A and AA, colour
  contrast included (axe-core from the pinned axe-playwright-python).

New apps' pages are covered as soon as the menu, or a page it reaches, links
to them. Downloads (CSV, PDF, feeds) and sign-out are not visited."""

import re
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test import override_settings

from tests.browser.conftest import totp_now
from unionhall.members.demo.builder import DEMO_PASSWORD, DEMO_TOTP_SECRET

ROLES = ("member", "rep", "secretary", "admin")
WIDTHS = (390, 1366)
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NOT_PAGES = re.compile(r"/accounts/logout|\.(csv|pdf|xlsx|json|ics|eml|svg|png)\b|/export|/download|/feed/|/unsubscribe/|/attachments/")
DEPTH = 2  # the menu's pages, what they link to, and what those link to
MOST_PAGES = 120  # per role: a bound on the run, far above what the demo has


def sign_in(page, role: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_text("Sign in with a password instead").click()
    page.locator("#id_login").fill(f"{role}@demo.unionhall.test")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("details").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if page.locator("input[name=code]").count():  # officers: the second factor
        page.locator("input[name=code]").fill(totp_now(DEMO_TOTP_SECRET))
        page.get_by_role("button", name=re.compile("Sign In|Confirm|Authenticate", re.I)).click()
        page.wait_for_load_state()
    # The privacy notice is shown once, before anything else (the demo publishes one): read it,
    # or every page would be the notice.
    if page.get_by_role("button", name="I have read it").count():
        page.get_by_role("button", name="I have read it").click()
        page.wait_for_load_state()
    assert page.locator("nav.main-nav").count() == 1, f"{role} did not get signed in"


def shape(path: str) -> str:
    """What a path is a page of: numbers, and any segment past the first that
    names one thing (a slug such as demo-pay-ballot), stand for any."""
    head, *rest = [part for part in path.split("?")[0].split("/") if part] or [""]
    named = [("X" if re.search(r"[\d-]", part) else part) for part in rest]
    return "/".join([head, *named]) if head else "/"


def pages_reached(page, role: str, problems: list, landed: set[str]) -> list[str]:
    """The HTML pages reachable from the menu within DEPTH steps, one per shape;
    ``landed`` gathers the pages the visits ended on, after any redirect."""
    menu = page.eval_on_selector_all("nav.main-nav a", "links => links.map(a => a.getAttribute('href'))")
    queue = list(dict.fromkeys(menu))
    depth = dict.fromkeys(queue, 0)
    shapes = {shape(path) for path in queue}
    reached = []
    for path in queue:
        answer = page.goto(path)
        if answer.status >= 400:
            problems.append(f"{role}: {path} answered {answer.status}")
            continue
        if "text/html" not in (answer.headers.get("content-type") or ""):
            continue
        reached.append(path)
        landed.add(urlparse(page.url).path)
        if depth[path] >= DEPTH:
            continue
        for href in page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))"):
            link = urlparse(href)
            if link.netloc or not link.path.startswith("/") or NOT_PAGES.search(link.path):
                continue
            target = link.path + (f"?{link.query}" if link.query else "")
            kind = shape(target)
            if kind not in shapes and len(queue) < MOST_PAGES:
                shapes.add(kind)
                queue.append(target)
                depth[target] = depth[path] + 1
    return reached


@pytest.mark.browser
def test_every_page_in_every_role_fits_a_phone_and_passes_axe(browser, live):
    # The demo refuses to run without DEBUG (its passwords are published); its mail needs the site's address.
    with override_settings(DEBUG=True, UNIONHALL_BASE_URL=live.url):
        call_command("demo", members=300, seed=1, stdout=open("/dev/null", "w"))
    axe = Axe()
    problems: list[str] = []
    visited = 0
    landed: set[str] = set()
    for role in ROLES:
        context = browser.new_context(base_url=live.url, viewport={"width": WIDTHS[0], "height": 900})
        page = context.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, role)
        paths = pages_reached(page, role, problems, landed)
        visited += len(paths)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for path in paths:
                page.goto(path)
                wider = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                if wider > 0:
                    problems.append(f"{role} at {width} px: {path} is {wider} px wider than the window")
                found = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]})
                for v in found.response["violations"]:
                    problems.append(f"{role} at {width} px: {path}: axe {v['id']} ({v['impact']}) at {v['nodes'][0]['target']}")
        context.close()
    assert len(landed) > 60, f"the visits ended on only {len(landed)} pages: is the menu there, or is every page one notice?"
    assert not problems, "\n".join(problems)
