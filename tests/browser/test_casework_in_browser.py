"""Casework in a real chromium: a member asks for help from a phone-sized
screen, the branch secretary assigns a rep, the rep accepts, records a meeting
and sees the postponement deadline with its working, hands the case over, and
an officer outside the case is refused (and the refusal is audited)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import totp_now
from tests.unionhall.conftest import TOTP_SECRET, give_approved_totp, give_office
from tests.unionhall.conftest import people, union  # noqa: F401  (fixtures)
from tests.unionhall.conftest import make_member
from unionhall.audit.models import AuditEntry
from unionhall.casework.models import Case
from unionhall.members.models import Role

PASSWORD = "correct horse battery"


@pytest.fixture
def ivy(people, union):
    ivy = make_member("I1", union.north, union.castle, first_name="Ivy", last_name="Irwin")
    give_office(ivy, Role.WORKPLACE_REP, workplace=union.castle)
    return ivy


def signed_in(browser, live, member, *, officer=True, phone=False):
    """A fresh browser context signed in as ``member`` (with TOTP for officers)."""
    member.user.set_password(PASSWORD)
    member.user.save()
    if officer:
        give_approved_totp(member.user)
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(base_url=live.url, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.get_by_text("Sign in with a password instead").click()
    page.locator("#id_login").fill(member.user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("details").get_by_role("button", name="Sign in").click()
    if officer:
        page.locator("input[name=code]").fill(totp_now(TOTP_SECRET))
        page.get_by_role("button", name=re.compile("Sign In|Confirm|Authenticate", re.I)).click()
    page.wait_for_load_state()
    return page


def test_a_case_from_request_to_handover_and_an_outsider_refused(browser, live, people, ivy):
    # The member asks for help on a phone.
    member = signed_in(browser, live, people.alice, officer=False, phone=True)
    member.goto("/casework/")
    member.get_by_role("link", name="Ask for help").click()
    member.get_by_label("What do you need help with?").select_option("disciplinary")
    member.get_by_label("What happened?").fill("Invited to a hearing about a late report after a colleague left")
    member.get_by_label("Meeting date (if you have been invited to one)").fill("2026-12-23")
    member.get_by_label("Kind of meeting").select_option("disciplinary")
    member.get_by_role("button", name="Send my request").click()
    member.get_by_text("Your request is with your branch").wait_for()
    assert member.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll on a phone
    case = Case.objects.get()

    # The branch secretary sees it in the queue and asks Bob to take it.
    secretary = signed_in(browser, live, people.carol, phone=True)
    secretary.goto("/casework/branch/")
    assert secretary.evaluate("document.documentElement.scrollWidth") <= 390
    secretary.get_by_role("link", name="Alice Archer").click()
    assert secretary.evaluate("document.documentElement.scrollWidth") <= 390
    expect(secretary.get_by_text("late report")).to_have_count(0)  # the secretary does not read what happened
    secretary.locator("#assign-form select").select_option(label="Bob Baker")
    secretary.locator("#assign-form").get_by_role("button", name="Ask this rep").click()
    secretary.get_by_text("The rep has been asked").wait_for()

    # Bob accepts, records that he cannot attend the hearing, and sees the deadline with its working.
    rep = signed_in(browser, live, people.bob)
    rep.goto(f"/casework/{case.ref}/")
    rep.get_by_role("button", name="Accept the case").click()
    rep.get_by_text("You are now the member's rep").wait_for()
    meeting = rep.locator("#meeting-form")
    meeting.get_by_label("Kind").select_option("disciplinary")
    meeting.get_by_label("Date the employer proposed").fill("2026-12-23")
    meeting.get_by_label(re.compile("I cannot attend then")).check()
    meeting.get_by_role("button", name="Record meeting").click()
    rep.get_by_text("The meeting is recorded.").wait_for()
    deadline = rep.locator("details", has_text="Monday 4 January 2027")
    expect(deadline).to_have_count(1)
    expect(deadline.get_by_text(re.compile("Boxing Day"))).to_have_count(1)

    # The member sees their rep and the next date.
    member.reload()
    expect(member.get_by_text("Bob Baker").first).to_be_visible()

    # Bob hands the case to Ivy; he can no longer read it.
    rep.locator("#handover-form select").select_option(label="Ivy Irwin")
    rep.locator("#handover-form textarea").fill("I am away from next week")
    rep.locator("#handover-form").get_by_role("button", name="Hand over").click()
    rep.wait_for_load_state()
    assert rep.goto(f"/casework/{case.ref}/").status == 403

    # Ivy accepts and sees the history that went with the case.
    new_rep = signed_in(browser, live, ivy)
    new_rep.goto(f"/casework/{case.ref}/")
    new_rep.get_by_role("button", name="Accept the case").click()
    new_rep.get_by_text("I am away from next week").wait_for()

    # An officer of another branch is refused, and the refusal is in the audit log.
    outsider = signed_in(browser, live, people.dave)
    assert outsider.goto(f"/casework/{case.ref}/").status == 403
    assert AuditEntry.objects.filter(action="denied", actor=people.dave.user, subject_type="casework.case", subject_id=str(case.pk)).exists()
    for page in (member, secretary, rep, new_rep, outsider):
        page.context.close()
