"""The statutory documents as HTML and PDF, with the figures and dates inside
both: notice of ballot, sample paper, result notice, mandate (by the rule in
force when the ballot opened) and notice of action; issuing is recorded and
audited; HQ is warned before a mandate lapses."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.conftest import sign_in
from tests.unionhall.mandates.conftest import at, make_ballot, make_statutory, pdf_text
from unionhall.audit.models import Action, AuditEntry
from unionhall.mandates import documents
from unionhall.mandates.models import Document, StatutoryBallot
from unionhall.mandates.services import (
    PostalCounts,
    do_postal_import,
    do_register_extract,
    mandate,
    mandates_warn_lapsing,
    statutory_blockers,
)  # fmt: skip
from unionhall.refusals import Refused

D = dt.date


def declare_postal(sb, strike=(9, 2, 1), asos=(10, 1, 1), returned=12):
    do_register_extract(sb=sb, actor=None)
    counts = {"strike": dict(zip(("yes", "no", "spoiled"), strike)), "asos": dict(zip(("yes", "no", "spoiled"), asos))}
    do_postal_import(sb=sb, counts=PostalCounts(18, returned, counts), actor=None)
    return sb


def both(doc, sb):
    return documents.render_html(doc, sb), pdf_text(documents.render_pdf(doc))


@pytest.fixture
def old(people, union, workforce):
    """Opened 2 June 2025, before the Employment Rights Act 2025's changes."""
    return make_statutory(make_ballot(people, union, slug="old-rules", opens_on=D(2025, 6, 2)))


@pytest.fixture
def new(people, union, workforce):
    """Opened 2 March 2026, after them."""
    return make_statutory(make_ballot(people, union, slug="new-rules", opens_on=D(2026, 3, 2)))


def test_the_notice_of_ballot_states_categories_workplaces_and_numbers(new):
    doc = documents.build(new, Document.Kind.BALLOT_NOTICE, D(2026, 2, 20))
    for text in both(doc, new):
        assert "The ballot opens on 2 March 2026 and closes on 16 March 2026" in text
        assert "18 of your employees will be entitled to vote" in text
        for figure in ("Harbour office", "14", "Quay office", "3", "Probation officer", "8", "Probation services officer", "4"):
            assert figure in text
        assert "Morgan Reid" in text and "Date: 20 February 2026" in text


def test_the_sample_paper_names_the_scrutineer_asks_two_questions_and_carries_the_statement(old, new):
    html, pdf = both(documents.build(old, Document.Kind.SAMPLE_PAPER, D(2025, 5, 29)), old)
    for text in (html, pdf):
        assert "Independent scrutineer: Morgan Reid, Fairvote Scrutiny Ltd" in text
        assert "to arrive by 16 June 2025" in text
        assert "Are you prepared to take part in a strike?" in text and "short of a strike?" in text
        assert "breach of your contract of employment" in text
        assert "An overtime ban" in text  # the 2016 summary applies to a ballot opening in 2025
    html, pdf = both(documents.build(new, Document.Kind.SAMPLE_PAPER, D(2026, 2, 27)), new)
    assert "An overtime ban" not in html and "An overtime ban" not in pdf  # and not from 18 February 2026


def test_the_result_notice_shows_each_figure_and_each_threshold_in_html_and_pdf(old):
    StatutoryBallot.objects.filter(pk=old.pk).update(important_public_service=True)
    old.refresh_from_db()
    declare_postal(old, strike=(7, 4, 1), asos=(10, 1, 1))
    for text in both(documents.build(old, Document.Kind.RESULT_NOTICE, D(2025, 6, 17)), old):
        assert "Entitled to vote" in text and "18" in text
        assert "Votes cast" in text and "12" in text
        assert "Turnout was 66.7% (12 of 18): the 50% turnout threshold was met." in text
        assert "Yes votes were 38.9% of those entitled to vote: the 40% support threshold was NOT met." in text
        assert "Yes votes were 55.6% of those entitled to vote: the 40% support threshold was met." in text
        assert "Spoiled or invalid" in text


