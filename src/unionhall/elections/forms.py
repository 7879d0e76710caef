from django import forms


class NominateForm(forms.Form):
    candidate = forms.CharField(label="Candidate's membership number", max_length=20)
    seconder = forms.CharField(label="Seconder's membership number", max_length=20,
                               help_text="The seconder is asked to confirm before the nomination stands.")  # fmt: skip

    def clean_candidate(self):
        return self.cleaned_data["candidate"].strip().upper()

    def clean_seconder(self):
        return self.cleaned_data["seconder"].strip().upper()


class AcceptForm(forms.Form):
    address = forms.CharField(
        label="Your election address", required=False, strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Plain text. It is shown to members exactly as you write it, in the same way as every other candidate's.",
    )  # fmt: skip
