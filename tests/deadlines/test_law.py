"""The law table: every row sourced and dated; versions chosen by date and nation."""

import datetime as dt
import json
from importlib import resources

import pytest

from deadlines import DeadlineError, Nation, law
from deadlines.rules import RULES

D = dt.date.fromisoformat
SIX = "tribunal-limit/six-months"


def test_every_row_has_a_source_a_url_and_sane_dates():
    rows = law.all_versions()
    assert len({v.key for v in rows}) == len(rows)
    for v in rows:
        assert v.source and v.source_url.startswith("https://"), v.key
        assert v.title and v.statement and v.basis and v.nations, v.key
        if v.applies_from and v.applies_until:
            assert v.applies_from < v.applies_until, v.key


def test_every_rule_kind_reads_rows_that_exist_and_every_nation_is_covered_or_refused_in_words():
    for module in RULES.values():
        for code in module.LAW:
            assert law.versions(code), code


def test_the_json_says_what_its_dates_mean():
    data = json.loads(resources.files("deadlines").joinpath("law.json").read_text(encoding="utf-8"))
    assert "exclusive" in data["about"] and "null" in data["about"]


def test_the_six_month_limit_is_not_in_force_until_a_commencement_date_is_given():
    six = next(v for v in law.versions("tribunal-limit") if v.key == SIX)
    assert six.applies_from is None
    assert law.resolve("tribunal-limit", Nation.ENGLAND_WALES, D("2030-01-01")).version.params["months"] == 3


def test_a_commencement_date_switches_it_on_from_that_day_and_ends_the_old_version_the_day_before():
    on = {SIX: D("2026-10-01")}
    assert law.resolve("tribunal-limit", Nation.SCOTLAND, D("2026-09-30"), on).version.params["months"] == 3
    assert law.resolve("tribunal-limit", Nation.SCOTLAND, D("2026-10-01"), on).version.params["months"] == 6
    why = [a.why for a in law.not_applying("tribunal-limit", Nation.SCOTLAND, D("2026-09-30"), on)]
    assert any("on or after Thursday 1 October 2026" in w for w in why)


def test_northern_ireland_keeps_three_months_whatever_commencement_is_given():
    on = {SIX: D("2026-10-01")}
    applied = law.resolve("tribunal-limit", Nation.NORTHERN_IRELAND, D("2027-01-01"), on)
    assert applied.version.key == "tribunal-limit/three-months-ni"


def test_a_commencement_before_royal_assent_is_refused():
    with pytest.raises(DeadlineError, match="cannot be commenced before Thursday 18 December 2025"):
        law.resolve("tribunal-limit", Nation.ENGLAND_WALES, D("2026-01-01"), {SIX: D("2025-06-01")})


def test_dates_before_the_recorded_law_are_refused_not_guessed():
    with pytest.raises(DeadlineError, match="not recorded"):
        law.resolve("tribunal-limit", Nation.ENGLAND_WALES, D("2014-04-05"))
    assert law.resolve("tribunal-limit", Nation.ENGLAND_WALES, D("2014-04-06"))
    with pytest.raises(DeadlineError, match="not recorded"):
        law.resolve("early-conciliation", Nation.NORTHERN_IRELAND, D("2020-01-26"))


def test_a_rule_with_no_version_for_a_nation_says_so():
    with pytest.raises(DeadlineError, match="no rule for 'redundancy-consultation' in Northern Ireland"):
        law.resolve("redundancy-consultation", Nation.NORTHERN_IRELAND, D("2026-06-30"))
