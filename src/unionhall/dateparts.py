"""Dates typed as day, month and year, GOV.UK's pattern, not the browser's picker.

A date picker is slow on a phone for a date years away (a joining date, an
incident last spring), is read badly by some screen readers, and differs in
every browser. GOV.UK's date input is three short number boxes labelled Day,
Month and Year under the question, with an example as the hint; an error says
which part is missing ("Meeting date must include a month") or that the date is
not real, and the boxes keep what the member typed.

``DatePartsField`` is a ``forms.DateField`` with that widget; use it wherever a
form asks for a date (``field_classes`` for a ModelForm's date fields). A leaf
module: it imports nothing from the apps.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

PARTS = ("day", "month", "year")


class DatePartsWidget(forms.Widget):
    """Three labelled number boxes; the value it reads is a dict of what was typed."""

    template_name = "widgets/dateparts.html"

    def __init__(self, attrs=None, hint: str = ""):
        super().__init__(attrs)
        self.hint = hint

    def parts(self, value) -> dict[str, str]:
        if isinstance(value, dict):
            return {p: str(value.get(p) or "") for p in PARTS}
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        if isinstance(value, str) and value:
            try:
                return self.parts(dt.date.fromisoformat(value))
            except ValueError:
                pass
        return dict.fromkeys(PARTS, "")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        typed = self.parts(value)
        context["widget"]["parts"] = [
            {"name": f"{name}_{part}", "id": base_id if part == "day" else f"{base_id}_{part}", "label": part.capitalize(),
             "value": typed[part], "size": 4 if part == "year" else 2}
            for part in PARTS
        ]
        context["widget"]["hint"] = self.hint or f"For example, {_example()}"
        context["widget"]["hint_id"] = f"{base_id}_hint"
        return context

    def value_from_datadict(self, data, files, name):
        typed = {part: (data.get(f"{name}_{part}") or "").strip() for part in PARTS}
        if not any(typed.values()) and data.get(name):  # an ISO date from a script or an old form
            return data.get(name)
        return typed

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}_{part}" in data for part in PARTS)


def _example() -> str:
    sample = dt.date.today() + dt.timedelta(days=40)
    return f"{sample.day} {sample.month} {sample.year}"


class DatePartsField(forms.DateField):
    widget = DatePartsWidget

    def to_python(self, value):
        if isinstance(value, dict):
            return self._from_parts(value)
        return super().to_python(value)

    def _from_parts(self, typed: dict[str, str]) -> dt.date | None:
        if not any(typed.values()):
            return None
        what = (self.label or "The date").split(" (")[0]  # "Meeting date (if …)" -> "Meeting date"
        missing = [part for part in PARTS if not typed.get(part)]
        if missing:
            raise ValidationError(f"{what} must include a {' and a '.join(missing)}.", code="incomplete")
        if not all(typed[part].isdigit() for part in PARTS):
            raise ValidationError(f"{what} must be a real date, in numbers, for example {_example()}.", code="invalid")
        if len(typed["year"]) != 4:
            raise ValidationError("Year must include 4 numbers.", code="invalid")
        try:
            return dt.date(int(typed["year"]), int(typed["month"]), int(typed["day"]))
        except ValueError:
            raise ValidationError(f"{what} must be a real date.", code="invalid") from None


def date_from_post(data, name: str, *, label: str, required: bool = False) -> dt.date | None:
    """The date typed into ``{% date_parts name %}`` boxes (or an ISO date in
    ``name``), None if left empty and not required; raises ValidationError
    with GOV.UK's message ("Held on must include a month") otherwise."""
    field = DatePartsField(label=label, required=required, error_messages={"required": f"{label}: enter a day, a month and a year."})
    return field.clean(DatePartsWidget().value_from_datadict(data, None, name))