def test_from_18_february_2026_the_result_notice_has_no_40_percent_test(new):
    StatutoryBallot.objects.filter(pk=new.pk).update(important_public_service=True)
    new.refresh_from_db()
    declare_postal(new, strike=(7, 4, 1))
    html, pdf = both(documents.build(new, Document.Kind.RESULT_NOTICE, D(2026, 3, 17)), new)
    assert "support threshold" not in html and "support threshold" not in pdf
    assert "the 50% turnout threshold was met" in pdf


def test_a_turnout_below_half_gives_no_mandate(new):
    declare_postal(new, strike=(7, 1, 0), asos=(7, 1, 0), returned=8)  # 8 of 18
    documents.do_issue(sb=new, kind=Document.Kind.RESULT_NOTICE, actor=None, now=at(D(2026, 3, 17)))
    html, _ = both(documents.build(new, Document.Kind.RESULT_NOTICE), new)
    assert "the 50% turnout threshold was NOT met" in html
    with pytest.raises(Refused, match="no mandate"):
        documents.do_issue(sb=new, kind=Document.Kind.MANDATE, actor=None)


def test_the_mandate_lasts_6_months_or_9_by_agreement_before_18_february_2026(old):
    assert mandate(old).expires_on == D(2025, 12, 15)  # closed 16 June 2025
    StatutoryBallot.objects.filter(pk=old.pk).update(mandate_extension_agreed=True)
    old.refresh_from_db()
    assert mandate(old).expires_on == D(2026, 3, 15)


def test_the_mandate_lasts_12_months_from_18_february_2026_and_the_document_says_so(new):
    declare_postal(new)
    documents.do_issue(sb=new, kind=Document.Kind.RESULT_NOTICE, actor=None, now=at(D(2026, 3, 17)))
    new.refresh_from_db()
    for text in both(documents.build(new, Document.Kind.MANDATE, D(2026, 3, 17)), new):
        assert "The mandate lasts 12 months from the date of the ballot: action must take place by 15 March 2027" in text
        assert "strike, action short of a strike" in text


def test_notice_of_action_is_14_days_before_the_earliest_start_for_a_ballot_opening_before_18_february_2026(old):
    declare_postal(old)
    documents.do_issue(sb=old, kind=Document.Kind.RESULT_NOTICE, actor=None, now=at(D(2025, 6, 17)))
    old.refresh_from_db()
    for text in both(documents.build(old, Document.Kind.ACTION_NOTICE, D(2025, 7, 1)), old):
        assert "The action will start on or after 15 July 2025: this notice is given on 1 July 2025, at least 14 days before" in text
        assert "lasts until 15 December 2025" in text


def test_notice_of_action_is_10_days_for_a_ballot_opening_from_18_february_2026(new):
    declare_postal(new)
    with pytest.raises(Refused, match="result first"):
        documents.build(new, Document.Kind.ACTION_NOTICE, D(2026, 4, 1))
    documents.do_issue(sb=new, kind=Document.Kind.RESULT_NOTICE, actor=None, now=at(D(2026, 3, 17)))
    new.refresh_from_db()
    doc = documents.build(new, Document.Kind.ACTION_NOTICE, D(2026, 4, 1))
    assert doc.facts["earliest_start"] == "2026-04-11"
    assert "start on or after 11 April 2026" in pdf_text(documents.render_pdf(doc))
    with pytest.raises(Refused, match="before it lapses"):
        documents.build(new, Document.Kind.ACTION_NOTICE, D(2027, 3, 10))


def test_issuing_a_document_records_when_sets_the_notice_date_and_is_audited(new, people):
    StatutoryBallot.objects.filter(pk=new.pk).update(ballot_notice_sent_on=None)
    issued = documents.do_issue(sb=new, kind=Document.Kind.BALLOT_NOTICE, actor=people.hq.user, now=at(D(2026, 2, 20)))
    new.refresh_from_db()
    assert new.ballot_notice_sent_on == D(2026, 2, 20)
    assert issued.facts["entitled"] == 18 and issued.issued_by == people.hq.user and len(issued.digest) == 64
    entry = AuditEntry.objects.filter(action=Action.CHANGE, detail__event="document issued").get()
    assert entry.detail["kind"] == "ballot-notice" and entry.detail["digest"] == issued.digest


