import json

from django import forms

from unionhall.ballots import api
from unionhall.dateparts import DatePartsField
from unionhall.mandates.models import StatutoryBallot


class RuleDatesForm(forms.Form):
    applies_from = DatePartsField(required=False, label="Applies to ballots opening on or after")
    applies_until = DatePartsField(required=False, label="Stops applying to ballots opening on or after")
    reason = forms.CharField(label="What changed in the law", max_length=500, help_text="The Act or regulations, and their commencement.")


class RuleVersionForm(forms.Form):
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="What the rule requires, in plain language")
    params = forms.CharField(label="Parameters (JSON)", initial="{}", help_text='For example {"days": 10} or {"percent": 50}.')
    source = forms.CharField(max_length=300, label="Legal source (Act and section)")
    source_url = forms.URLField(max_length=300, label="Link to legislation.gov.uk", assume_scheme="https")
    applies_from = DatePartsField(label="Applies to ballots opening on or after")
    reason = forms.CharField(label="What changed in the law", max_length=500)

    def clean_params(self):
        try:
            value = json.loads(self.cleaned_data["params"])
        except ValueError:
            raise forms.ValidationError("Parameters must be JSON, e.g. {\"days\": 10}.") from None
        if not isinstance(value, dict):
            raise forms.ValidationError("Parameters must be a JSON object, e.g. {\"days\": 10}.")
        return value


QUESTION_FIELDS = ("strike_question", "asos_question")


class StatutoryBallotForm(forms.ModelForm):
    """The statutory details of a draft ballot; the two questions are chosen
    from the ballot's own (``ballots.api.ballot_questions``), by id."""

    strike_question = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    asos_question = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    class Meta:
        model = StatutoryBallot
        fields = [
            "profile", "dispute", "employer", "employer_address", "employer_email_domains", "scrutineer_name", "scrutineer_firm",
            "return_address", "channel", "asos_types", "action_period", "authorised_to_call", "important_public_service",
        ]  # fmt: skip
        widgets = {"dispute": forms.Textarea(attrs={"rows": 3}), "employer_address": forms.Textarea(attrs={"rows": 3}),
                   "return_address": forms.Textarea(attrs={"rows": 3})}  # fmt: skip

    def __init__(self, *args, questions: tuple[api.QuestionFacts, ...], **kwargs):
        super().__init__(*args, **kwargs)
        for name in QUESTION_FIELDS:
            self.fields[name].choices = [("", "---------")] + [(q.id, q.text) for q in questions]
            self.fields[name].label = self.instance._meta.get_field(name).verbose_name.capitalize()
            self.initial[name] = getattr(self.instance, f"{name}_id")

    field_order = [*Meta.fields[:Meta.fields.index("channel") + 1], *QUESTION_FIELDS]

    def _post_clean(self):
        # The engine's questions are chosen by id, set here: the ModelForm would want rows.
        for name in QUESTION_FIELDS:
            if name in self.cleaned_data:
                setattr(self.instance, f"{name}_id", self.cleaned_data[name])
        super()._post_clean()


class PostalImportForm(forms.Form):
    file = forms.FileField(label="The scrutineer's count (CSV)")
