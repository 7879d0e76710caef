"""Equality statistics: Fisher's exact test, the four-fifths rule, small groups merged."""

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disclosure import (
    GroupOutcome,
    TableError,
    audit_published,
    equality,
    failures,
    fisher_exact,
)


def test_fisher_exact_matches_fishers_tea_tasting():
    # Fisher (1935): 3 of 4 cups right each way; two-sided p = 34/70, one-sided 17/70
    assert fisher_exact(((3, 1), (1, 3))) == Fraction(17, 35)
    assert fisher_exact(((3, 1), (1, 3)), "greater") == Fraction(17, 70)
    assert fisher_exact(((3, 1), (1, 3)), "less") == Fraction(69, 70)


def test_fisher_exact_matches_published_values():
    # the dieting example (men 1 of 12 dieting, women 9 of 12): p = 0.002759
    assert round(float(fisher_exact(((1, 9), (11, 3)))), 6) == 0.002759
    # a table with no association at all
    assert fisher_exact(((5, 5), (5, 5))) == 1
    # R: fisher.test(matrix(c(10, 3, 2, 15), 2))$p.value = 0.0005367241
    assert round(float(fisher_exact(((10, 2), (3, 15)))), 10) == 0.0005367241


def brute_force(a, b, c, d):
    r1, r2, c1 = a + b, c + d, a + c
    n = r1 + r2
    probs = {x: Fraction(math.comb(r1, x) * math.comb(r2, c1 - x), math.comb(n, c1))
             for x in range(max(0, c1 - r2), min(r1, c1) + 1)}
    return sum(p for p in probs.values() if p <= probs[a])


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 12), st.integers(0, 12), st.integers(0, 12), st.integers(0, 12))
def test_fisher_exact_equals_the_definition(a, b, c, d):
    assert fisher_exact(((a, b), (c, d))) == brute_force(a, b, c, d)
    # the test does not care which row or column comes first
    assert fisher_exact(((c, d), (a, b))) == fisher_exact(((a, b), (c, d))) == fisher_exact(((b, a), (d, c)))


def test_fisher_exact_refuses_what_is_not_a_count():
    with pytest.raises(ValueError):
        fisher_exact(((1, -1), (2, 3)))
    with pytest.raises(ValueError):
        fisher_exact(((1, 2), (2, 3)), "both")


VETTING = [
    GroupOutcome("White", 4200, 60),
    GroupOutcome("Black", 600, 21),
    GroupOutcome("Asian", 900, 18),
    GroupOutcome("Mixed", 150, 4),  # 4 failures: too few to show
    GroupOutcome("Other ethnic group", 200, 8),  # 8: too few too; together 12
]


def test_small_groups_are_merged_never_shown_alone():
    report = equality(VETTING)
    names = [g.group for g in report.groups]
    assert "Mixed" not in names
    other = report.groups[-1]
    assert other.group == "Other" and other.members == ("Mixed", "Other ethnic group")
    assert (other.total, other.outcome) == (350, 12)
    for g in report.groups:
        bad = g.outcome
        assert g.total >= 10 and (bad == 0 or bad >= 10) and (g.total - bad == 0 or g.total - bad >= 10)
    assert report.total == 6050 and report.outcome == 111


def test_four_fifths_ratio_and_reference_group():
    report = equality(VETTING)
    assert report.reference == "White"  # highest pass rate among groups shown alone
    by = {g.group: g for g in report.groups}
    assert by["White"].impact_ratio is None
    assert by["Black"].impact_ratio == Fraction(579, 600) / Fraction(4140, 4200)
    assert not by["Black"].below_four_fifths
    assert by["Black"].p_value == fisher_exact(((21, 579), (60, 4140)))


def test_a_group_below_four_fifths_is_flagged():
    report = equality([GroupOutcome("A", 100, 10), GroupOutcome("B", 100, 40)])
    b = {g.group: g for g in report.groups}["B"]
    assert b.impact_ratio == Fraction(60, 90) and b.below_four_fifths


def test_favourable_outcomes_are_compared_the_same_way():
    report = equality([GroupOutcome("A", 100, 90), GroupOutcome("B", 100, 60)], outcome_is_adverse=False)
    b = {g.group: g for g in report.groups}["B"]
    assert report.reference == "A" and b.impact_ratio == Fraction(60, 90)


def test_a_group_where_everyone_had_the_adverse_outcome_is_not_shown():
    report = equality([GroupOutcome("A", 500, 20), GroupOutcome("B", 30, 30), GroupOutcome("C", 400, 15)])
    assert "B" not in [g.group for g in report.groups]


def test_if_even_everyone_together_is_too_few_nothing_is_shown_by_group():
    report = equality([GroupOutcome("A", 50, 3), GroupOutcome("B", 40, 2)])
    assert report.withheld and report.groups == ()
    assert report.total == 90 and report.outcome is None  # 5 failures in all: not shown


def test_when_other_is_still_too_small_the_smallest_shown_group_joins_it():
    report = equality([GroupOutcome("A", 4000, 60), GroupOutcome("B", 600, 21), GroupOutcome("C", 900, 18),
                       GroupOutcome("D", 150, 4), GroupOutcome("E", 40, 0)])
    assert [g.group for g in report.groups] == ["A", "C", "Other"]
    assert report.groups[-1].members == ("B", "D", "E")
    assert any("'B' was merged" in n for n in report.notes)


def test_a_merged_reference_group_falls_back_with_a_note():
    report = equality(VETTING, reference="Mixed")
    assert report.reference == "White"
    assert any("Mixed" in n for n in report.notes)


def test_what_the_report_shows_passes_the_audit():
    report = equality(VETTING)
    assert not failures(audit_published(report.published()))


def test_bad_outcomes_are_refused():
    with pytest.raises(TableError, match="out of only"):
        equality([GroupOutcome("A", 5, 6)])
    with pytest.raises(TableError, match="twice"):
        equality([GroupOutcome("A", 50, 6), GroupOutcome("A", 50, 6)])
    with pytest.raises(ValueError, match="at least 5"):
        equality(VETTING, threshold=3)