def test_a_result_notice_waits_for_the_scrutineers_count(new):
    with pytest.raises(Refused, match="count of the returned papers has not been imported"):
        documents.do_issue(sb=new, kind=Document.Kind.RESULT_NOTICE, actor=None)
    assert not Document.objects.exists()


def test_hq_sees_prints_downloads_and_issues_documents_and_a_rep_cannot(client, new, people):
    sign_in(client, people.bob)
    url = reverse("mandates:document", args=[new.ballot.slug, "ballot-notice"])
    assert client.get(url).status_code == 403
    sign_in(client, people.hq)
    page = client.get(url)
    assert page.status_code == 200 and b"18 of your employees" in page.content and b"style=" not in page.content
    pdf = client.get(url, {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and "18 of your employees" in pdf_text(pdf.content)
    # Issued today, long after the day it was due: recorded as it happened, and then it blocks opening.
    client.post(reverse("mandates:document", args=[new.ballot.slug, "sample-paper"]))
    new.refresh_from_db()
    assert new.sample_paper_sent_on == timezone.localdate()
    assert any("sample voting paper was sent on" in p and "too late" in p for p in statutory_blockers(ballot_id=new.ballot_id))


def test_hq_is_warned_once_before_a_mandate_lapses(new):
    declare_postal(new)
    documents.do_issue(sb=new, kind=Document.Kind.RESULT_NOTICE, actor=None, now=at(D(2026, 3, 17)))
    documents.do_issue(sb=new, kind=Document.Kind.MANDATE, actor=None, now=at(D(2026, 3, 17)))
    assert mandates_warn_lapsing(days=28, today=D(2027, 2, 14)) == 0  # 29 days ahead: not yet
    assert mandates_warn_lapsing(days=28, today=D(2027, 2, 15)) == 1
    assert mail.outbox[-1].to == ["h1@example.org"] and "15 March 2027" in mail.outbox[-1].subject
    assert mandates_warn_lapsing(days=28, today=D(2027, 2, 16)) == 0  # once


def test_the_warn_mandates_command_runs(new, capsys):
    call_command("warn_mandates", "--days", "10")
    assert "0 warning(s) sent" in capsys.readouterr().out


def test_an_issued_document_is_shown_dated_on_the_day_it_was_issued(client, new, people):
    documents.do_issue(sb=new, kind=Document.Kind.BALLOT_NOTICE, actor=people.hq.user, now=at(D(2026, 2, 20)))
    sign_in(client, people.hq)
    page = client.get(reverse("mandates:document", args=[new.ballot.slug, "ballot-notice"]))
    assert "20 February 2026" in page.content.decode()
    pdf = client.get(reverse("mandates:document", args=[new.ballot.slug, "ballot-notice"]), {"format": "pdf"})
    assert "20 February 2026" in pdf_text(pdf.content)


def test_a_document_whose_facts_changed_since_issue_says_so(client, new, people):
    documents.do_issue(sb=new, kind=Document.Kind.BALLOT_NOTICE, actor=people.hq.user, now=at(D(2026, 2, 20)))
    sign_in(client, people.hq)
    url = reverse("mandates:document", args=[new.ballot.slug, "ballot-notice"])
    assert "have changed since it was issued" not in client.get(url).content.decode()
    StatutoryBallot.objects.filter(pk=new.pk).update(dispute="Another dispute altogether.")
    assert "have changed since it was issued" in client.get(url).content.decode()


def test_the_ballots_page_links_hq_to_its_statutory_page_and_nobody_else(client, new, people, union):
    statutory_url = reverse("mandates:statutory", args=[new.ballot.slug])
    sign_in(client, people.hq)
    assert statutory_url.encode() in client.get(reverse("ballot_detail", args=[new.ballot.slug])).content
    assert client.get(statutory_url).status_code == 200
    plain = make_ballot(people, union, slug="indicative", opens_on=D(2026, 3, 2))
    assert b"/mandates/" not in client.get(reverse("ballot_detail", args=[plain.slug])).content
    sign_in(client, people.bob)
    page = client.get(reverse("ballot_detail", args=[new.ballot.slug]))
    assert statutory_url.encode() not in page.content  # a draft is not shown to a rep at all
