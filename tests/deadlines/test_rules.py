"""The other rule kinds: right to be accompanied, subject access, redundancy
consultation, ACAS Code appeals, and employer policy rules."""

import datetime as dt

import pytest

from deadlines import RULES, DeadlineError, PolicyRule, deadline

D = dt.date.fromisoformat


# --- Right to be accompanied (Employment Relations Act 1999 s10(4)-(5)) ----------------------


@pytest.mark.parametrize(
    ("proposed", "nation", "latest"),
    [
        ("2026-03-02", "england-wales", "2026-03-09"),  # Monday: Tue-Fri, then Monday
        ("2026-03-06", "england-wales", "2026-03-13"),  # Friday: the weekend is not counted
        ("2026-03-07", "england-wales", "2026-03-13"),  # a Saturday proposal: the first working day after is Monday
        ("2026-04-01", "england-wales", "2026-04-10"),  # Good Friday and Easter Monday are skipped
        ("2026-04-01", "scotland", "2026-04-09"),  # Scotland works Easter Monday
        ("2026-12-23", "england-wales", "2027-01-04"),
        ("2026-12-23", "scotland", "2027-01-05"),  # and keeps 4 January 2027 (2 January falls on a Saturday)
        ("2026-06-12", "scotland", "2026-06-22"),  # 15 June 2026, Scotland's World Cup bank holiday
        ("2026-07-09", "northern-ireland", "2026-07-17"),  # 13 July 2026, the Twelfth's substitute day
    ],
)
def test_companion_latest_alternative_day(proposed, nation, latest):
    d = deadline("companion", start=proposed, nation=nation)
    assert d.date == D(latest)


def test_companion_ignores_employer_closures_because_the_act_defines_working_days():
    d = deadline("companion", start="2026-03-02", closures=[D("2026-03-04")])
    assert d.date == D("2026-03-09")
    assert any("closure days are not taken off" in s for s in d.steps)


def test_companion_in_northern_ireland_names_the_order():
    d = deadline("companion", start="2026-03-02", nation="northern-ireland")
    assert "Art. 12" in d.source and "reasonable" in " ".join(d.steps)


# --- Subject access (UK GDPR Art 12(3); ICO) --------------------------------------------------


@pytest.mark.parametrize(
    ("received", "nation", "due"),
    [
        ("2026-09-03", "england-wales", "2026-10-05"),  # ICO's own example (3 Sep -> 3 Oct); 3 Oct 2026 is a Saturday
        ("2025-09-03", "england-wales", "2025-10-03"),  # the example as it reads in a year when 3 Oct is a Friday
        ("2026-01-31", "england-wales", "2026-03-02"),  # 28 Feb 2026 is a Saturday
        ("2027-01-31", "england-wales", "2027-03-01"),  # last day of February, Sunday 28 Feb 2027 -> Monday 1 March
        ("2024-01-30", "england-wales", "2024-02-29"),  # leap year: 29 Feb, a Thursday
        ("2026-01-30", "england-wales", "2026-03-02"),
        ("2026-11-25", "england-wales", "2026-12-29"),  # 25 Dec Fri, Sat, Sun, Boxing Day substitute Mon 28
        ("2026-12-02", "scotland", "2027-01-05"),  # 2 Jan 2027 in Scotland
        ("2026-02-17", "northern-ireland", "2026-03-18"),  # 17 March, St Patrick's Day
        ("2026-02-17", "england-wales", "2026-03-17"),
        ("2026-05-15", "scotland", "2026-06-16"),  # 15 June 2026
        ("2026-03-14", "england-wales", "2026-04-14"),  # received on a Saturday: it still counts from that day
    ],
)
def test_subject_access_one_month(received, nation, due):
    assert deadline("sar", start=received, nation=nation).date == D(due)


def test_subject_access_extended_by_two_further_months():
    d = deadline("sar", start="2026-03-10", extra={"extended": True})
    assert d.date == D("2026-06-10")
    assert "extended" in d.title
    assert deadline("sar", start="2026-11-30", extra={"extended": True}).date == D("2027-03-01")  # 28 Feb 2027 is a Sunday


def test_an_extension_at_a_month_end_takes_the_earlier_reading():
    # Three months from 31 January 2026 is 30 April; two months from the first month's end (28 February) is 28 April.
    d = deadline("sar", start="2026-01-31", extra={"extended": True})
    assert d.date == D("2026-04-28")
    assert any("the earlier date is used" in s for s in d.steps)


def test_subject_access_steps_follow_the_ico_words():
    d = deadline("sar", start="2026-01-31")
    text = " ".join(d.steps)
    assert "February 2026 has no 31st" in text and "next working day, Monday 2 March 2026" in text


