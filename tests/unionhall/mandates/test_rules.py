"""Rule profiles as data: each rule applies to ballots opening from its start
date and before its end date, tested on both sides of each; HQ records a
change in the law without a code change, audited."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.unionhall.conftest import sign_in
from unionhall.audit.models import Action, AuditEntry
from unionhall.mandates.models import Profile, Rule
from unionhall.mandates.rules import resolve, rule_add_version, rule_set_dates, rules_for
from unionhall.refusals import Refused

D = dt.date
TUA_2016 = D(2017, 3, 1)
ERA_2025 = D(2026, 2, 18)
DAY = dt.timedelta(days=1)


@pytest.fixture
def statutory(db):
    return Profile.objects.get(code="statutory-industrial-action")


def applying(profile, day, code):
    """The parameters of the version of ``code`` that applies on ``day``, or None."""
    res = rules_for(profile, day)
    return res.applies[code].rule.params if code in res else None


def test_the_migration_seeds_both_profiles_and_the_indicative_one_has_no_duties(statutory):
    assert not Profile.objects.get(code="indicative").rules.exists()
    assert statutory.statutory and statutory.rules.count() == 16
    assert all(r.source_url.startswith("https://www.legislation.gov.uk/") for r in statutory.rules.all())


# Rules in force from 1 March 2017 with no end fixed: absent the day before, present the day of.
@pytest.mark.parametrize("code, params", [
    ("turnout-threshold", {"percent": 50}),
    ("majority", {}),
    ("scrutineer", {}),
    ("ballot-notice", {"days_before_opening": 7}),
    ("sample-paper", {"days_before_opening": 3}),
    ("separate-questions", {}),
    ("postal-voting", {}),
    ("result-notice", {}),
])  # fmt: skip
def test_a_rule_from_the_trade_union_act_applies_from_1_march_2017(statutory, code, params):
    assert applying(statutory, TUA_2016 - DAY, code) is None
    assert applying(statutory, TUA_2016, code) == params
    assert applying(statutory, ERA_2025, code) == params  # and still, with no end fixed


def test_the_voting_paper_statement_applies_from_1_march_2017_with_its_wording(statutory):
    assert applying(statutory, TUA_2016 - DAY, "voting-paper-particulars") is None
    assert "breach of your contract of employment" in applying(statutory, TUA_2016, "voting-paper-particulars")["statement"]


@pytest.mark.parametrize("code, params", [
    ("important-public-services-support", {"percent": 40}),
    ("voting-paper-summary", {}),
])  # fmt: skip
def test_a_rule_repealed_by_the_employment_rights_act_stops_for_ballots_opening_on_18_february_2026(statutory, code, params):
    assert applying(statutory, TUA_2016 - DAY, code) is None
    assert applying(statutory, TUA_2016, code) == params
    assert applying(statutory, ERA_2025 - DAY, code) == params
    assert applying(statutory, ERA_2025, code) is None


def test_the_mandate_is_6_months_extendable_to_9_before_18_february_2026_and_12_from_it(statutory):
    assert applying(statutory, TUA_2016 - DAY, "mandate-period") is None
    assert applying(statutory, TUA_2016, "mandate-period") == {"months": 6, "extendable_to_months": 9}
    assert applying(statutory, ERA_2025 - DAY, "mandate-period") == {"months": 6, "extendable_to_months": 9}
    assert applying(statutory, ERA_2025, "mandate-period") == {"months": 12}


def test_notice_of_action_is_14_days_before_18_february_2026_and_10_from_it(statutory):
    assert applying(statutory, TUA_2016 - DAY, "action-notice") is None
    assert applying(statutory, TUA_2016, "action-notice") == {"days": 14}
    assert applying(statutory, ERA_2025 - DAY, "action-notice") == {"days": 14}
    assert applying(statutory, ERA_2025, "action-notice") == {"days": 10}


def test_online_statutory_voting_applies_on_no_day_until_hq_records_its_commencement(statutory, people):
    rule = statutory.rules.get(code="electronic-voting")
    assert all(applying(statutory, day, "electronic-voting") is None for day in (TUA_2016, ERA_2025, D(2040, 1, 1)))
    assert "no commencement date" in next(a.why for a in rules_for(statutory, ERA_2025).not_applying if a.rule == rule)
    rule_set_dates(rule=rule, applies_from=D(2026, 12, 1), applies_until=None, reason="The Order is in force", actor=people.hq.user)
    assert applying(statutory, D(2026, 11, 30), "electronic-voting") is None
    assert applying(statutory, D(2026, 12, 1), "electronic-voting") == {"invitation_channels": ["personal email", "SMS"]}


def test_every_seeded_version_applies_from_its_first_day_and_not_on_its_last(statutory):
    for rule in statutory.rules.exclude(applies_from=None):
        assert not rule.applies_on(rule.applies_from - DAY) and rule.applies_on(rule.applies_from), rule
        if rule.applies_until:
            assert rule.applies_on(rule.applies_until - DAY) and not rule.applies_on(rule.applies_until), rule


def test_resolve_is_pure_and_says_why_each_rule_applies_or_not(statutory):
    rules = list(statutory.rules.all())
    res = resolve(rules, ERA_2025)
    assert res.applies["mandate-period"].why == (
        "The ballot opens on 18 February 2026; this applies to ballots opening on or after 18 February 2026, with no end date fixed."
    )
    gone = next(a for a in res.not_applying if a.rule.code == "important-public-services-support")
    assert "ballots opening on or after 18 February 2026 are outside it" in gone.why
    early = next(a for a in resolve(rules, TUA_2016).not_applying if a.rule.code == "mandate-period")
    assert early.why == "Applies only to ballots opening on or after 18 February 2026."


def test_hq_records_the_repeal_of_the_turnout_threshold_and_it_is_audited(statutory, people):
    rule = statutory.rules.get(code="turnout-threshold")
    rule_set_dates(rule=rule, applies_from=TUA_2016, applies_until=D(2027, 1, 1), reason="Regulations repeal s.226(2)(a)(iia)", actor=people.hq.user)
    assert applying(statutory, D(2026, 12, 31), "turnout-threshold") == {"percent": 50}
    assert applying(statutory, D(2027, 1, 1), "turnout-threshold") is None
    entry = AuditEntry.objects.filter(action=Action.CHANGE, subject_type="mandates.rule").last()
    assert entry.detail["new"]["until"] == "2027-01-01" and "repeal" in entry.detail["reason"]


def test_a_new_version_ends_the_one_before_it_so_they_never_overlap(statutory, people):
    template = statutory.rules.get(code="action-notice", applies_from=ERA_2025)
    new = rule_add_version(template=template, statement="Seven days' notice.", params={"days": 7}, source="A future Act",
                           source_url="https://www.legislation.gov.uk/", applies_from=D(2028, 6, 1), reason="A future Act", actor=people.hq.user)  # fmt: skip
    template.refresh_from_db()
    assert template.applies_until == D(2028, 6, 1) and new.applies_until is None
    assert applying(statutory, D(2028, 5, 31), "action-notice") == {"days": 10}
    assert applying(statutory, D(2028, 6, 1), "action-notice") == {"days": 7}


def test_an_overlapping_change_or_one_without_a_reason_is_refused_and_changes_nothing(statutory, people):
    rule = statutory.rules.get(code="mandate-period", applies_from=TUA_2016)
    with pytest.raises(Refused, match="overlap"):
        rule_set_dates(rule=rule, applies_from=TUA_2016, applies_until=D(2026, 6, 1), reason="wrong", actor=people.hq.user)
    with pytest.raises(Refused, match="Say what changed"):
        rule_set_dates(rule=rule, applies_from=TUA_2016, applies_until=D(2026, 1, 1), reason=" ", actor=people.hq.user)
    with pytest.raises(Refused, match="after the start"):
        rule_set_dates(rule=rule, applies_from=TUA_2016, applies_until=TUA_2016, reason="typo", actor=people.hq.user)
    rule.refresh_from_db()
    assert rule.applies_until == ERA_2025
    assert not AuditEntry.objects.filter(subject_type="mandates.rule").exists()


def test_hq_gives_a_start_date_on_the_rules_page_and_others_are_refused(client, statutory, people):
    rule = statutory.rules.get(code="electronic-voting")
    sign_in(client, people.carol)
    assert client.get(reverse("mandates:rules")).status_code == 403
    sign_in(client, people.hq)
    page = client.get(reverse("mandates:rules"))
    assert b"TULRCA 1992 s.226(2)(a)(iia)" in page.content and b"not yet in force" in page.content
    response = client.post(reverse("mandates:rules"), {"action": "dates", "rule": rule.pk, "applies_from": "2026-12-01", "applies_until": "", "reason": "Order in force"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.applies_from == D(2026, 12, 1)
    response = client.post(reverse("mandates:rules"), {"action": "version", "rule": rule.pk, "statement": "x", "params": "[1]",
                                                       "source": "s", "source_url": "https://www.legislation.gov.uk/", "applies_from": "2027-01-01", "reason": "r"})  # fmt: skip
    assert Rule.objects.filter(code="electronic-voting").count() == 1  # parameters must be a JSON object


@pytest.mark.parametrize("params, error", [
    ({"percents": 50}, "exactly: percent"),  # misspelt: the turnout test would read nothing
    ({"percent": "50"}, "whole number"),
    ({"percent": -1}, "whole number"),
    ({}, "exactly: percent"),
])  # fmt: skip
def test_a_new_version_must_carry_the_same_parameters_as_the_rule_it_replaces(statutory, people, params, error):
    template = statutory.rules.get(code="turnout-threshold")
    with pytest.raises(Refused, match=error):
        rule_add_version(template=template, statement="A changed threshold.", params=params, source="Regulations",
                         source_url="https://www.legislation.gov.uk/", applies_from=D(2028, 1, 1), reason="Regulations", actor=people.hq.user)  # fmt: skip
    assert statutory.rules.filter(code="turnout-threshold").count() == 1
