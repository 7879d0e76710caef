"""A member votes in a real chromium: the booth encrypts in the page, the
server verifies and stores, the tracker is on the board; then the ballot
closes, two of three trustees decrypt, the result page shows turnout, and the
exported record verifies with unionhall-verify while a tampered copy fails."""

import json
import re
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.test_register_in_browser import sign_in_by_link
from tests.unionhall.ballots.conftest import ballot, crowd, open_ballot  # noqa: F401  (fixtures)
from tests.unionhall.ballots.test_counting import close, post
from tests.unionhall.conftest import people, union  # noqa: F401  (fixtures)
from unionhall.ballots.models import AuditedBallot, Cast
from unionhall.ballots.record import ballot_record


def test_a_member_votes_finds_the_tracker_and_the_result_verifies(page, open_ballot, people, tmp_path):
    sign_in_by_link(page, "a1@example.org")
    page.goto(f"/ballots/{open_ballot.slug}/")
    page.get_by_role("link", name="Vote now").click()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Encrypt my vote").click()
    tracker = page.locator("#tracker").inner_text()
    assert re.fullmatch(r"[\w-]+", tracker)
    # The member reads what they are about to cast, and the focus is on it.
    expect(page.locator("#your-choices dd").first).to_have_text("Yes")
    expect(page.locator("#sealed-heading")).to_be_focused()

    # Audit first (Benaloh): the booth proves it encrypted "Yes"; that ballot is spoilt.
    page.get_by_role("button", name="Check the encryption instead").click()
    expect(page.get_by_role("heading", name="The booth is honest")).to_be_visible()
    assert not Cast.objects.exists()
    code = AuditedBallot.objects.get().code
    expect(page.locator("#outcome")).to_contain_text(code)

    page.get_by_role("button", name="Encrypt my vote again").click()
    tracker = page.locator("#tracker").inner_text()
    page.get_by_role("button", name="Cast this vote").click()
    expect(page.get_by_role("heading", name="Your vote is cast")).to_be_visible()
    assert Cast.objects.get().tracker == tracker

    page.get_by_role("link", name="Find it in the ballot box").click()
    expect(page.locator(f"tr[id='{tracker}']")).to_be_visible()
    expect(page.locator(f"tr[id='{tracker}']")).to_have_class("found")
    expect(page.locator(".find-answer")).to_contain_text("Found and counted")
    expect(page.locator(f"tr[id='audited-{code}']")).to_have_count(0)  # checked ballots wait for the close

    close(open_ballot)
    page.goto(f"/ballots/{open_ballot.slug}/board/")
    expect(page.locator(f"tr[id='{tracker}']")).to_contain_text("ciphertexts and proofs")
    # The checked ballot is published with its choice, for any device to re-check.
    expect(page.locator(f"tr[id='audited-{code}']")).to_contain_text("Yes")
    post(open_ballot, 1, [""])
    post(open_ballot, 3, [""])
    page.goto(f"/ballots/{open_ballot.slug}/result/")
    turnout = page.get_by_role("list", name="Turnout")
    expect(turnout).to_contain_text("18 entitled to vote")
    expect(turnout).to_contain_text("1 votes cast")

    record_path = tmp_path / "record.json"
    record = ballot_record(open_ballot)
    record_path.write_text(json.dumps(record))
    verify = Path(sys.executable).with_name("unionhall-verify")
    ok = subprocess.run([str(verify), str(record_path)], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.strip().endswith("1 ballots"), ok.stdout
    record["tallies"][0]["counts"][0] = 0  # claim the Yes never happened
    record_path.write_text(json.dumps(record))
    bad = subprocess.run([str(verify), str(record_path)], capture_output=True, text=True)
    assert bad.returncode == 1 and "FAIL tallies" in bad.stdout
