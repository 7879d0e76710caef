"""Properties of the back-pay arithmetic, for any scales, hours and dates."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from backpay import History, Period, Rate, Scale, calculate

FTE = Decimal("37")
pence = st.integers(min_value=0, max_value=10_000_000)
days = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2026, 12, 31))
hours = st.integers(min_value=1, max_value=3700).map(lambda h: Decimal(h) / 100)
conventions = st.sampled_from(["monthly", "daily"])


def scale(annual_pence: int) -> Scale:
    return Scale([Rate("pps", "4", 1, Decimal(annual_pence) / 100, dt.date(2018, 1, 1))])


def history(start, end, h=FTE, splits=()):
    edges = [start, *sorted(set(d for d in splits if start < d <= end)), end + dt.timedelta(days=1)]
    periods = tuple(Period(a, b - dt.timedelta(days=1), "4", 1, h, FTE) for a, b in zip(edges, edges[1:]))
    return History("E1", "pps", periods)


def owed(old, new, h, start, end, convention="monthly"):
    return calculate(old=scale(old), new=scale(new), history=h, start=start, end=end, convention=convention)


@settings(max_examples=150, deadline=None)
@given(old=pence, new=pence, a=days, b=days, h=hours, convention=conventions)
def test_the_total_is_the_sum_of_the_rounded_periods_each_within_half_a_penny_of_exact(old, new, a, b, h, convention):
    start, end = min(a, b), max(a, b)
    result = owed(old, new, history(start, end, h), start, end, convention)
    assert result.total == sum((p.owed for p in result.periods), Decimal(0))
    for p in result.periods:
        assert abs(Fraction(p.owed * 100) - p.exact) <= Fraction(1, 2)
        assert p.owed == p.owed.quantize(Decimal("0.01"))


@settings(max_examples=150, deadline=None)
@given(old=pence, new=pence, year=st.integers(2019, 2025), month=st.integers(1, 12))
def test_full_time_over_twelve_whole_months_is_the_annual_difference(old, new, year, month):
    start = dt.date(year, month, 1)
    end = dt.date(year + 1, month, 1) - dt.timedelta(days=1)
    result = owed(old, new, history(start, end), start, end, "monthly")
    assert result.exact_total == new - old  # exactly, in pence, before rounding
    assert len(result.periods) == 12
    assert abs(result.total * 100 - (new - old)) <= 6  # twelve roundings of at most half a penny


@settings(max_examples=100, deadline=None)
@given(old=pence, new=pence, start=st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2021, 12, 31)))
def test_full_time_over_365_days_by_the_daily_convention_is_the_annual_difference(old, new, start):
    end = start + dt.timedelta(days=364)
    result = owed(old, new, history(start, end), start, end, "daily")
    assert result.exact_total == new - old
    assert abs(result.total * 100 - (new - old)) <= 7  # up to 13 months touched, each rounded once


@settings(max_examples=150, deadline=None)
@given(old=pence, new=pence, a=days, b=days, cut=days, h=hours)
def test_splitting_the_window_changes_the_daily_total_by_at_most_a_penny(old, new, a, b, cut, h):
    start, end = min(a, b), max(a, b)
    whole = owed(old, new, history(start, end, h), start, end, "daily")
    if not start < cut <= end:
        return
    first = owed(old, new, history(start, end, h), start, cut - dt.timedelta(days=1), "daily")
    second = owed(old, new, history(start, end, h), cut, end, "daily")
    assert first.exact_total + second.exact_total == whole.exact_total
    # only the month the cut falls in is rounded twice
    assert abs(first.total + second.total - whole.total) <= Decimal("0.01")


@settings(max_examples=150, deadline=None)
@given(old=pence, new=pence, a=days, b=days, cuts=st.lists(days, max_size=4), h=hours, convention=conventions)
def test_splitting_a_history_period_changes_nothing(old, new, a, b, cuts, h, convention):
    start, end = min(a, b), max(a, b)
    whole = owed(old, new, history(start, end, h), start, end, convention)
    split = owed(old, new, history(start, end, h, splits=cuts), start, end, convention)
    assert split.total == whole.total
    assert [p.owed for p in split.periods] == [p.owed for p in whole.periods]


@settings(max_examples=150, deadline=None)
@given(old=pence, new=pence, a=days, b=days, h=hours, convention=conventions)
def test_part_time_scales_linearly_with_hours(old, new, a, b, h, convention):
    start, end = min(a, b), max(a, b)
    full = owed(old, new, history(start, end), start, end, convention)
    part = owed(old, new, history(start, end, h), start, end, convention)
    assert part.exact_total == full.exact_total * Fraction(h) / Fraction(FTE)
    # each period rounded once on each side: within a penny a period of the scaled total
    assert abs(part.total - full.total * h / FTE) <= Decimal("0.01") * len(full.periods)


@settings(max_examples=100, deadline=None)
@given(old=pence, new=pence, a=days, b=days, convention=conventions)
def test_swapping_the_scales_negates_the_back_pay(old, new, a, b, convention):
    start, end = min(a, b), max(a, b)
    there = owed(old, new, history(start, end), start, end, convention)
    back = owed(new, old, history(start, end), start, end, convention)
    assert back.total == -there.total
