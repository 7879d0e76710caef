"""The turnout drive of a statutory ballot: measured against the threshold its
rules set, with a chart of turnout over time, nothing that looks like voting
at the workplace (and why), and no reminders to work addresses."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.conftest import make_member, sign_in
from tests.unionhall.mandates.conftest import make_ballot, make_statutory, vote_online
from unionhall.ballots.setup import ballot_open
from unionhall.ballots.turnout import turnout
from unionhall.mandates.models import Rule
from unionhall.members.models import Member
from unionhall.members.remit import remit_for


@pytest.fixture
def running(people, union, workforce):
    ballot = make_ballot(people, union, slug="drive", opens_on=timezone.localdate() - dt.timedelta(days=2))
    ballot_open(ballot=ballot, actor=None)
    ballot.refresh_from_db()
    for i, member in enumerate(workforce[:5]):
        vote_online(ballot, member, [[1, 0], [1, 0]], seed=f"d{i}")
    return ballot


def page(client, ballot, member):
    sign_in(client, member)
    return client.get(reverse("ballot_turnout", args=[ballot.slug]))


def test_an_ordinary_ballot_shows_50_percent_for_reference_and_a_chart(client, running, people):
    response = page(client, running, people.bob)
    html = response.content.decode()
    assert "more votes to reach 50% (for reference)" in html and "Royal Mail" not in html
    assert '<svg class="turnout-chart"' in html and '<polyline class="so-far"' in html and 'class="projection"' in html
    assert "style=" not in html
    t = response.context["t"]
    assert t.threshold == 50 and not t.statutory and t.chart.points.startswith("36.0,204.0")


def test_a_statutory_ballot_is_measured_against_its_threshold_and_says_why_there_is_no_workplace_voting(client, running, people, workforce):
    make_statutory(running, employer_email_domains="pps.example.gov.uk")
    Member.objects.filter(pk=workforce[11].pk).update(email="w11@pps.example.gov.uk")
    html = page(client, running, people.bob).content.decode()
    assert "against the 50% threshold" in html and "(for reference)" not in html
    assert "Royal Mail Group Ltd v Communication Workers Union" in html and "[2019] EWCA Civ 1755" in html
    assert "w11@pps.example.gov.uk" not in html and "work address only" in html  # no reminder through work
    assert "mailto:w10@example.org" in html  # a personal address is fine
    assert "style=" not in html


def test_when_the_turnout_threshold_is_repealed_a_statutory_ballot_shows_none(client, running, people):
    make_statutory(running)
    Rule.objects.filter(code="turnout-threshold").update(applies_until=dt.date(2020, 1, 1))
    t = turnout(running, remit_for(people.bob.user))
    assert t.threshold is None and t.chart.threshold_y is None
    assert "no turnout threshold applies" in page(client, running, people.bob).content.decode()


def test_the_chart_plots_turnout_so_far_and_the_projection_to_the_close(running, people):
    halfway = running.opens_at + (running.closes_at - running.opens_at) / 2
    t = turnout(running, remit_for(people.bob.user), now=halfway)
    assert (t.total.entitled, t.total.voted) == (14, 5)  # Harbour: Alice, Bob and twelve more
    x1, y1, x2, y2 = t.chart.projection
    assert x1 == 300.0 and x2 == 564.0  # halfway across, to the close
    assert y1 == round(204 - 168 * 5 / 14, 1) and y2 == round(204 - 168 * t.projection.percent / 100, 1)
    assert round(t.projection.percent) == 71  # 5 of 14 by half time: 10 of 14 at this pace


def test_a_group_of_small_workplaces_still_under_10_is_not_shown(client, running, people, union):
    make_member("Q2", union.south, union.quay)
    html = page(client, running, people.hq).content.decode()
    assert "Smaller workplaces together</td><td colspan=\"4\">Fewer than 10 members: not shown" in html