def test_subject_access_extended_must_be_true_or_false():
    with pytest.raises(DeadlineError, match="true or false"):
        deadline("sar", start="2026-01-31", extra={"extended": "yes"})


# --- Redundancy consultation (TULRCA s188) ------------------------------------------------


@pytest.mark.parametrize(
    ("employees", "latest"),
    [(20, "2026-05-31"), (99, "2026-05-31"), (100, "2026-05-16"), (1000, "2026-05-16")],
)
def test_consultation_days_before_the_first_dismissal(employees, latest):
    d = deadline("consultation", start="2026-06-30", extra={"employees": employees})
    assert d.date == D(latest)


def test_consultation_below_twenty_has_no_statutory_period():
    d = deadline("consultation", start="2026-06-30", extra={"employees": 19})
    assert d.date is None
    assert d.headline == "No fixed date"


def test_consultation_across_a_year_end_and_a_leap_day():
    assert deadline("consultation", start="2028-03-15", extra={"employees": 50}).date == D("2028-02-14")
    assert deadline("consultation", start="2027-01-20", extra={"employees": 150}).date == D("2026-12-06")


@pytest.mark.parametrize(("extra", "message"), [({}, "number of redundancies"), ({"employees": -3}, "whole number")])
def test_consultation_needs_a_number(extra, message):
    with pytest.raises(DeadlineError, match=message):
        deadline("consultation", start="2026-06-30", extra=extra)


def test_consultation_is_not_recorded_for_northern_ireland():
    with pytest.raises(DeadlineError, match="Northern Ireland"):
        deadline("consultation", start="2026-06-30", nation="northern-ireland", extra={"employees": 50})


# --- Appeals: ACAS Code, and an employer's policy ------------------------------------------

FIVE_WORKING_DAYS = {"code": "acme-appeal", "title": "Appeal within 5 working days of the outcome letter", "count": 5,
                     "unit": "working-days", "event": "the date of the outcome letter", "source": "Acme procedure, para 9.1"}  # fmt: skip


def test_the_acas_code_fixes_no_date():
    d = deadline("appeal", start="2026-03-02")
    assert d.date is None
    assert "without unreasonable delay" in " ".join(d.steps)


def test_an_employer_policy_fixes_the_date_and_counts_its_closures():
    d = deadline("appeal", start="2026-03-02", extra={"policy": FIVE_WORKING_DAYS})
    assert d.date == D("2026-03-09")
    assert "Acme procedure" in d.source and "ACAS Code" in d.source
    closed = deadline("appeal", start="2026-03-02", extra={"policy": FIVE_WORKING_DAYS}, closures=[D("2026-03-04")])
    assert closed.date == D("2026-03-10")
    assert "employer closure day" in " ".join(closed.steps)


def test_a_policy_rule_on_its_own():
    rule = PolicyRule.from_dict({**FIVE_WORKING_DAYS, "count": 10, "unit": "calendar-days", "roll": "next-working-day"})
    d = deadline(rule, start="2026-03-04")  # +10 = Saturday 14 March -> Monday 16 March
    assert d.date == D("2026-03-16")
    assert d.rule == "acme-appeal"
    assert PolicyRule.from_dict(rule.to_dict()) == rule


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "x", "title": "y", "count": 5}, "needs unit"),
        ({**FIVE_WORKING_DAYS, "unit": "fortnights"}, "unit must be one of"),
        ({**FIVE_WORKING_DAYS, "within": 5}, "does not take within"),
        ({**FIVE_WORKING_DAYS, "count": "5"}, "whole number"),
        ([1, 2], "must be an object"),
    ],
)
def test_a_bad_policy_is_refused(data, message):
    with pytest.raises(DeadlineError, match=message):
        deadline("appeal", start="2026-03-02", extra={"policy": data})


# --- The registry and the API -----------------------------------------------------------------


def test_every_rule_declares_what_it_needs():
    for name, module in RULES.items():
        assert module.NAME == name
        assert module.TITLE and module.START and isinstance(module.INPUTS, dict) and module.LAW


def test_an_unknown_rule_or_a_policy_with_extra_inputs_is_refused():
    with pytest.raises(DeadlineError, match="unknown rule"):
        deadline("limitation", start="2026-01-01")
    with pytest.raises(DeadlineError, match="takes no extra"):
        deadline(PolicyRule.from_dict(FIVE_WORKING_DAYS), start="2026-01-01", extra={"x": 1})


def test_every_deadline_is_json_ready_and_carries_the_disclaimer():
    import json

    for rule, extra in [("tribunal", {}), ("companion", {}), ("appeal", {}), ("sar", {}), ("consultation", {"employees": 30})]:
        data = json.loads(json.dumps(deadline(rule, start="2026-06-30", extra=extra).to_dict()))
        assert data["rule"] == rule and "not legal advice" in data["disclaimer"] and data["steps"]
