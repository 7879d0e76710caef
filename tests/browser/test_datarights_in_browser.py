"""Members' data rights in a real chromium (issue 17): a member on a phone
sees their data and who has looked, downloads it, and a member who has left
asks to be erased."""

import datetime as dt
import json

from tests.browser.conftest import no_sideways_scroll
from tests.browser.test_register_in_browser import sign_in_by_link
from tests.unionhall.conftest import people, union  # noqa: F401  (fixtures)
from tests.unionhall.datarights.conftest import a_bulletin, a_comment, left
from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.datarights.models import ErasureRequest
from unionhall.datarights.register_exports import register_export_record
from unionhall.members.models import Member

PHONE = {"width": 390, "height": 844}



def test_a_member_on_a_phone_sees_their_data_who_looked_and_downloads_it(page, people):
    a_comment(a_bulletin(people.hq), people.alice, body="Caseloads are too high at Harbour.")
    audit_record(actor=people.carol.user, action=Action.VIEW, subject=people.alice, detail={"page": "member detail", "reason": "grievance"})
    register_export_record(actor=people.dave.user, members=Member.objects.filter(pk=people.alice.pk))  # a list with Alice in it
    page.set_viewport_size(PHONE)
    sign_in_by_link(page, "a1@example.org")
    page.goto("/my-data/")
    page.get_by_text("Caseloads are too high at Harbour.").wait_for()
    assert no_sideways_scroll(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Machine-readable (JSON)").click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert data["member"] == "A1"
    page.get_by_role("link", name="Who has looked").click()
    page.get_by_text("Carol Cooper").wait_for()
    page.get_by_text("Branch secretary, North").wait_for()
    page.get_by_text("included your record in a register export").wait_for()
    page.get_by_text("Dave Dyer").wait_for()
    assert no_sideways_scroll(page)


def test_a_member_who_left_asks_to_be_erased(page, people):
    left(people.alice, dt.date(2026, 1, 31))
    page.set_viewport_size(PHONE)
    sign_in_by_link(page, "a1@example.org")
    page.goto("/my-data/erase/")
    page.get_by_text("Deleted now").first.wait_for()
    assert no_sideways_scroll(page)
    page.get_by_role("button", name="Ask to be erased").click()
    page.get_by_text("Your request is recorded").wait_for()
    assert ErasureRequest.objects.filter(member=people.alice, status="pending").exists()
