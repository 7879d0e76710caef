from django import forms

from unionhall.dateparts import DatePartsField
from unionhall.elections.models import Election
from unionhall.members.forms import PlainLabels


class ElectionForm(PlainLabels, forms.ModelForm):
    """HQ calls an election. The model's ``clean`` holds the rules (a branch
    office needs its branch, one General Secretary, terms within the law), so
    they are the same here, in the services and in the demo."""

    class Meta:
        model = Election
        fields = ["title", "role", "branch", "seats", "method", "nominations_open", "nominations_close", "term_starts_on",
                  "term_years", "address_word_limit"]  # fmt: skip
        labels = {"role": "Office", "branch": "Branch (for a branch office only)", "method": "Counting method",
                  "nominations_open": "Nominations open", "nominations_close": "Nominations close",
                  "term_starts_on": "The term starts on", "term_years": "Term (years)",
                  "address_word_limit": "Word limit for election addresses"}  # fmt: skip
        field_classes = {"term_starts_on": DatePartsField}
        help_texts = {"term_years": "At most five years for the General Secretary and NEC members (TULRCA 1992 s.46).",
                      "seats": "One for the General Secretary and branch officers; several for NEC seats."}  # fmt: skip
        widgets = {
            "nominations_open": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "nominations_close": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }


class NominateForm(forms.Form):
    candidate = forms.CharField(label="Candidate's membership number", max_length=20)
    seconder = forms.CharField(label="Seconder's membership number", max_length=20,
                               help_text="The seconder is asked to confirm before the nomination stands.")  # fmt: skip

    def clean_candidate(self):
        return self.cleaned_data["candidate"].strip().upper()

    def clean_seconder(self):
        return self.cleaned_data["seconder"].strip().upper()

    def clean(self):
        # Judged on the numbers typed, not on who holds them, so it says nothing about membership.
        data = super().clean()
        if data.get("candidate") and data.get("candidate") == data.get("seconder"):
            raise forms.ValidationError("The candidate and the seconder must be two different members.")
        return data


class AcceptForm(forms.Form):
    address = forms.CharField(
        label="Your election address", required=False, strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Plain text. It is shown to members exactly as you write it, in the same way as every other candidate's.",
    )  # fmt: skip




class ScrutineerForm(PlainLabels, forms.Form):
    scrutineer = forms.CharField(label="Independent scrutineer", max_length=200,
                                 help_text="The person or body who ran the postal ballot and counted the returns.")  # fmt: skip
    blt = forms.FileField(label="The scrutineer's ballot profile (BLT file)")
