"""The fast date-only arithmetic agrees with the stepwise calendar, and rule
profiles are interpreted as their rules say, for any dates."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deadlines import DeadlineError, Nation, WorkingCalendar, deadline
from deadlines.fast import add_working_days, companion_date, working_days_between
from deadlines.profiles import EVENTS, Profile

PROPERTY = settings(max_examples=200, deadline=None)
dates = st.dates(dt.date(1995, 1, 1), dt.date(2065, 12, 31))
nations = st.sampled_from(list(Nation))


@PROPERTY
@given(nations, dates, st.integers(-300, 300))
def test_fast_working_days_agree_with_the_calendar(nation, start, n):
    assert add_working_days(start, n, nation) == WorkingCalendar.of(nation).add_working_days(start, n)


@PROPERTY
@given(nations, dates, dates)
def test_fast_counting_between_agrees_with_the_calendar(nation, a, b):
    assert working_days_between(a, b, nation) == WorkingCalendar.of(nation).working_days_between(a, b)


@PROPERTY
@given(nations, st.dates(dt.date(2020, 2, 1), dt.date(2059, 12, 1)))
def test_the_fast_companion_date_is_the_rules_date(nation, proposed):
    assert companion_date(proposed, nation) == deadline("companion", start=proposed, nation=nation).date


def test_the_fast_companion_date_skips_christmas():
    assert companion_date(dt.date(2026, 12, 23)) == dt.date(2027, 1, 4)


RULES = [
    {"code": "appeal", "title": "Appeal within 5 working days", "count": 5, "unit": "working-days", "from": "outcome",
     "case_types": ["disciplinary", "grievance"]},
    {"code": "statement", "title": "Statement 2 working days before", "count": 2, "unit": "working-days", "direction": "before",
     "from": "meeting"},
]  # fmt: skip


@PROPERTY
@given(nations, st.sampled_from(["disciplinary", "grievance", "vetting"]), st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
       st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))))  # fmt: skip
def test_a_profile_sets_each_applicable_rules_date_and_no_other(nation, case_type, outcome, meeting):
    profile = Profile.from_dict({"code": "p", "title": "P", "rules": RULES})
    applied = profile.applied(case_type=case_type, events={"outcome": outcome, "meeting": meeting}, nation=nation)
    codes = [entry.rule.code for entry, _ in applied]
    assert ("appeal" in codes) == (case_type != "vetting")
    assert ("statement" in codes) == (meeting is not None)
    calendar = WorkingCalendar.of(nation)
    for entry, found in applied:
        if entry.rule.code == "appeal":
            assert found.date == calendar.add_working_days(outcome, 5)
        else:
            assert found.date == calendar.add_working_days(meeting, -2)
        assert found.steps[0].startswith('Rule profile "P" applies')


def test_a_profile_round_trips_through_its_data():
    profile = Profile.from_dict({"code": "p", "title": "P", "rules": RULES})
    assert Profile.from_dict(profile.to_dict()) == profile


@pytest.mark.parametrize(
    "rules,message",
    [
        ([{"code": "a", "title": "A", "count": 5, "unit": "working-days"}], "'from' must be one of"),
        ([{"code": "a", "title": "A", "count": 5, "unit": "fortnights", "from": "outcome"}], "rule 1"),
        ([{"code": "a", "title": "A", "count": 5, "unit": "working-days", "from": "outcome", "case_types": "grievance"}], "case_types"),
        ("not a list", "must be a list"),
    ],
)
def test_a_bad_profile_says_what_to_fix(rules, message):
    with pytest.raises(DeadlineError, match=message):
        Profile.from_dict({"code": "p", "title": "P", "rules": rules})


def test_every_event_a_profile_counts_from_is_named():
    assert set(EVENTS) == {"opened", "invitation", "meeting", "outcome", "incident"}
