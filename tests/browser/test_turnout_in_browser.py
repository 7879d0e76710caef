"""A workplace rep chases turnout in a real chromium: signed in with TOTP, they
see turnout in their workplace against the statutory threshold, the chart and
the projection, and who has not voted yet in their remit; never how anyone
voted, and nobody outside their workplace."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_register_in_browser import sign_in_officer
from tests.unionhall.conftest import people, union  # noqa: F401  (fixtures)
from tests.unionhall.mandates.conftest import make_ballot, make_statutory, vote_online, workforce  # noqa: F401  (fixtures)
from unionhall.ballots.models import Cast
from unionhall.ballots.setup import ballot_open


@pytest.fixture
def drive(live, people, union, workforce):  # live first: it restores the rule profiles
    ballot = make_ballot(people, union, slug="action-2026", opens_on=timezone.localdate() - dt.timedelta(days=3))
    make_statutory(ballot)
    ballot_open(ballot=ballot, actor=None)
    ballot.refresh_from_db()
    for i, member in enumerate(workforce[:6]):  # six of the fourteen at Harbour
        vote_online(ballot, member, [[1, 0], [0, 1]] if i % 2 else [[0, 1], [1, 0]], seed=f"b{i}")
    vote_online(ballot, people.erin, [[1, 0], [1, 0]], seed="erin")  # at Quay: outside Bob's remit
    return ballot


def test_a_workplace_rep_sees_turnout_the_projection_and_non_voters_but_no_vote(page, drive, people, workforce):
    sign_in_officer(page, people.bob)
    page.goto(f"/ballots/{drive.slug}/turnout/")
    stats = page.get_by_role("list", name="Turnout in your remit")
    expect(stats).to_contain_text("14 entitled")
    expect(stats).to_contain_text("6 voted")
    expect(stats).to_contain_text("42.9% turnout against the 50% threshold")
    expect(stats).to_contain_text("by the close, at this pace")  # no past ballots to learn from
    expect(stats).to_contain_text("1 more votes to reach 50%")
    expect(page.get_by_role("img", name="Turnout over time")).to_be_visible()
    expect(page.get_by_role("heading", name="A statutory ballot: no voting at work")).to_be_visible()

    not_voted = page.get_by_role("heading", name="Not voted yet (8)")
    expect(not_voted).to_be_visible()
    rows = page.locator("section:has(h2:text('Not voted yet')) tbody tr")
    names = rows.locator("td:first-child").all_inner_texts()
    assert "Archer, Alice" in names and "Baker, Bob" in names and len(names) == 8
    assert not any("Evans" in n or "W00" in n for n in names)  # Erin is outside the remit; W00 has voted
    body = page.locator("main").inner_text()
    for cast in Cast.objects.filter(ballot=drive):
        assert cast.tracker not in body
    assert "Yes" not in body  # no answer to any question appears
