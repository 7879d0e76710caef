"""Dates typed as day, month and year (unionhall.dateparts), GOV.UK's pattern."""

import datetime as dt

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from unionhall.dateparts import DatePartsField


class MeetingForm(forms.Form):
    held_on = DatePartsField(label="Meeting date")
    follow_up = DatePartsField(label="Follow-up", required=False)


def parts(prefix: str, day="", month="", year="") -> dict[str, str]:
    return {f"{prefix}_day": day, f"{prefix}_month": month, f"{prefix}_year": year}


def test_a_real_date_typed_as_three_numbers_is_that_date():
    form = MeetingForm(data=parts("held_on", "7", "3", "2027"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"held_on": dt.date(2027, 3, 7), "follow_up": None}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("7", "", "2027"), "Meeting date must include a month."),
        (("", "", "2027"), "Meeting date must include a day and a month."),
        (("31", "2", "2027"), "Meeting date must be a real date."),
        (("7", "3", "27"), "Year must include 4 numbers."),
        (("seven", "3", "2027"), "Meeting date must be a real date, in numbers"),
        (("", "", ""), "This field is required."),
    ],
)
def test_each_wrong_date_says_what_is_wrong(typed, message):
    form = MeetingForm(data=parts("held_on", *typed))
    assert not form.is_valid()
    assert form.errors["held_on"][0].startswith(message)


def test_the_boxes_keep_what_was_typed_after_an_error():
    form = MeetingForm(data=parts("held_on", "31", "2", "2027"))
    assert not form.is_valid()
    html = str(form["held_on"])
    assert 'name="held_on_day"' in html and 'value="31"' in html and 'value="2"' in html and 'value="2027"' in html


def test_each_box_has_its_own_label_and_the_question_labels_the_day_box():
    form = MeetingForm()
    html = str(form["held_on"])
    for part, box_id in (("Day", "id_held_on"), ("Month", "id_held_on_month"), ("Year", "id_held_on_year")):
        assert f'<label for="{box_id}">{part}</label>' in html
        assert f'id="{box_id}"' in html
    assert form["held_on"].label_tag().startswith('<label for="id_held_on">')
    assert 'inputmode="numeric"' in html and 'type="date"' not in html


def test_an_initial_date_fills_the_boxes():
    form = MeetingForm(initial={"held_on": dt.date(2026, 12, 3)})
    html = str(form["held_on"])
    assert 'value="3"' in html and 'value="12"' in html and 'value="2026"' in html


def test_an_iso_date_posted_by_a_script_still_works():
    form = MeetingForm(data={"held_on": "2027-03-07"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["held_on"] == dt.date(2027, 3, 7)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_any_date_shown_in_the_boxes_reads_back_as_itself(date):
    widget = DatePartsField().widget
    shown = widget.parts(date)
    data = parts("d", shown["day"], shown["month"], shown["year"])
    assert DatePartsField().clean(widget.value_from_datadict(data, {}, "d")) == date
