"""Primary suppression: the threshold rule, the (n, k) rule and the p% rule."""

from fractions import Fraction

import pytest

from disclosure import Rules, Status, Table, protect
from disclosure.rules import assess_count, assess_sum
from disclosure.tables import Magnitude


def test_counts_under_the_threshold_are_sensitive_zeros_and_threshold_are_not():
    rules = Rules()
    assert assess_count(0, rules) is None
    assert assess_count(10, rules) is None
    s = assess_count(3, rules)
    assert s.status is Status.PRIMARY
    # the published figures must fit both an empty cell and one at the threshold
    assert (3 - s.lower, 3 + s.upper) == (0, 10)
    assert "fewer than 10" in s.reason


def test_the_threshold_is_settable_but_never_below_five():
    assert assess_count(12, Rules(threshold=15)) is not None
    assert Rules(threshold=5).threshold == 5
    for bad in (4, 0, -1):
        with pytest.raises(ValueError, match="below 5"):
            Rules(threshold=bad)
    with pytest.raises(ValueError, match="below 5"):
        protect(Table.frequency("t", ("a",), {("x",): 20}), threshold=3)


def test_a_sum_over_few_contributors_is_hidden_with_its_safety_range():
    s = assess_sum(Magnitude.of([40, 50, 60]), Rules())
    assert s.status is Status.PRIMARY and s.rule.startswith("threshold")
    assert s.upper == s.lower == Fraction(150) * 20 / 100


def test_the_nk_rule_flags_a_sum_its_two_largest_dominate():
    # 12 contributors: two with 500 and 400 hours, ten with 10 each: (500+400)/1000 = 90% > 85%
    cell = Magnitude.of([500, 400] + [10] * 10)
    s = assess_sum(cell, Rules(p=None))
    assert s.status is Status.DOMINANCE and s.rule == "nk"
    # it must be able to grow until the two are 85%: 900 / 0.85 - 1000
    assert s.upper == Fraction(900 * 100, 85) - 1000
    assert assess_sum(Magnitude.of([500, 400] + [10] * 20), Rules(p=None)) is None  # 900/1100 = 81.8%


def test_the_p_percent_rule_flags_a_sum_the_runner_up_could_nearly_work_out():
    # x1 = 1000, x2 = 100, the rest 10 x 5 = 50 < 10% of 1000
    cell = Magnitude.of([1000, 100] + [5] * 10)
    s = assess_sum(cell, Rules(nk=None))
    assert s.status is Status.DOMINANCE and s.rule == "p"
    assert s.upper == Fraction(1000) * 10 / 100 - 50
    assert assess_sum(Magnitude.of([1000, 100] + [20] * 10), Rules(nk=None)) is None  # rest 200 >= 100


def test_rules_can_be_turned_off_and_bad_settings_refused():
    cell = Magnitude.of([1000, 100] + [5] * 10)
    assert assess_sum(cell, Rules(nk=None, p=None)) is None
    with pytest.raises(ValueError):
        Rules(nk=(0, 85))
    with pytest.raises(ValueError):
        Rules(nk=(2, 100))
    with pytest.raises(ValueError):
        Rules(p=0)


def test_negative_contributions_are_refused():
    with pytest.raises(ValueError, match="negative"):
        Magnitude.of([3, -1])
