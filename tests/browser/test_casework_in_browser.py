"""Casework in a real chromium: a member asks for help from a phone-sized
screen, the branch secretary assigns a rep, the rep accepts, records a meeting
and sees the postponement deadline with its working, hands the case over, and
an officer outside the case is refused (and the refusal is audited)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fill_date, totp_now
from tests.unionhall.conftest import TOTP_SECRET, give_approved_totp, give_office
from tests.unionhall.conftest import people, union  # noqa: F401  (fixtures)
from tests.unionhall.conftest import make_member
from unionhall.audit.models import AuditEntry
from unionhall.casework.models import Case
from unionhall.members.models import Role

MEETING_DAY = dt.date(2026, 12, 23)  # five working days on cross Christmas and Boxing Day

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
    fill_date(member, "meeting_on", MEETING_DAY)
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
    fill_date(meeting, "on", MEETING_DAY)
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


def _wider_than(page, width: int) -> list[str]:
    """Elements whose box passes ``width``, or whose content spills out of
    their box (a long word in a paragraph): what a phone would cut off or
    scroll sideways to. A table inside .table-wrap scrolls by design."""
    return page.evaluate(
        """(width) => [...document.querySelectorAll('main *')]
            .filter(e => e.getClientRects().length && !e.closest('.table-wrap'))
            .filter(e => e.getBoundingClientRect().right > width + 0.5
                         || (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible'))
            .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.name ? '[name=' + e.name + ']' : '') + ': ' + e.textContent.trim().slice(0, 40))""",
        width,
    )


def test_the_reps_full_case_page_fits_a_phone(browser, live, people, ivy, tmp_path):
    """Everything a rep sees and uses on a busy case, at 390 px: long words and
    links in notes, the tribunal limit's working, every form; nothing wider
    than the screen. The screenshot is kept (SCREENSHOT_DIR, else tmp_path)."""
    import datetime as dt
    import os
    from pathlib import Path

    from tests.unionhall.casework.conftest import pdf_upload
    from unionhall.casework import services
    from unionhall.casework.models import Entry
    from unionhall.members.models import Role as R
    from unionhall.members.remit import remit_for

    nina = make_member("N1", union_of(people).south, None, first_name="Nina", last_name="Noor")
    give_office(nina, R.NATIONAL_REP)
    # Dates relative to today, so the deadlines page (which reads the real date) shows the action.
    today = dt.date.today()
    now = dt.datetime.combine(today - dt.timedelta(days=31), dt.time(9), tzinfo=dt.UTC)
    day = lambda n: today + dt.timedelta(days=n)  # noqa: E731
    link = "https://intranet.example.org/policies/attendance-management/2026/version-4/appendix-b-return-to-work-interview-form.pdf"
    case = services.case_request(member=people.alice, kind="attendance", what_happened=f"Stage two attendance meeting after a long absence. The policy is at {link}",
                                 meeting_on=day(6), meeting_kind="attendance", health_details="Long covid",
                                 uploads=[pdf_upload("a-very-long-file-name-from-the-employers-portal-without-any-spaces-at-all.pdf")], now=now)  # fmt: skip
    case = services.case_assign(actor=people.carol, remit=remit_for(people.carol.user), case=case, rep=people.bob, now=now)
    case = services.case_accept(actor=people.bob, case=case, now=now)
    rep_remit = remit_for(people.bob.user)
    services.case_dates_set(actor=people.bob, remit=rep_remit, case=case, incident_on=day(-45), acas_from=day(-33),
                            acas_cert=day(-14), outcome_on=day(-8), now=now)  # fmt: skip
    services.meeting_record(actor=people.bob, remit=rep_remit, case=case, kind="attendance", on=day(6), companion_unavailable=True,
                            note="Employer_proposed_time_clashes_with_the_branch_committee_meeting_so_ask_for_Thursday", now=now)  # fmt: skip
    services.entry_add(actor=people.bob, remit=rep_remit, case=case, kind="note", body=f"Read {link} before the meeting.", now=now)
    services.entry_add(actor=people.bob, remit=rep_remit, case=case, kind="action", body="Send the fit notes", due_on=day(1),
                       for_member=True, now=now)  # fmt: skip
    services.case_refer(actor=people.bob, remit=rep_remit, case=case, to=nina, note=f"Policy breach? See {link}", now=now)
    assert Entry.objects.filter(case=case, kind="action").exists()

    rep = signed_in(browser, live, people.bob, phone=True)
    response = rep.goto(f"/casework/{case.ref}/")
    assert response.status == 200
    rep.get_by_text("Send the fit notes").wait_for()
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    rep.screenshot(path=str(shots / "casework-rep-case-390.png"), full_page=True)
    assert _wider_than(rep, 390) == []  # nothing past the screen's edge, to be cut off or scrolled to
    assert rep.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    for form in ("#meeting-form", "#handover-form", "#refer-form"):
        box = rep.locator(form).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, form
    # The deadlines page and the secretary's dashboard fit too.
    secretary = signed_in(browser, live, people.carol, phone=True)
    for path in ("/casework/deadlines/", "/casework/branch/", f"/casework/{case.ref}/"):
        secretary.goto(path)
        assert secretary.evaluate("document.documentElement.scrollWidth") <= 390, path
    # The member, on her phone, marks done the action set for her; it leaves the branch's deadlines page.
    secretary.goto("/casework/deadlines/")
    expect(secretary.get_by_text("Action for the member")).to_have_count(1)
    member = signed_in(browser, live, people.alice, officer=False, phone=True)
    member.goto(f"/casework/{case.ref}/")
    member.locator(".card", has_text="Send the fit notes").get_by_role("button", name="Mark done").click()
    member.get_by_text("The action is marked done.").wait_for()
    assert member.evaluate("document.documentElement.scrollWidth") <= 390
    assert Entry.objects.get(case=case, kind="action").done_at is not None
    secretary.goto("/casework/deadlines/")
    expect(secretary.get_by_text("Action for the member")).to_have_count(0)
    for page in (rep, secretary, member):
        page.context.close()


def union_of(people):
    """The fixture union's objects, reached from the people (the tests' union fixture is not requested here)."""
    from types import SimpleNamespace

    from unionhall.members.models import Branch

    return SimpleNamespace(south=Branch.objects.get(code="south"))
