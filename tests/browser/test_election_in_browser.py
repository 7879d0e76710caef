"""An NEC election by STV in a real chromium: an HQ officer calls it; members
propose, second and accept (with an election address) in their own browsers;
HQ closes nominations and uploads the independent scrutineer's BLT file, a
malformed one first; the result page shows the stage table and the BLT
download, which recounts to the published result. The online first-past-
the-post route is covered by tests/unionhall/elections/test_online.py."""

import datetime as dt
import re

import stvcount
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import fill_date
from tests.browser.test_register_in_browser import sign_in_by_link, sign_in_officer
from tests.unionhall.conftest import make_member, people, union  # noqa: F401  (fixtures)
from unionhall.elections import services
from unionhall.elections.models import Election


def as_member(browser, live, email: str):
    context = browser.new_context(base_url=live.url, viewport={"width": 390, "height": 844})  # a phone
    member_page = context.new_page()
    member_page.set_default_timeout(10_000)
    sign_in_by_link(member_page, email)
    return context, member_page


def call_election(page):
    now = timezone.localtime()
    page.goto("/elections/")
    page.get_by_role("link", name="Call an election").click()
    page.get_by_label("Title", exact=True).fill("NEC election 2027")
    page.get_by_label("Office", exact=True).select_option(label="NEC member")
    page.get_by_label("Seats", exact=True).fill("2")
    page.get_by_label("Counting method").select_option(label="Single transferable vote (Scottish STV rules)")
    page.get_by_label("Nominations open").fill(f"{now - dt.timedelta(hours=1):%Y-%m-%dT%H:%M}")
    page.get_by_label("Nominations close").fill(f"{now + dt.timedelta(days=7):%Y-%m-%dT%H:%M}")
    fill_date(page, "term_starts_on", now.date() + dt.timedelta(days=30))
    page.get_by_label("Term (years)").fill("7")
    page.get_by_role("button", name="Call the election").click()
    # The law's limit, before anything is stored: in the error summary, linking to the field, and at the field.
    expect(page.locator("#error-summary").get_by_role("link", name=re.compile("must be re-elected at least every 5 years"))).to_be_visible()
    expect(page.locator("#id_term_years_error")).to_contain_text("must be re-elected at least every 5 years")
    assert not Election.objects.exists()
    page.get_by_label("Term (years)").fill("3")
    page.get_by_role("button", name="Call the election").click()
    expect(page.get_by_role("heading", name="NEC election 2027")).to_be_visible()
    return Election.objects.get()


def stand_by_services(election, candidate, proposer, seconder, address):
    nomination = services.do_nominate(election=election, proposer=proposer, seconder=seconder, candidate=candidate)
    services.do_accept(nomination=nomination, member=candidate, address=address)
    return services.do_second(nomination=nomination, member=seconder)


def test_an_nec_election_from_call_to_the_scrutineers_count(page, browser, live, people, union):
    sign_in_officer(page, people.hq)
    election = call_election(page)

    # Erin proposes Alice with Frank as seconder (told nothing of who holds the numbers);
    # Alice accepts with her address; then Frank, asked only now, seconds.
    context, erin = as_member(browser, live, "e1@example.org")
    erin.goto(f"/elections/{election.pk}/")
    erin.get_by_role("link", name="Propose a candidate").click()
    erin.get_by_label("Candidate's membership number").fill("a1")
    erin.get_by_label("Seconder's membership number").fill("F1")
    erin.get_by_role("button", name="Propose").click()
    expect(erin.get_by_text("the candidate has been asked by email to accept")).to_be_visible()
    expect(erin.get_by_text("Alice Archer")).to_have_count(0)
    context.close()
    context, alice = as_member(browser, live, "a1@example.org")
    alice.goto(f"/elections/{election.pk}/")
    alice.get_by_role("link", name="Your nomination").click()
    alice.get_by_label("Your election address").fill("Safe caseloads first.\nAnswers within a week.")
    alice.get_by_role("button", name="Accept the nomination").click()
    expect(alice.get_by_text("Your nomination is accepted")).to_be_visible()
    context.close()
    context, frank = as_member(browser, live, "f1@example.org")
    frank.goto(f"/elections/{election.pk}/")
    frank.get_by_role("link", name="Second Alice Archer").click()
    frank.get_by_role("button", name="Second the nomination").click()
    expect(frank.get_by_text("You have seconded the nomination.")).to_be_visible()
    expect(frank.locator(".address")).to_contain_text("Safe caseloads first.")  # it stands: the address is shown
    context.close()

    stand_by_services(election, people.dave, people.gina, people.hq, "National talks, restored.")
    stand_by_services(election, people.bob, people.carol, people.erin, "A rep in every office.")
    Election.objects.filter(pk=election.pk).update(nominations_close=timezone.now() - dt.timedelta(minutes=1))  # the deadline passes

    page.goto(f"/elections/{election.pk}/")
    page.get_by_role("button", name="Close nominations").click()
    expect(page.get_by_text("Contested: this election goes to a postal ballot")).to_be_visible()
    names = [n.candidate.full_name for n in Election.objects.get().ballot_order()]
    for i in range(40):  # members enough to have returned the scrutineer's 37 papers
        make_member(f"V{i:02d}", union.north)
    good = "3 2\n14 1 2 0\n11 2 3 0\n8 3 1 0\n4 3 2 0\n0\n" + "".join(f'"{n}"\n' for n in names) + '"NEC election 2027"\n'

    page.get_by_label("Independent scrutineer").fill("Northgate Scrutiny (fictional)")
    page.get_by_label("The scrutineer's ballot profile (BLT file)").set_input_files(
        files=[{"name": "nec.blt", "mimeType": "text/plain", "buffer": good.replace("11 2 3 0", "11 2 7 0").encode()}]
    )
    page.get_by_role("button", name="Count and declare").click()
    expect(page.get_by_text("Line 3: ballot names candidate 7 which does not exist")).to_be_visible()
    assert Election.objects.get().status == Election.Status.BALLOT

    page.get_by_label("Independent scrutineer").fill("Northgate Scrutiny (fictional)")
    page.get_by_label("The scrutineer's ballot profile (BLT file)").set_input_files(
        files=[{"name": "nec.blt", "mimeType": "text/plain", "buffer": good.encode()}]
    )
    page.get_by_role("button", name="Count and declare").click()
    expect(page.get_by_role("heading", name="The count, stage by stage")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Stage 1")).to_be_visible()
    expect(page.get_by_text("Northgate Scrutiny (fictional)")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the ballots (BLT)").click()
    published = open(download.value.path(), encoding="utf-8").read()
    election = Election.objects.get()
    assert stvcount.count(stvcount.parse_blt(published), "scottish", seed=election.pk).to_dict() == election.stage_table
    assert election.nominations.filter(elected=True).count() == 2
