"""The register as people use it, in a real chromium: signing in by emailed
link, an officer's TOTP, search within remit, the import preview, and a
member correcting their address."""

import re

from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import totp_now
from tests.unionhall.conftest import TOTP_SECRET, give_approved_totp
from tests.unionhall.conftest import people, union  # noqa: F401  (fixtures)
from tests.unionhall.members.test_importer import GOOD
from unionhall.members.models import Member


def sign_in_by_link(page, email: str):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").first.fill(email)
    page.get_by_role("button", name="Send me a sign-in link").click()
    page.wait_for_url("**/login/code/confirm/**")
    link = re.search(r"https?://\S+/accounts/login/code/confirm/\?code=\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()


def sign_in_officer(page, member, password="correct horse battery"):
    member.user.set_password(password)
    member.user.save()
    give_approved_totp(member.user)
    page.goto("/accounts/login/")
    page.get_by_text("Sign in with a password instead").click()
    page.locator("#id_login").fill(member.user.email)
    page.locator("#id_password").fill(password)
    page.locator("details").get_by_role("button", name="Sign in").click()
    page.locator("input[name=code]").fill(totp_now(TOTP_SECRET))
    page.get_by_role("button", name=re.compile("Sign In|Confirm|Authenticate", re.I)).click()


def test_a_member_signs_in_by_link_and_corrects_their_address(page, people):
    sign_in_by_link(page, "a1@example.org")
    page.get_by_role("link", name="My details").first.click()
    page.get_by_label("Address", exact=True).fill("7 Orchard Close")
    page.get_by_label("Postcode").fill("cf10 1aa")
    page.get_by_role("button", name="Save my details").click()
    page.get_by_text("Your details are saved.").wait_for()
    people.alice.refresh_from_db()
    assert (people.alice.address_line1, people.alice.postcode) == ("7 Orchard Close", "CF10 1AA")
    # A plain member has no register in the menu, and is refused if they go there.
    assert page.get_by_role("link", name="Register").count() == 0
    response = page.goto("/register/")
    assert response.status == 403


def test_a_branch_secretary_searches_within_their_branch_only(page, people):
    sign_in_officer(page, people.carol)
    page.get_by_role("link", name="Register").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    assert sorted(rows.nth(i).locator("td").first.inner_text() for i in range(3)) == ["A1", "B1", "C1"]
    page.get_by_label("Name or membership number").fill("Arch")
    page.get_by_role("button", name="Search").click()
    expect(rows).to_have_count(1)
    page.get_by_role("link", name="A1").click()
    page.get_by_text("a1@example.org").wait_for()
    assert page.goto("/register/E1/").status == 403


def test_hq_previews_and_applies_an_import(page, people, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(GOOD)
    sign_in_officer(page, people.hq)
    page.goto("/register/import/")
    page.get_by_label("Register export (CSV or XLSX)").set_input_files(str(path))
    page.get_by_label(re.compile("whole register")).uncheck()
    page.get_by_role("button", name="Check the file").click()
    stats = page.get_by_role("list", name="What the import would do")
    assert "3 to add" in " ".join(stats.inner_text().split())
    assert not Member.objects.filter(membership_number="N1").exists()
    page.get_by_role("button", name="Apply this import").click()
    page.get_by_text("Imported register.csv: 3 added").wait_for()
    assert Member.objects.filter(membership_number__in=["N1", "N2", "N3"]).count() == 3
