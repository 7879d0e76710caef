from django import forms

from unionhall.bargaining.models import Commitment, Dispute, NegotiatingBody
from unionhall.dateparts import DatePartsField
from unionhall.members.models import Employer


class AgreementForm(forms.Form):
    title = forms.CharField(max_length=200)
    agreed_on = DatePartsField(label="Agreed on")
    signatories = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Who signed, one a line.")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False, help_text="The agreement's text.")
    clauses = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False,
                              help_text="One clause a line: its number, a bar, its text. E.g. “3.1 | Back pay will be paid by 31 March.”")


class CommitmentForm(forms.Form):
    title = forms.CharField(max_length=200, label="What was promised")
    clause = forms.CharField(max_length=20, required=False, help_text="The clause number it comes from, if any.")
    who_acts = forms.ChoiceField(choices=Commitment.Who.choices, label="Who must act")
    delivered_means = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="What counts as delivered", required=False)
    due_on = DatePartsField(required=False, label="Due date")


class UpdateForm(forms.Form):
    status = forms.ChoiceField(choices=Commitment.Status.choices)
    on = DatePartsField(label="Dated", required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="What happened", required=False)
    evidence = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text="What shows it: a letter, a payslip, a document.")


class BodyStatusForm(forms.Form):
    status = forms.ChoiceField(choices=NegotiatingBody.Status.choices)
    on = DatePartsField(label="On")
    note = forms.CharField(required=False, max_length=500)


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=Dispute.Stage.choices)
    on = DatePartsField(label="On")
    note = forms.CharField(required=False, max_length=1000)


class QueryForm(forms.Form):
    employee_number = forms.CharField(max_length=30, help_text="As on your payslip.")
    question = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=3000)


class ScaleImportForm(forms.Form):
    employer = forms.ModelChoiceField(queryset=None)
    name = forms.CharField(max_length=120, help_text="E.g. “2024 scale as settled”. Importing under an existing name replaces that scale whole.")
    file = forms.FileField(help_text="CSV with the header band, point, annual, effective_from, effective_to.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Employer.objects.all()
