"""Postal and hybrid: the register extract for the independent scrutineer
(POST, audited, consecutive numbers, formula-safe), the scrutineer's count
imported all or nothing, and the result combining post with the online tally."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.ballots.test_counting import close, post
from tests.unionhall.conftest import sign_in
from tests.unionhall.mandates.conftest import make_ballot, make_statutory, vote_online
from unionhall.audit.models import Action, AuditEntry
from unionhall.ballots.setup import ballot_open
from unionhall.mandates.models import PostalReturn, Rule, StatutoryBallot
from unionhall.mandates.services import (
    check_postal_import,
    do_postal_import,
    do_register_extract,
    do_set_aside_list,
    result_figures,
)  # fmt: skip
from unionhall.members.models import Member
from unionhall.refusals import Refused

HEADER = "question,papers_issued,papers_returned,yes,no,spoiled\n"


@pytest.fixture
def postal(people, union, workforce):
    return make_statutory(make_ballot(people, union, slug="postal", opens_on=dt.date(2026, 3, 2)))


def extract(client, sb):
    response = client.post(reverse("mandates:extract", args=[sb.ballot.slug]))
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_scrutineer_gets_names_home_addresses_and_consecutive_numbers_by_post_request_only(client, postal, people, workforce):
    Member.objects.filter(pk=workforce[0].pk).update(address_line1="=HYPERLINK(\"http://evil\")")
    sign_in(client, people.hq)
    assert client.get(reverse("mandates:extract", args=[postal.ballot.slug])).status_code == 405
    rows = extract(client, postal)
    assert rows[0] == ["paper_number", "membership_number", "first_name", "last_name", "address_line1", "address_line2", "town", "postcode"]
    assert [int(r[0]) for r in rows[1:]] == list(range(1, 19))
    assert rows[1][1:4] == ["A1", "Alice", "Archer"] and rows[1][6:] == ["Testbridge", "TB1 1AA"]
    assert any(r[4] == "'=HYPERLINK(\"http://evil\")" for r in rows)  # a spreadsheet will not run it
    entry = AuditEntry.objects.filter(action=Action.EXPORT).get()
    assert entry.detail == {"event": "register extract for the scrutineer", "papers": 18}
    assert extract(client, postal)[1:] == rows[1:]  # the numbers never change


def test_a_rep_cannot_export_the_register_extract(client, postal, people):
    sign_in(client, people.bob)
    assert client.post(reverse("mandates:extract", args=[postal.ballot.slug])).status_code == 403
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_an_online_only_ballot_has_no_postal_extract(postal):
    StatutoryBallot.objects.filter(pk=postal.pk).update(channel=StatutoryBallot.Channel.ONLINE)
    postal.refresh_from_db()
    with pytest.raises(Refused, match="Only a postal or hybrid"):
        do_register_extract(sb=postal, actor=None)


def test_the_scrutineers_count_is_imported_through_the_page(client, postal, people):
    do_register_extract(sb=postal, actor=None)
    sign_in(client, people.hq)
    upload = SimpleUploadedFile("count.csv", (HEADER + "strike,18,12,9,2,1\nasos,18,12,10,1,1\n").encode())
    client.post(reverse("mandates:postal_import", args=[postal.ballot.slug]), {"file": upload})
    stored = PostalReturn.objects.get()
    assert (stored.papers_issued, stored.papers_returned, stored.counts["strike"]) == (18, 12, {"yes": 9, "no": 2, "spoiled": 1})
    assert AuditEntry.objects.filter(action=Action.IMPORT, detail__returned=12).exists()
    page = client.get(reverse("mandates:statutory", args=[postal.ballot.slug]))
    assert b"12 of 18 papers returned" in page.content and b"Turnout 66.7%" in page.content


@pytest.mark.parametrize("body, error", [
    (HEADER + "strike,18,12,9,2,2\nasos,18,12,10,1,1\n", "line 2: yes + no + spoiled is 13, not the 12 papers returned"),
    (HEADER + "strike,18,19,9,9,1\nasos,18,19,10,8,1\n", "19 papers returned but only 18 issued"),
    (HEADER + "strike,20,12,9,2,1\nasos,20,12,10,1,1\n", "20 papers issued, but the register extract numbered 18 papers"),
    (HEADER + "strike,18,12,9,2,1\n", "No line for: asos"),
    (HEADER + "strike,18,12,9,2,1\nasos,18,11,9,1,1\n", "line 3: papers issued and returned differ"),
    (HEADER + "strike,18,12,9,2,1\nboth,18,12,9,2,1\n", "line 3: 'both' is not a question in this ballot"),
    (HEADER + "strike,18,12,nine,2,1\n", "line 2: every count must be a whole number"),
    ("q,yes,no\nstrike,1,2\n", "The first line must be the columns"),
    ("", "Choose the scrutineer's CSV file"),
])  # fmt: skip
def test_a_count_that_does_not_add_up_is_refused_and_nothing_is_stored(postal, body, error):
    do_register_extract(sb=postal, actor=None)
    with pytest.raises(Refused) as refused:
        check_postal_import(sb=postal, data=body.encode())
    assert error in str(refused.value)
    assert not PostalReturn.objects.exists()


def test_a_count_for_papers_never_issued_is_refused(postal):
    with pytest.raises(Refused, match="the register extract numbered 0 papers"):
        check_postal_import(sb=postal, data=(HEADER + "strike,18,12,9,2,1\nasos,18,12,10,1,1\n").encode())


def test_a_hybrid_result_shows_online_and_postal_separately_and_combined(people, union, workforce):
    Rule.objects.filter(code="electronic-voting").update(applies_from=dt.date(2026, 1, 1))
    ballot = make_ballot(people, union, slug="hybrid", opens_on=timezone.localdate() - dt.timedelta(days=1))
    sb = make_statutory(ballot, channel=StatutoryBallot.Channel.HYBRID)
    ballot_open(ballot=ballot, actor=None)
    ballot.refresh_from_db()
    for i, member in enumerate(workforce[:4]):  # online: 3 Yes and 1 No to strike; 4 Yes to ASOS
        vote_online(ballot, member, [[1, 0] if i < 3 else [0, 1], [1, 0]], seed=f"v{i}")
    close(ballot)
    post(ballot, 1, [""])
    post(ballot, 2, [""])
    do_register_extract(sb=sb, actor=None)
    count = (HEADER + "strike,18,6,4,1,1\nasos,18,6,3,2,1\n").encode()
    with pytest.raises(Refused, match="papers to set aside"):
        check_postal_import(sb=sb, data=count)  # the online voters' papers must be set aside first
    do_set_aside_list(sb=sb, actor=None)
    sb.refresh_from_db()
    too_many = (HEADER + "strike,18,15,10,4,1\nasos,18,15,10,4,1\n").encode()  # 4 online + 15 by post > 18 entitled
    with pytest.raises(Refused, match="more than the 18 entitled"):
        check_postal_import(sb=sb, data=too_many)
    do_postal_import(sb=sb, counts=check_postal_import(sb=sb, data=count), actor=None)
    r = result_figures(sb)
    assert (r.entitled, r.cast_online, r.cast_postal, r.cast) == (18, 4, 6, 10)
    strike, asos = r.questions
    assert (strike.online.yes, strike.online.no, strike.postal.yes, strike.postal.no, strike.combined.yes, strike.combined.no) == (3, 1, 4, 1, 7, 2)
    assert (asos.combined.yes, asos.combined.no, asos.combined.spoiled) == (7, 2, 1)
    assert r.turnout_met and round(r.turnout_percent, 1) == 55.6 and [q.key for q in r.mandate_for] == ["strike", "asos"]


def test_the_scrutineer_sets_aside_the_papers_of_members_who_voted_online(client, people, union, workforce):
    Rule.objects.filter(code="electronic-voting").update(applies_from=dt.date(2026, 1, 1))
    ballot = make_ballot(people, union, slug="hybrid", opens_on=timezone.localdate() - dt.timedelta(days=1))
    sb = make_statutory(ballot, channel=StatutoryBallot.Channel.HYBRID)
    ballot_open(ballot=ballot, actor=None)
    ballot.refresh_from_db()
    papers = {row[1]: row[0] for row in do_register_extract(sb=sb, actor=None)}  # membership number -> paper
    for i, member in enumerate(workforce[:3]):
        vote_online(ballot, member, [[1, 0], [1, 0]], seed=f"s{i}")
    url = reverse("mandates:set_aside", args=[ballot.slug])
    sign_in(client, people.hq)
    page = client.post(url, follow=True).content.decode()
    assert "only when voting has closed" in page  # a partial list would let papers through
    close(ballot)
    response = client.post(url)
    listed = [row[0] for row in csv.reader(io.StringIO(b"".join(response.streaming_content).decode()))]
    assert listed[0] == "paper_number"
    assert sorted(map(int, listed[1:])) == sorted(papers[m.membership_number] for m in workforce[:3])
    assert AuditEntry.objects.filter(detail__event="papers to set aside for the scrutineer", detail__papers=3).exists()
    sign_in(client, people.carol)
    assert client.post(url).status_code == 403
