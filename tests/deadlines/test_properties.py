"""Properties that hold for every date, nation and count."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from deadlines import (
    Counting,
    Nation,
    Period,
    Unit,
    WorkingCalendar,
    add_months,
    deadline,
    work_out,
)
from deadlines.counting import months_starting_with
from deadlines.rules.tribunal import early_conciliation

PROPERTY = settings(max_examples=150, deadline=None)
dates = st.dates(dt.date(2019, 1, 1), dt.date(2030, 12, 31))
nations = st.sampled_from(list(Nation))


@st.composite
def calendars(draw):
    nation = draw(nations)
    closures = draw(st.frozensets(st.dates(dt.date(2019, 1, 1), dt.date(2031, 12, 31)), max_size=20))
    return WorkingCalendar.of(nation, closures)


@PROPERTY
@given(calendars(), dates, st.integers(0, 80))
def test_adding_n_working_days_then_counting_them_gives_n(calendar, start, n):
    end = calendar.add_working_days(start, n)
    assert calendar.working_days_between(start, end) == n
    assert calendar.add_working_days(end, -n) <= start or n == 0


@PROPERTY
@given(calendars(), dates, st.integers(1, 40))
def test_every_working_day_found_is_a_weekday_not_a_holiday_nor_a_closure(calendar, start, n):
    found = calendar.working_days_after(start, n)
    assert found == sorted(found) and len(set(found)) == n and found[0] > start
    for day in found:
        assert day.weekday() < 5
        assert calendar.bank_holiday(day) is None
        assert day not in calendar.closures
    # and nothing between them was skipped that should have been counted
    day = start + dt.timedelta(days=1)
    while day < found[-1]:
        assert (day in found) == calendar.is_working_day(day)
        day += dt.timedelta(days=1)


@PROPERTY
@given(dates, st.integers(-36, 36))
def test_add_months_lands_on_the_same_day_or_the_last_day_of_a_shorter_month(start, n):
    end = add_months(start, n)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == n
    assert end.day == start.day or (end.day < start.day and (end + dt.timedelta(days=1)).day == 1)


@PROPERTY
@given(dates, st.integers(1, 12))
def test_months_less_a_day_ends_inside_the_last_month_of_the_period(start, n):
    less_a_day, carried = months_starting_with(start, n)
    chosen = work_out(Period(n, Unit.MONTHS, Counting.STARTING_WITH), start, WorkingCalendar(Nation.ENGLAND_WALES)).date
    assert chosen == min(less_a_day, carried)
    assert add_months(start, n) - dt.timedelta(days=4) <= chosen < add_months(start, n)


@PROPERTY
@given(dates, st.integers(0, 200), st.integers(0, 120), st.integers(-10, 200))
def test_the_s207b_extended_date_is_never_earlier_and_gives_at_least_a_month_after_the_certificate(act, a_offset, length, _):
    limit = months_starting_with(act, 3)[1]
    day_a = act + dt.timedelta(days=a_offset)
    day_b = day_a + dt.timedelta(days=length)
    final, _, figures = early_conciliation(limit, day_a, day_b)
    assert final >= limit
    if day_a <= limit:
        assert final >= limit + (day_b - day_a)  # (3) always counts in full
        assert final >= add_months(day_b, 1)  # (4) leaves at least a month after Day B
        assert final in (figures["after_s207b_3"], figures["one_month_after_day_b"])
    else:
        assert final == limit


@PROPERTY
@given(dates, nations, st.integers(0, 60), st.integers(0, 90), st.booleans())
def test_a_deadline_never_precedes_its_start(start, nation, a_offset, length, extended):
    day_a = start + dt.timedelta(days=a_offset)
    extra = {"acas_from": day_a, "acas_cert": day_a + dt.timedelta(days=length)}
    if nation is Nation.NORTHERN_IRELAND and start < dt.date(2020, 1, 27):
        start = dt.date(2020, 1, 27)
        extra = {}
    for rule, kw in [("tribunal", extra), ("companion", {}), ("sar", {"extended": extended})]:
        found = deadline(rule, start=start, nation=nation, extra=kw)
        assert found.date > start
        assert found.steps


@PROPERTY
@given(dates, nations)
def test_a_subject_access_deadline_is_a_working_day_and_no_earlier_than_the_corresponding_date(received, nation):
    found = deadline("sar", start=received, nation=nation)
    calendar = WorkingCalendar(nation)
    assert calendar.is_working_day(found.date)
    assert add_months(received, 1) <= found.date < add_months(received, 1) + dt.timedelta(days=6)


@PROPERTY
@given(dates, nations, st.integers(20, 500))
def test_consultation_starts_before_the_dismissal(first_dismissal, nation, employees):
    if nation is Nation.NORTHERN_IRELAND:
        return
    found = deadline("consultation", start=first_dismissal, nation=nation, extra={"employees": employees})
    assert (first_dismissal - found.date).days == (45 if employees >= 100 else 30)
