"""Counting conventions: calendar days, weeks, months (corresponding date and
end of month), 'less a day', 'from the day after', before, and rolling."""

import datetime as dt

import pytest

from deadlines import (
    Counting,
    DeadlineError,
    Direction,
    Nation,
    Period,
    Roll,
    Unit,
    WorkingCalendar,
    add_months,
    work_out,
)
from deadlines.counting import months_starting_with

D = dt.date.fromisoformat
ENGLAND = WorkingCalendar(Nation.ENGLAND_WALES)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        ("2026-01-31", 1, "2026-02-28"),  # no 31 February: the last day
        ("2024-01-31", 1, "2024-02-29"),  # leap year
        ("2026-01-30", 1, "2026-02-28"),
        ("2026-01-28", 1, "2026-02-28"),
        ("2026-02-28", 1, "2026-03-28"),  # not the last day of March: no 'end to end' rule (Dodds v Walker)
        ("2025-11-30", 3, "2026-02-28"),
        ("2023-11-30", 3, "2024-02-29"),
        ("2026-09-30", 4, "2027-01-30"),  # Dodds v Walker's own facts, moved to 2026: 30 Sept + 4 months = 30 Jan
        ("2026-12-15", 1, "2027-01-15"),  # across a year end
        ("2026-03-31", -1, "2026-02-28"),
        ("2026-05-31", 12, "2027-05-31"),
        ("2024-02-29", 12, "2025-02-28"),
    ],
)
def test_add_months_uses_the_corresponding_date_or_the_last_day_of_the_month(start, months, end):
    assert add_months(D(start), months) == D(end)


@pytest.mark.parametrize(
    ("start", "less_a_day", "carried"),
    [
        ("2026-03-10", "2026-06-09", "2026-06-09"),
        ("2016-06-20", "2016-09-19", "2016-09-19"),  # Haque's effective date of termination
        ("2026-08-31", "2026-11-29", "2026-11-30"),
        ("2026-03-01", "2026-05-31", "2026-05-28"),
        ("2024-03-01", "2024-05-31", "2024-05-29"),
        ("2026-11-30", "2027-02-27", "2027-02-28"),
        ("2026-12-01", "2027-02-28", "2027-02-28"),
        ("2026-05-31", "2026-08-30", "2026-08-30"),
    ],
)
def test_months_starting_with_by_both_readings(start, less_a_day, carried):
    assert months_starting_with(D(start), 3) == (D(less_a_day), D(carried))


def test_less_a_day_takes_the_earlier_reading_and_says_so():
    counted = work_out(Period(3, Unit.MONTHS, Counting.STARTING_WITH), D("2026-08-31"), ENGLAND, "the act")
    assert counted.date == D("2026-11-29")
    assert counted.other_reading == D("2026-11-30")
    assert "November 2026 has no 31st" in counted.steps[0]
    assert "the earlier date" in counted.steps[1]
    counted = work_out(Period(3, Unit.MONTHS, Counting.STARTING_WITH), D("2026-03-01"), ENGLAND, "the act")
    assert counted.date == D("2026-05-28") and counted.other_reading == D("2026-05-31")


def test_where_the_readings_agree_there_is_one_step():
    counted = work_out(Period(3, Unit.MONTHS, Counting.STARTING_WITH), D("2026-03-10"), ENGLAND)
    assert counted.date == D("2026-06-09") and counted.other_reading is None
    assert len(counted.steps) == 1 and "three months less a day" in counted.steps[0]


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (Period(14, Unit.CALENDAR_DAYS), "2026-03-02", "2026-03-16"),
        (Period(14, Unit.CALENDAR_DAYS, Counting.STARTING_WITH), "2026-03-02", "2026-03-15"),
        (Period(2, Unit.WEEKS), "2026-03-02", "2026-03-16"),
        (Period(1, Unit.WEEKS, Counting.STARTING_WITH), "2026-03-02", "2026-03-08"),
        (Period(30, Unit.CALENDAR_DAYS, direction=Direction.BEFORE), "2026-06-30", "2026-05-31"),
        (Period(1, Unit.MONTHS), "2026-01-31", "2026-02-28"),
        (Period(1, Unit.MONTHS, direction=Direction.BEFORE), "2026-03-31", "2026-02-28"),
        (Period(5, Unit.WORKING_DAYS), "2026-03-02", "2026-03-09"),
        (Period(5, Unit.WORKING_DAYS, Counting.STARTING_WITH), "2026-03-02", "2026-03-06"),
        (Period(5, Unit.WORKING_DAYS, Counting.STARTING_WITH), "2026-03-01", "2026-03-06"),  # a Sunday is not day one
        (Period(2, Unit.WORKING_DAYS, direction=Direction.BEFORE), "2026-04-07", "2026-04-01"),
        (Period(0, Unit.WORKING_DAYS), "2026-03-07", "2026-03-07"),
        (Period(0, Unit.CALENDAR_DAYS), "2026-03-07", "2026-03-07"),
    ],
)
def test_each_convention(period, start, end):
    assert work_out(period, D(start), ENGLAND).date == D(end)


def test_rolling_to_the_next_or_previous_working_day():
    # One month after Friday 28 August 2026 is Monday 28 September: a working day, no move.
    assert work_out(Period(1, Unit.MONTHS, roll=Roll.NEXT), D("2026-08-28"), ENGLAND).date == D("2026-09-28")
    # One month after 25 November 2026 is Friday 25 December, Christmas Day.
    counted = work_out(Period(1, Unit.MONTHS, roll=Roll.NEXT), D("2026-11-25"), ENGLAND)
    assert counted.date == D("2026-12-29")
    assert "Christmas Day" in counted.steps[-1]
    assert work_out(Period(1, Unit.MONTHS, roll=Roll.PREVIOUS), D("2026-11-25"), ENGLAND).date == D("2026-12-24")
    assert work_out(Period(1, Unit.MONTHS, roll=Roll.STAY), D("2026-11-25"), ENGLAND).date == D("2026-12-25")


@pytest.mark.parametrize(
    "bad",
    [
        {"count": -1, "unit": Unit.CALENDAR_DAYS},
        {"count": 2.5, "unit": Unit.CALENDAR_DAYS},
        {"count": True, "unit": Unit.CALENDAR_DAYS},
        {"count": 3, "unit": "fortnights"},
        {"count": 3, "unit": Unit.MONTHS, "counting": "sometimes"},
        {"count": 3, "unit": Unit.CALENDAR_DAYS, "counting": Counting.STARTING_WITH, "direction": Direction.BEFORE},
        {"count": 0, "unit": Unit.MONTHS, "counting": Counting.STARTING_WITH},
        {"count": 5000, "unit": Unit.MONTHS},
    ],
)
def test_a_period_that_makes_no_sense_is_refused(bad):
    with pytest.raises(DeadlineError):
        Period(**bad)


def test_a_period_describes_itself():
    assert Period(5, "working-days").describe() == "five working days counted from the day after the event"
    assert "next working day" in Period(1, Unit.MONTHS, roll=Roll.NEXT).describe()
