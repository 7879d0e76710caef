"""Campaigns in a real chromium: HQ writes a campaign and opens it; a member
on a phone writes to her MP from the model letter (her postcode is split, so
she confirms her constituency), confirms from the emailed link, and the
letter appears in HQ's count by constituency. Then a call for evidence: the
member sends a photo keeping her name from officers, gets a receipt code,
and HQ reviews it without her name and exports the pack."""

import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import no_sideways_scroll
from tests.browser.test_register_in_browser import sign_in_by_link, sign_in_officer
from tests.unionhall.conftest import people, union  # noqa: F401  (fixtures)
from unionhall.campaigns import services
from unionhall.campaigns.models import Campaign, Letter, Submission
from unionhall.outbox.models import Message


@pytest.fixture
def pages(browser, live, settings):
    settings.UNIONHALL_BASE_URL = live.url
    desk = browser.new_context(base_url=live.url, viewport={"width": 1280, "height": 900})
    phone = browser.new_context(base_url=live.url, viewport={"width": 390, "height": 844})
    opened = [desk.new_page(), phone.new_page()]
    for page in opened:
        page.set_default_timeout(40_000)  # a loaded 2-core machine is slow to serve the first page
    yield opened
    desk.close()
    phone.close()



def test_a_member_writes_to_her_mp_confirms_from_the_email_and_hq_counts_it(pages, people):
    hq, member = pages
    people.alice.postcode = "AB10 1AA"  # split: Aberdeen South 62%, Aberdeen North 38%
    people.alice.address_line1 = "4 Orchard Close"
    people.alice.save()

    sign_in_officer(hq, people.hq)
    hq.goto("/campaigns/manage/new/")
    hq.get_by_label("Title").fill("Safe caseloads")
    hq.get_by_label("Summary").fill("Tell your MP what your caseload is.")
    hq.get_by_label("Brief").fill("Caseloads rose **again** this year.")
    hq.get_by_label("Points to make").fill("Your caseload\nWhat it stops you doing")
    hq.get_by_label("Model letter").fill("Dear [representative],\n\nMy caseload is [your caseload].\n\nYours sincerely,\n[name]")
    hq.get_by_label("Subject").fill("Safe caseloads")
    hq.get_by_label("Each member's MP").check()
    hq.get_by_role("button", name="Save as a draft").click()
    hq.get_by_role("button", name="Open it to members").click()
    expect(hq.get_by_text("The campaign is now open for letters.")).to_be_visible()

    sign_in_by_link(member, "a1@example.org")
    member.goto("/campaigns/")
    member.get_by_role("link", name="Safe caseloads").click()
    expect(member.locator("strong", has_text="again")).to_be_visible()
    expect(member.get_by_label("Aberdeen South (62% of your postcode's area)")).to_be_checked()
    member.get_by_label("Aberdeen North (38% of your postcode's area)").check()
    letter = member.get_by_label("Your letter")
    # Split postcode: the MP's name is left for her; her own name is filled in.
    expect(letter).to_have_value(re.compile(r"^Dear \[representative\],.*Yours sincerely,\nAlice Archer$", re.S))
    # The model letter alone is sent back.
    letter.fill(letter.input_value().replace("[your caseload]", "sixty").replace("[representative]", "Kirsty Blackman MP"))
    member.get_by_role("button", name="Check and email me the link to send it").click()
    expect(member.get_by_text("almost all the model letter")).to_be_visible()
    assert not Letter.objects.exists()
    letter = member.get_by_label("Your letter")
    letter.fill(letter.input_value().replace("sixty.", "sixty. Last month I missed two home visits because three court reports fell due on the same morning."))
    member.get_by_role("button", name="Check and email me the link to send it").click()
    expect(member.get_by_text("Nearly done")).to_be_visible()
    assert no_sideways_scroll(member)

    text = Message.objects.get(topic=services.TOPIC_CONFIRM).content.text
    link = re.search(r"(/campaigns/confirm/[^/\s]+/)", text).group(1)
    member.goto(link)
    expect(member.get_by_text("three court reports")).to_be_visible()
    assert not Message.objects.filter(topic=services.TOPIC_LETTER).exists()
    member.get_by_role("button", name="Send my letter").click()
    expect(member.get_by_text("Your letter is on its way")).to_be_visible()
    assert Letter.objects.get().status == Letter.Status.SENT

    hq.goto(f"/campaigns/manage/{Campaign.objects.get().slug}/")
    row = hq.locator("tr", has_text="Aberdeen North").first  # the count by constituency; replies' table follows
    expect(row).to_contain_text("1")
    expect(hq.locator("polygon title", has_text="Aberdeen North: 1 letter")).to_have_count(1)


def test_a_member_sends_evidence_kept_from_officers_and_hq_exports_the_pack(pages, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    hq, member = pages
    Campaign.objects.create(
        title="Estates stories", slug="estates", summary="Tell us about your building.", brief="For the consultation.",
        points="What is wrong", kind=Campaign.Kind.EVIDENCE, evidence_prompt="What is wrong with your office?",
        status=Campaign.Status.OPEN, created_by=people.hq.user, created_at=timezone.now(),
    )  # fmt: skip
    photo = tmp_path / "office.jpg"
    exif = Image.Exif()
    exif[0x010F] = "SnoopCam"
    Image.new("RGB", (60, 40), (10, 120, 200)).save(photo, format="JPEG", exif=exif)

    sign_in_by_link(member, "a1@example.org")
    member.goto("/campaigns/estates/")
    member.get_by_label("What happened").fill("Water comes through the ceiling of room 3 when it rains.")
    member.get_by_label("Keep my name from officers").check()
    member.get_by_label("You may quote my words in a public submission").check()
    member.locator("#id_files").set_input_files(str(photo))
    assert no_sideways_scroll(member)
    member.get_by_role("button", name="Send it").click()
    code = member.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}", code)
    submission = Submission.objects.get()
    assert submission.member_id is None
    assert b"SnoopCam" not in submission.files.get().file.read()
    member.get_by_role("button", name="See it now").click()  # posted: the code never in an address
    expect(member.get_by_text("Water comes through the ceiling of room 3")).to_be_visible()
    assert "code=" not in member.url

    sign_in_officer(hq, people.hq)
    hq.goto("/campaigns/manage/estates/evidence/")
    expect(hq.get_by_text("A member who kept their name from officers")).to_be_visible()
    expect(hq.get_by_text("Alice")).to_have_count(0)
    with hq.expect_download() as download:
        hq.get_by_role("link", name="Export the pack (PDF)").click()
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
