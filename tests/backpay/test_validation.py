"""Bad scales and histories are refused whole, each problem named."""

import datetime as dt
from decimal import Decimal

import pytest

from backpay import BackpayError, History, Period, Scale, calculate


def row(point=1, annual="30000.00", start="2023-04-01", end=None, band="4"):
    r = {"employer": "pps", "band": band, "point": point, "annual": annual, "effective_from": start}
    if end:
        r["effective_to"] = end
    return r


def test_a_gap_between_two_rates_of_a_point_is_refused():
    with pytest.raises(BackpayError) as e:
        Scale.from_rows([row(end="2024-03-30"), row(annual="31000", start="2024-04-01")], name="new scale")
    assert e.value.problems == ["new scale, pps band 4 point 1: a gap from 2024-03-31 to 2024-03-31 with no rate"]


def test_an_overlap_between_two_rates_of_a_point_is_refused():
    with pytest.raises(BackpayError) as e:
        Scale.from_rows([row(end="2024-04-30"), row(annual="31000", start="2024-04-01")])
    assert "overlaps the rate from 2023-04-01" in e.value.problems[0]


def test_two_rates_from_the_same_day_overlap():
    with pytest.raises(BackpayError, match="overlaps"):
        Scale.from_rows([row(), row(annual="31000")])


def test_rates_that_follow_on_are_accepted_and_looked_up_by_day():
    scale = Scale.from_rows([row(end="2024-03-31"), row(annual="31000", start="2024-04-01")])
    assert scale.annual("pps", "4", 1, dt.date(2024, 3, 31)) == Decimal("30000")
    assert scale.annual("pps", "4", 1, dt.date(2024, 4, 1)) == Decimal("31000")
    with pytest.raises(BackpayError, match="no rate for pps band 4 point 1 on 2023-03-31"):
        scale.annual("pps", "4", 1, dt.date(2023, 3, 31))


@pytest.mark.parametrize(("annual", "says"), [
    ("-1.00", "is negative"), ("abc", "is not a number"), ("NaN", "is not a number"), ("12.345", "more than 2 decimal places"),
    (1.5, "is not a number"), ("", "missing annual"),
])  # fmt: skip
def test_bad_amounts_are_refused_with_the_row_named(annual, says):
    with pytest.raises(BackpayError) as e:
        Scale.from_rows([row(), row(point=2, annual=annual)], name="old scale")
    assert len(e.value.problems) == 1
    assert e.value.problems[0].startswith("old scale, row 2") and says in e.value.problems[0]


def test_every_bad_row_is_listed_not_just_the_first():
    with pytest.raises(BackpayError) as e:
        Scale.from_rows([row(annual="x"), row(point="two"), row(point=3, start="2023-02-30")])
    assert len(e.value.problems) == 3


def period(start, end, hours="37", fte="37", point=1):
    return Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end), "4", point, Decimal(hours), Decimal(fte))


def test_overlapping_history_periods_are_refused():
    with pytest.raises(BackpayError, match="the period from 2024-05-01 overlaps the period from 2024-04-01 to 2024-05-01"):
        History("E1", "pps", (period("2024-04-01", "2024-05-01"), period("2024-05-01", "2024-06-30")))


def test_hours_above_full_time_are_refused():
    with pytest.raises(BackpayError, match="37.5 hours a week, above the full-time 37"):
        History("E1", "pps", (period("2024-04-01", "2024-05-01", hours="37.5"),))


def test_zero_hours_and_a_period_ending_before_it_starts_are_refused():
    with pytest.raises(BackpayError) as e:
        History("E1", "pps", (period("2024-04-01", "2024-03-01"), period("2024-05-01", "2024-06-01", hours="0")))
    assert len(e.value.problems) == 2


def test_progression_moves_one_point_a_year_and_stops_at_the_top():
    scale = Scale.from_rows([row(point=p, annual=str(30000 + 1000 * p)) for p in (1, 2, 3)])
    old = Scale.from_rows([row(point=p, annual=str(29000 + 1000 * p)) for p in (1, 2, 3)])
    history = History("E1", "pps", (period("2023-04-01", "2027-03-31"),), anniversary=dt.date(2020, 9, 1))
    result = calculate(old=old, new=scale, history=history, start=dt.date(2023, 4, 1), end=dt.date(2027, 3, 31))
    points = {(s.start, s.point) for p in result.periods for s in p.steps if s.start.day == 1 and s.start.month == 9}
    assert points == {(dt.date(2023, 9, 1), 2), (dt.date(2024, 9, 1), 3), (dt.date(2025, 9, 1), 3), (dt.date(2026, 9, 1), 3)}


def test_an_anniversary_on_29_february_falls_on_28_february_in_other_years():
    scale = Scale.from_rows([row(point=p, annual=str(30000 + 1000 * p), start="2020-01-01") for p in (1, 2, 3)])
    history = History("E1", "pps", (period("2023-01-01", "2023-12-31"),), anniversary=dt.date(2020, 2, 29))
    result = calculate(old=scale, new=scale, history=history, start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))
    assert [(s.start, s.point) for s in result.periods[1].steps] == [(dt.date(2023, 2, 1), 1), (dt.date(2023, 2, 28), 2)]


def test_a_day_worked_with_no_rate_in_the_new_scale_is_refused():
    old = Scale.from_rows([row()])
    new = Scale.from_rows([row(annual="31000", start="2024-01-01")])
    history = History("E1", "pps", (period("2023-12-01", "2024-01-31"),))
    with pytest.raises(BackpayError, match="no rate for pps band 4 point 1 on 2023-12-01"):
        calculate(old=old, new=new, history=history, start=dt.date(2023, 12, 1), end=dt.date(2024, 1, 31))


def test_a_rate_change_within_a_month_splits_the_step():
    old = Scale.from_rows([row()])
    new = Scale.from_rows([row(annual="30000", end="2024-04-15"), row(annual="31200", start="2024-04-16")])
    history = History("E1", "pps", (period("2024-04-01", "2024-04-30"),))
    result = calculate(old=old, new=new, history=history, start=dt.date(2024, 4, 1), end=dt.date(2024, 4, 30))
    (april,) = result.periods
    assert [(s.days, s.difference) for s in april.steps] == [(15, Decimal("0")), (15, Decimal("1200"))]
    assert april.owed == Decimal("50.00")  # 1,200 / 12 × 15/30


def test_an_unknown_convention_is_refused():
    scale = Scale.from_rows([row()])
    history = History("E1", "pps", (period("2024-04-01", "2024-04-30"),))
    with pytest.raises(BackpayError, match="convention 'weekly'"):
        calculate(old=scale, new=scale, history=history, start=dt.date(2024, 4, 1), end=dt.date(2024, 4, 30), convention="weekly")
