"""The bank holiday calendars against the official lists.

Source: GOV.UK, "UK bank holidays" (https://www.gov.uk/bank-holidays), the
lists for England and Wales, Scotland and Northern Ireland, 2019-2026, typed
in here as facts. Only the days off are listed (a holiday that falls at a
weekend appears as its substitute weekday, as GOV.UK shows it). Scotland's
15 June 2026 was appointed by Royal Proclamation under the Banking and
Financial Dealings Act 1971 s1(3) (announced 4 February 2026).
"""

import datetime as dt

import pytest

from deadlines import Nation, WorkingCalendar, bank_holidays


def days(*text):
    return {dt.date.fromisoformat(t) for t in text}


ENGLAND_WALES = {
    2019: days("2019-01-01", "2019-04-19", "2019-04-22", "2019-05-06", "2019-05-27", "2019-08-26", "2019-12-25", "2019-12-26"),
    # Early May bank holiday moved to Friday 8 May for the 75th anniversary of VE Day; Boxing Day (Sat) substituted on Mon 28 Dec.
    2020: days("2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28"),
    # Christmas (Sat) and Boxing Day (Sun) substituted on Mon 27 and Tue 28 December.
    2021: days("2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-27", "2021-12-28"),
    # New Year (Sat) on Mon 3 Jan; spring bank holiday moved to Thu 2 June, Platinum Jubilee Fri 3 June;
    # state funeral of Queen Elizabeth II Mon 19 September; Christmas (Sun) substituted on Tue 27 December.
    2022: days("2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29",
               "2022-09-19", "2022-12-26", "2022-12-27"),
    # New Year (Sun) on Mon 2 Jan; coronation of King Charles III Mon 8 May.
    2023: days("2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28",
               "2023-12-25", "2023-12-26"),
    2024: days("2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25", "2024-12-26"),
    2025: days("2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26"),
    # Boxing Day (Sat) substituted on Mon 28 December.
    2026: days("2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"),
}

SCOTLAND = {
    # 2 January is a bank holiday; no Easter Monday; summer bank holiday the first Monday of August;
    # St Andrew's Day (Sat 30 Nov 2019) substituted on Mon 2 December.
    2019: days("2019-01-01", "2019-01-02", "2019-04-19", "2019-05-06", "2019-05-27", "2019-08-05", "2019-12-02",
               "2019-12-25", "2019-12-26"),
    2020: days("2020-01-01", "2020-01-02", "2020-04-10", "2020-05-08", "2020-05-25", "2020-08-03", "2020-11-30",
               "2020-12-25", "2020-12-28"),
    # 2 January (Sat) substituted on Mon 4 January.
    2021: days("2021-01-01", "2021-01-04", "2021-04-02", "2021-05-03", "2021-05-31", "2021-08-02", "2021-11-30",
               "2021-12-27", "2021-12-28"),
    # New Year (Sat) and 2 January (Sun) substituted on Mon 3 and Tue 4 January.
    2022: days("2022-01-03", "2022-01-04", "2022-04-15", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-01",
               "2022-09-19", "2022-11-30", "2022-12-26", "2022-12-27"),
    # New Year (Sun): Mon 2 and Tue 3 January.
    2023: days("2023-01-02", "2023-01-03", "2023-04-07", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-07",
               "2023-11-30", "2023-12-25", "2023-12-26"),
    # St Andrew's Day (Sat) substituted on Mon 2 December.
    2024: days("2024-01-01", "2024-01-02", "2024-03-29", "2024-05-06", "2024-05-27", "2024-08-05", "2024-12-02",
               "2024-12-25", "2024-12-26"),
    # St Andrew's Day (Sun) substituted on Mon 1 December.
    2025: days("2025-01-01", "2025-01-02", "2025-04-18", "2025-05-05", "2025-05-26", "2025-08-04", "2025-12-01",
               "2025-12-25", "2025-12-26"),
    # Mon 15 June: Scotland's first FIFA World Cup finals match since 1998 (Royal Proclamation).
    2026: days("2026-01-01", "2026-01-02", "2026-04-03", "2026-05-04", "2026-05-25", "2026-06-15", "2026-08-03",
               "2026-11-30", "2026-12-25", "2026-12-28"),
}

