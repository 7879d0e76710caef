"""Employment tribunal time limits: the primary limit and ACAS early conciliation.

Worked examples from the cases:
- Luton Borough Council v Haque [2018] ICR 1388 (EAT, 12 April 2018): EDT
  20 June 2016, Day A 22 July, Day B 22 August 2016; limit 19 September,
  extended by the 31 days of s207B(3) to 20 October 2016; s207B(4) (one month
  after Day B, 22 September) does not cut it back. His claim of 18 October
  was in time.
- Tanveer v East London Bus & Coach Co Ltd UKEAT/0022/16 (8 February 2016):
  EDT 20 March 2015, Day A 18 June, Day B 30 June 2015; under s207B(4) time
  ran to 30 July 2015, the corresponding date; the claim of 31 July was a
  day late.
"""

import datetime as dt

import pytest

from deadlines import DeadlineError, deadline
from deadlines.rules.tribunal import early_conciliation

D = dt.date.fromisoformat


def tribunal(act, a=None, b=None, nation="england-wales", **extra):
    if a:
        extra.update(acas_from=a, acas_cert=b)
    return deadline("tribunal", start=act, nation=nation, extra=extra)


def test_haque():
    d = tribunal("2016-06-20", "2016-07-22", "2016-08-22")
    assert d.figures["primary"] == D("2016-09-19")
    assert d.figures["after_s207b_3"] == D("2016-10-20")
    assert d.figures["one_month_after_day_b"] == D("2016-09-22")
    assert d.date == D("2016-10-20")
    assert D("2016-10-18") <= d.date  # his claim was in time
    text = " ".join(d.steps)
    assert "31 days" in text and "Haque" in text


def test_tanveer():
    d = tribunal("2015-03-20", "2015-06-18", "2015-06-30")
    assert d.figures["primary"] == D("2015-06-19")
    assert d.figures["after_s207b_3"] == D("2015-07-01")
    assert d.date == D("2015-07-30")
    assert D("2015-07-31") > d.date  # a day late


def test_the_brief_example_and_its_weekend_warning():
    d = tribunal("2026-03-10", "2026-05-01", "2026-05-20", nation="scotland")
    assert d.figures["primary"] == D("2026-06-09")
    assert d.date == D("2026-06-28")  # a Sunday: the limit does not move
    assert d.figures["last_working_day_before"] == D("2026-06-26")
    assert "not a working day (Sunday)" in d.steps[-1]


@pytest.mark.parametrize(
    ("act", "limit"),
    [
        ("2026-03-10", "2026-06-09"),
        ("2026-01-31", "2026-04-29"),  # 30 April less a day; the other reading (30 January carried forward) gives 30 April
        ("2026-11-30", "2027-02-27"),  # the corresponding date 28 Feb less a day; the other reading gives 28 Feb
        ("2027-11-30", "2028-02-28"),  # leap year: 29 Feb less a day (other reading 29 Feb)
        ("2026-12-01", "2027-02-28"),
        ("2026-08-31", "2026-11-29"),  # the earlier of 29 and 30 November
        ("2026-03-01", "2026-05-28"),  # the earlier of 28 and 31 May
        ("2026-12-31", "2027-03-30"),
        ("2026-02-28", "2026-05-27"),
    ],
)
def test_primary_limit_at_month_ends_and_leap_years(act, limit):
    assert tribunal(act).date == D(limit)


def test_no_extension_without_early_conciliation_and_the_steps_say_so():
    d = tribunal("2026-03-10")
    assert d.date == D("2026-06-09")
    assert any("No early conciliation" in s for s in d.steps)


def test_subsection_4_gives_a_month_after_the_certificate_when_conciliation_ends_near_the_limit():
    # Limit 9 June; Day A 1 June, Day B 5 June: (3) adds 4 days -> 13 June; one month after Day B is 5 July.
    d = tribunal("2026-03-10", "2026-06-01", "2026-06-05")
    assert d.figures["after_s207b_3"] == D("2026-06-13")
    assert d.date == D("2026-07-06") - dt.timedelta(days=1)


def test_conciliation_straddling_the_limit():
    # Day A before the limit (9 June), certificate after it.
    d = tribunal("2026-03-10", "2026-06-05", "2026-07-20")
    assert d.figures["after_s207b_3"] == D("2026-06-09") + dt.timedelta(days=45)
    assert d.date == D("2026-08-20")  # (3) gives 24 July, inside the month after Day B


def test_certificate_received_long_after_the_limit():
    d = tribunal("2026-03-10", "2026-06-08", "2026-09-30")
    assert d.date == D("2026-10-30")


