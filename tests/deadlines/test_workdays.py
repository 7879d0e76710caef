"""Working days: counting forward and back, closures, nations, bad input."""

import datetime as dt

import pytest

from deadlines import DeadlineError, Nation, WorkingCalendar, nation_of, working_days

D = dt.date.fromisoformat
ENGLAND = WorkingCalendar(Nation.ENGLAND_WALES)
SCOTLAND = WorkingCalendar(Nation.SCOTLAND)
NI = WorkingCalendar(Nation.NORTHERN_IRELAND)


def test_a_weekday_that_is_no_holiday_is_a_working_day_and_a_weekend_is_not():
    assert ENGLAND.is_working_day(D("2026-03-10"))
    assert not ENGLAND.is_working_day(D("2026-03-14"))
    assert ENGLAND.closed_because(D("2026-03-14")) == "Saturday"
    assert ENGLAND.closed_because(D("2026-03-10")) is None


def test_adding_working_days_skips_weekends():
    friday = D("2026-03-13")
    assert ENGLAND.add_working_days(friday, 1) == D("2026-03-16")
    assert ENGLAND.add_working_days(friday, 5) == D("2026-03-20")
    assert ENGLAND.add_working_days(friday, 0) == friday


def test_a_start_at_the_weekend_is_not_counted():
    saturday = D("2026-03-14")
    assert ENGLAND.add_working_days(saturday, 1) == D("2026-03-16")


def test_christmas_and_new_year_in_each_nation():
    # 2026: Christmas Fri 25, Boxing Day Sat 26 (substitute Mon 28), New Year Fri 1 Jan 2027; Scotland adds Mon 4 Jan 2027.
    eve = D("2026-12-24")
    assert ENGLAND.working_days_after(eve, 3) == [D("2026-12-29"), D("2026-12-30"), D("2026-12-31")]
    assert ENGLAND.add_working_days(eve, 4) == D("2027-01-04")
    assert SCOTLAND.add_working_days(eve, 4) == D("2027-01-05")


def test_easter_monday_counts_in_scotland_only():
    maundy_thursday = D("2026-04-02")
    assert ENGLAND.add_working_days(maundy_thursday, 1) == D("2026-04-07")
    assert NI.add_working_days(maundy_thursday, 1) == D("2026-04-07")
    assert SCOTLAND.add_working_days(maundy_thursday, 1) == D("2026-04-06")


def test_counting_back():
    tuesday_after_easter = D("2026-04-07")
    assert ENGLAND.add_working_days(tuesday_after_easter, -1) == D("2026-04-02")
    assert ENGLAND.working_days_before(tuesday_after_easter, 2) == [D("2026-04-02"), D("2026-04-01")]


def test_working_days_between_counts_the_end_but_not_the_start():
    assert ENGLAND.working_days_between(D("2026-03-13"), D("2026-03-16")) == 1
    assert ENGLAND.working_days_between(D("2026-03-16"), D("2026-03-16")) == 0
    assert ENGLAND.working_days_between(D("2026-03-16"), D("2026-03-13")) == -1
    assert ENGLAND.working_days_between(D("2025-12-31"), D("2026-12-31")) == 365 - 104 - 8


def test_an_employer_closure_day_is_not_a_working_day():
    closed = WorkingCalendar.of("england-wales", [D("2026-12-29"), D("2026-12-30"), D("2026-12-31")])
    assert closed.closed_because(D("2026-12-30")) == "employer closure day"
    assert closed.add_working_days(D("2026-12-24"), 1) == D("2027-01-04")
    assert closed.statutory() == ENGLAND


def test_nation_names_and_aliases():
    assert nation_of("Scotland") is Nation.SCOTLAND
    assert nation_of("NIR") is Nation.NORTHERN_IRELAND
    assert nation_of("wales") is Nation.ENGLAND_WALES
    assert nation_of("England and Wales") is Nation.ENGLAND_WALES
    with pytest.raises(DeadlineError, match="unknown nation"):
        nation_of("ireland")


@pytest.mark.parametrize("bad", [-1, 1.5, True, 10_001])
def test_a_bad_count_is_refused(bad):
    with pytest.raises(DeadlineError):
        ENGLAND.working_days_after(D("2026-01-05"), bad)


def test_dates_far_outside_the_years_in_use_are_refused():
    with pytest.raises(DeadlineError, match="outside the years"):
        working_days(D("1850-01-01"), 3)
    with pytest.raises(DeadlineError, match="a date"):
        WorkingCalendar.of("scotland", ["2026-01-01"])


def test_working_days_explains_every_day_it_skips():
    counted = working_days("2026-05-22", 3, nation="scotland")
    assert counted.date == D("2026-05-28")
    text = " ".join(counted.steps)
    assert "Monday 25 May 2026, bank holiday in Scotland (Spring Bank Holiday)" in text
    assert "two weekend days" in text
    assert "Tue 26 May (1), Wed 27 May (2), Thu 28 May (3)" in text


def test_working_days_back_and_long_counts_are_summarised():
    back = working_days("2026-04-07", -2)
    assert back.date == D("2026-04-01")
    long = working_days("2026-01-05", 40)
    assert long.date == ENGLAND.add_working_days(D("2026-01-05"), 40)
    assert any("the 40th is" in step for step in long.steps)


def test_a_count_that_reaches_unchecked_years_says_so():
    from deadlines.workdays import unverified_note

    assert unverified_note([D("2026-12-31")]) is None
    assert "2027" in unverified_note([D("2027-01-04")])