NORTHERN_IRELAND = {
    # St Patrick's Day (Sun) substituted on Mon 18 March; Battle of the Boyne 12 July.
    2019: days("2019-01-01", "2019-03-18", "2019-04-19", "2019-04-22", "2019-05-06", "2019-05-27", "2019-07-12",
               "2019-08-26", "2019-12-25", "2019-12-26"),
    # 12 July (Sun) substituted on Mon 13 July.
    2020: days("2020-01-01", "2020-03-17", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-07-13",
               "2020-08-31", "2020-12-25", "2020-12-28"),
    2021: days("2021-01-01", "2021-03-17", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-07-12",
               "2021-08-30", "2021-12-27", "2021-12-28"),
    2022: days("2022-01-03", "2022-03-17", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03",
               "2022-07-12", "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"),
    2023: days("2023-01-02", "2023-03-17", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29",
               "2023-07-12", "2023-08-28", "2023-12-25", "2023-12-26"),
    # St Patrick's Day (Sun) substituted on Mon 18 March.
    2024: days("2024-01-01", "2024-03-18", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-07-12",
               "2024-08-26", "2024-12-25", "2024-12-26"),
    # 12 July (Sat) substituted on Mon 14 July.
    2025: days("2025-01-01", "2025-03-17", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-07-14",
               "2025-08-25", "2025-12-25", "2025-12-26"),
    # 12 July (Sun) substituted on Mon 13 July.
    2026: days("2026-01-01", "2026-03-17", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-07-13",
               "2026-08-31", "2026-12-25", "2026-12-28"),
}

OFFICIAL = {Nation.ENGLAND_WALES: ENGLAND_WALES, Nation.SCOTLAND: SCOTLAND, Nation.NORTHERN_IRELAND: NORTHERN_IRELAND}
CASES = [(nation, year) for nation, table in OFFICIAL.items() for year in table]


def days_off(nation, year):
    """The weekdays lost to bank holidays: what GOV.UK lists."""
    return {d for d in bank_holidays(nation, year) if d.weekday() < 5}


@pytest.mark.parametrize(("nation", "year"), CASES, ids=[f"{n.value}-{y}" for n, y in CASES])
def test_days_off_are_exactly_the_gov_uk_list(nation, year):
    assert days_off(nation, year) == OFFICIAL[nation][year]


@pytest.mark.parametrize(("nation", "year"), CASES, ids=[f"{n.value}-{y}" for n, y in CASES])
def test_every_listed_day_is_a_weekday_and_not_a_working_day(nation, year):
    calendar = WorkingCalendar(nation)
    for day in OFFICIAL[nation][year]:
        assert day.weekday() < 5
        assert not calendar.is_working_day(day)
        assert "bank holiday" in calendar.closed_because(day)


def test_wales_has_the_same_days_as_england():
    import holidays

    for year in range(2019, 2031):
        england = holidays.country_holidays("GB", subdiv="ENG", years=year)
        wales = holidays.country_holidays("GB", subdiv="WLS", years=year)
        assert set(england) == set(wales), year


@pytest.mark.parametrize(
    ("nation", "day", "name"),
    [
        (Nation.ENGLAND_WALES, "2020-05-08", "May Day"),
        (Nation.ENGLAND_WALES, "2022-09-19", "State Funeral"),
        (Nation.ENGLAND_WALES, "2023-05-08", "Coronation"),
        (Nation.SCOTLAND, "2022-01-04", "New Year Holiday"),
        (Nation.NORTHERN_IRELAND, "2025-07-14", "Battle of the Boyne"),
        (Nation.NORTHERN_IRELAND, "2024-03-18", "Patrick"),
    ],
)
def test_the_tricky_days_carry_their_names(nation, day, name):
    assert name in WorkingCalendar(nation).bank_holiday(dt.date.fromisoformat(day))


def test_the_usual_may_day_is_a_working_day_in_2020_and_the_spring_one_in_2022():
    england = WorkingCalendar(Nation.ENGLAND_WALES)
    assert england.is_working_day(dt.date(2020, 5, 4))  # the first Monday of May 2020 was worked
    assert england.is_working_day(dt.date(2022, 5, 30))  # the last Monday of May 2022 was worked


def test_days_only_one_nation_keeps():
    scotland, ni, england = (WorkingCalendar(n) for n in (Nation.SCOTLAND, Nation.NORTHERN_IRELAND, Nation.ENGLAND_WALES))
    easter_monday = dt.date(2026, 4, 6)
    assert not england.is_working_day(easter_monday) and not ni.is_working_day(easter_monday)
    assert scotland.is_working_day(easter_monday)
    second_january = dt.date(2026, 1, 2)
    assert not scotland.is_working_day(second_january) and england.is_working_day(second_january)
    first_monday_of_august, last_monday_of_august = dt.date(2026, 8, 3), dt.date(2026, 8, 31)
    assert not scotland.is_working_day(first_monday_of_august) and scotland.is_working_day(last_monday_of_august)
    assert england.is_working_day(first_monday_of_august) and not england.is_working_day(last_monday_of_august)
    assert not ni.is_working_day(dt.date(2026, 3, 17)) and england.is_working_day(dt.date(2026, 3, 17))
    assert not scotland.is_working_day(dt.date(2026, 6, 15)) and england.is_working_day(dt.date(2026, 6, 15))