def test_contact_on_the_last_day_still_extends_and_the_day_after_does_not():
    on_the_day = tribunal("2026-03-10", "2026-06-09", "2026-06-09")
    assert on_the_day.date == D("2026-07-09")  # same-day certificate: (3) adds nothing, (4) gives a month
    day_late = tribunal("2026-03-10", "2026-06-10", "2026-06-10")
    assert day_late.date == D("2026-06-09")
    assert any("no extension" in s and "Pearce" in s for s in day_late.steps)


def test_a_same_day_certificate_early_on_adds_nothing():
    d = tribunal("2026-03-10", "2026-03-20", "2026-03-20")
    assert d.date == D("2026-06-09")


def test_one_month_after_a_certificate_at_a_month_end():
    # Day B 31 January 2027: one month after is 28 February 2027.
    d = tribunal("2026-11-02", "2027-01-30", "2027-01-31")
    assert d.figures["one_month_after_day_b"] == D("2027-02-28")
    assert d.date == D("2027-02-28")


def test_the_extension_is_the_same_whatever_the_nation_but_the_law_named_differs():
    gb = tribunal("2026-03-10", "2026-05-01", "2026-05-20")
    ni = tribunal("2026-03-10", "2026-05-01", "2026-05-20", nation="northern-ireland")
    assert gb.date == ni.date
    assert "249B" in ni.source
    assert any(s.startswith("Early conciliation: Day A, the day the Labour Relations Agency was contacted") for s in ni.steps)
    assert any(s.startswith("Art. 249B(3)") for s in ni.steps) and not any("s207B" in s for s in ni.steps[4:])
    assert "207B" in gb.source


@pytest.mark.parametrize(
    ("act", "commenced", "limit", "version"),
    [
        ("2026-09-30", "2026-10-01", "2026-12-29", "three-months"),  # the day before commencement: three months
        ("2026-10-01", "2026-10-01", "2027-03-30", "six-months"),  # on it: six (30 Sept carried forward; 31 March less a day)
        ("2027-03-10", "2026-10-01", "2027-09-09", "six-months"),
        ("2027-03-10", None, "2027-06-09", "three-months"),  # not commenced: three months whatever the date
    ],
)
def test_the_employment_rights_act_2025_six_months_by_the_date_of_the_act(act, commenced, limit, version):
    extra = {"era2025_commenced": commenced} if commenced else {}
    d = deadline("tribunal", start=act, extra=extra)
    assert d.date == D(limit)
    assert d.law == (f"tribunal-limit/{version}",)


def test_six_months_with_early_conciliation():
    d = tribunal("2026-10-10", "2027-03-01", "2027-03-20", era2025_commenced="2026-10-01")
    assert d.figures["primary"] == D("2027-04-09")
    assert d.date == D("2027-04-28")


def test_six_months_is_not_applied_in_northern_ireland():
    d = tribunal("2026-10-10", nation="northern-ireland", era2025_commenced="2026-10-01")
    assert d.date == D("2027-01-09")


def test_the_claim_kind_changes_the_words_not_the_date():
    a = tribunal("2026-03-10", claim="discrimination")
    b = tribunal("2026-03-10", claim="deductions")
    assert a.date == b.date == D("2026-06-09")
    assert "the date of the act complained of" in a.steps[0]
    assert "deduction" in b.steps[0]


def test_notes_say_what_is_not_decided():
    notes = " ".join(tribunal("2026-03-10").notes)
    assert "reasonably practicable" in notes and "just and equitable" in notes and "six-month" in notes


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"acas_from": "2026-05-01"}, "give both"),
        ({"acas_cert": "2026-05-01"}, "give both"),
        ({"acas_from": "2026-05-20", "acas_cert": "2026-05-01"}, "cannot come before"),
        ({"acas_from": "2026-03-01", "acas_cert": "2026-03-20"}, "began .* before the effective date"),
        ({"acas_form": "2026-05-01"}, "does not take acas_form"),
        ({"acas_from": "01/05/2026", "acas_cert": "2026-05-20"}, "YYYY-MM-DD"),
        ({"claim": "whistleblowing"}, "claim must be one of"),
        ({"era2025_commenced": "2025-01-01"}, "cannot be commenced before"),
        ({"acas_from": dt.datetime(2026, 5, 1, 9, 0), "acas_cert": "2026-05-20"}, "not a date and time"),
    ],
)
def test_bad_input_is_refused_with_a_reason(extra, message):
    with pytest.raises(DeadlineError, match=message):
        deadline("tribunal", start="2026-03-10", extra=extra)


def test_early_conciliation_never_shortens_the_limit():
    limit = D("2026-06-09")
    for a, b in [("2026-06-01", "2026-06-01"), ("2026-03-10", "2026-03-10"), ("2026-06-10", "2026-07-10"), ("2026-04-01", "2026-06-30")]:
        final, steps, _ = early_conciliation(limit, D(a), D(b))
        assert final >= limit and steps
