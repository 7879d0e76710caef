"""What blocks a statutory ballot from opening: each failed check is a clear
message naming its rule and source; the notice dates on both sides of their
day; online voting only once the law allows it, and never to work addresses."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.unionhall.conftest import sign_in
from tests.unionhall.mandates.conftest import make_ballot, make_statutory
from unionhall.ballots.models import Question
from unionhall.mandates.models import Profile, Rule, StatutoryBallot
from unionhall.members.models import Member
from unionhall.mandates.services import is_work_address, online_invitees, statutory_blockers

OPENS = dt.date(2026, 12, 7)
DAY = dt.timedelta(days=1)


@pytest.fixture
def ballot(people, union, workforce):
    return make_ballot(people, union, slug="pay-action", opens_on=OPENS)


def blockers_with(ballot, **overrides):
    make_statutory(ballot, **overrides)
    return statutory_blockers(ballot_id=ballot.pk)


def test_a_complete_postal_ballot_has_no_blockers_and_an_ordinary_ballot_none_either(ballot, people, union):
    assert statutory_blockers(ballot_id=ballot.pk) == []  # not statutory at all
    assert blockers_with(ballot) == []


def test_an_indicative_profile_carries_no_statutory_duties(ballot):
    assert blockers_with(ballot, profile=Profile.objects.get(code="indicative"), scrutineer_name="", ballot_notice_sent_on=None) == []


def test_notice_of_ballot_on_the_seventh_day_before_opening_is_in_time_and_on_the_sixth_is_late(ballot):
    sb = make_statutory(ballot, ballot_notice_sent_on=OPENS - 7 * DAY)
    assert statutory_blockers(ballot_id=ballot.pk) == []
    StatutoryBallot.objects.filter(pk=sb.pk).update(ballot_notice_sent_on=OPENS - 6 * DAY)
    [problem] = statutory_blockers(ballot_id=ballot.pk)
    assert "notice of ballot was sent on 1 December 2026: too late" in problem and "by 30 November 2026" in problem
    assert "TULRCA 1992 s.226A(1)(a)" in problem


def test_the_sample_paper_on_the_third_day_before_opening_is_in_time_and_on_the_second_is_late(ballot):
    sb = make_statutory(ballot, sample_paper_sent_on=OPENS - 3 * DAY)
    assert statutory_blockers(ballot_id=ballot.pk) == []
    StatutoryBallot.objects.filter(pk=sb.pk).update(sample_paper_sent_on=OPENS - 2 * DAY)
    [problem] = statutory_blockers(ballot_id=ballot.pk)
    assert "sample voting paper was sent on 5 December 2026: too late" in problem and "s.226A(1)(b)" in problem


def test_unsent_notices_say_when_they_are_due(ballot):
    problems = blockers_with(ballot, ballot_notice_sent_on=None, sample_paper_sent_on=None)
    assert any("has not been sent: it must reach the employer by 30 November 2026" in p for p in problems)
    assert any("by 4 December 2026, 3 days" in p for p in problems)


def test_a_ballot_without_a_scrutineer_is_refused_naming_the_rule(ballot):
    [problem] = blockers_with(ballot, scrutineer_name="")
    assert problem.startswith("Name the independent scrutineer") and "s.226B" in problem


def test_a_combined_strike_question_is_refused(ballot):
    strike = ballot.questions.get(key="strike")
    problems = blockers_with(ballot, asos_question=strike)
    assert any("two separate questions" in p and "s.229(2)" in p for p in problems)


def test_a_question_that_is_neither_strike_nor_asos_is_refused(ballot):
    Question.objects.create(ballot=ballot, position=3, key="both", text="Will you strike and work to rule?", kind=Question.Kind.YES_NO)
    [problem] = blockers_with(ballot)
    assert "a combined or other question is not allowed" in problem


def test_a_strike_only_ballot_is_lawful(people, union, workforce):
    ballot = make_ballot(people, union, slug="strike-only", opens_on=OPENS, questions=(("Will you strike?", "strike"),))
    assert blockers_with(ballot, asos_types="") == []


def test_the_2016_voting_paper_summary_is_required_before_18_february_2026_and_not_from_it(people, union, workforce):
    before = make_ballot(people, union, slug="before", opens_on=dt.date(2026, 2, 17))
    after = make_ballot(people, union, slug="after", opens_on=dt.date(2026, 2, 18))
    assert any("s.229(2B)-(2D)" in p for p in blockers_with(before, action_period=""))
    assert blockers_with(after, action_period="") == []


def test_online_voting_is_refused_until_the_law_allows_it_on_the_opening_day(ballot, people):
    [problem] = blockers_with(ballot, channel=StatutoryBallot.Channel.HYBRID)
    assert "Online voting is not allowed in a statutory ballot opening on 7 December 2026" in problem
    rule = Rule.objects.get(code="electronic-voting")
    Rule.objects.filter(pk=rule.pk).update(applies_from=OPENS + DAY)
    assert statutory_blockers(ballot_id=ballot.pk) == [problem]  # in force the day after opening: still refused
    Rule.objects.filter(pk=rule.pk).update(applies_from=OPENS)
    assert statutory_blockers(ballot_id=ballot.pk) == []


def test_online_invitations_go_only_to_personal_addresses(ballot, people, workforce):
    Rule.objects.filter(code="electronic-voting").update(applies_from=dt.date(2026, 8, 1))
    Member.objects.filter(pk=workforce[0].pk).update(email="w00@pps.example.gov.uk")
    Member.objects.filter(pk=workforce[1].pk).update(email="W01@Mail.PPS.Example.gov.uk")  # a subdomain, in capitals: still work
    [problem] = blockers_with(ballot, channel=StatutoryBallot.Channel.ONLINE)
    assert problem.startswith("2 member(s) have only a work email address and 0 have none")
    sb = StatutoryBallot.objects.get(ballot=ballot)
    invited = {m.email for m in online_invitees(sb)}
    assert "w02@example.org" in invited and not {"w00@pps.example.gov.uk", "W01@Mail.PPS.Example.gov.uk"} & invited
    sb.channel = StatutoryBallot.Channel.HYBRID  # those two get a paper by post instead
    sb.save()
    assert statutory_blockers(ballot_id=ballot.pk) == []


def test_online_voting_needs_the_employers_domains_to_recognise_work_addresses(ballot):
    Rule.objects.filter(code="electronic-voting").update(applies_from=dt.date(2026, 8, 1))
    [problem] = blockers_with(ballot, channel=StatutoryBallot.Channel.ONLINE, employer_email_domains="")
    assert "email domains" in problem


def test_a_work_address_is_one_at_the_employers_domain_or_a_subdomain_of_it():
    domains = ["pps.example.gov.uk"]
    assert is_work_address("a@pps.example.gov.uk", domains) and is_work_address("a@north.PPS.example.gov.uk", domains)
    assert not is_work_address("a@notpps.example.gov.uk", domains) and not is_work_address("a@gmail.example", domains)


def test_a_postal_ballot_needs_every_members_home_address(ballot, workforce):
    Member.objects.filter(pk=workforce[3].pk).update(address_line1="")
    [problem] = blockers_with(ballot)
    assert problem.startswith("1 member(s) have no home address") and "s.230(2)" in problem


def test_hq_sets_up_the_statutory_details_and_the_page_lists_what_blocks_opening(client, ballot, people):
    sign_in(client, people.hq)
    strike = ballot.questions.get(key="strike")
    data = {"profile": Profile.objects.get(code="statutory-industrial-action").pk, "dispute": "Pay", "employer": ballot.employer_id,
            "employer_address": "1 Row", "channel": "postal", "strike_question": strike.pk, "asos_question": strike.pk,
            "authorised_to_call": "The General Secretary", "action_period": "Spring"}  # fmt: skip
    response = client.post(reverse("mandates:setup", args=[ballot.slug]), data)
    assert response.status_code == 302
    page = client.get(reverse("mandates:statutory", args=[ballot.slug])).content.decode()
    assert "Name the independent scrutineer" in page and "two separate questions" in page and "notice of ballot has not been sent" in page
    assert "Turnout of at least 50%" in page and "ballots opening on or after 1 March 2017" in page
