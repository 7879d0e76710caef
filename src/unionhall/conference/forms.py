from django import forms
from django.utils import timezone

from unionhall.conference.models import Body, Proposer, Resolution, Responsible
from unionhall.conference.standing import branches_spoken_for, speaks_for_nec
from unionhall.dateparts import DatePartsField
from unionhall.members.models import Branch, Role


def proposer_choices(user) -> list[tuple[str, str]]:
    """Whom the user may submit for: "branch:<id>" for each branch they speak for, and "nec"."""
    choices = [(f"branch:{b.pk}", f"{b} branch") for b in Branch.objects.filter(pk__in=branches_spoken_for(user))]
    if speaks_for_nec(user):
        choices.append((Proposer.NEC, "The NEC"))
    return choices


class ProposerField(forms.ChoiceField):
    def clean(self, value):
        value = super().clean(value)
        if value == Proposer.NEC:
            return Proposer.NEC, None
        return Proposer.BRANCH, Branch.objects.get(pk=int(value.split(":", 1)[1]))


class AmendmentForm(forms.Form):
    on_behalf_of = ProposerField(label="Submitted for")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on_behalf_of"].choices = proposer_choices(user)


class MotionForm(AmendmentForm):
    title = forms.CharField(max_length=200)
    instructs = forms.ChoiceField(choices=Responsible.choices, label="Who must act if it is carried")
    instructs_role = forms.ChoiceField(
        choices=[("", "—")] + [(r.value, r.label) for r in (Role.GENERAL_SECRETARY, Role.NATIONAL_REP)],
        required=False, label="The office holder (if one is named)",
    )  # fmt: skip
    field_order = ["on_behalf_of", "title", "text", "instructs", "instructs_role"]


class HandsForm(forms.Form):
    votes_for = forms.IntegerField(min_value=0, label="For")
    votes_against = forms.IntegerField(min_value=0, label="Against")
    abstentions = forms.IntegerField(min_value=0, initial=0)


class ResolutionUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=Resolution.Status.choices)
    on = DatePartsField(label="Date", initial=timezone.localdate)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="What was done")
    decision = forms.IntegerField(required=False, min_value=1, label="Decision cited (number from its page)",
                                  help_text="Required to record a resolution as superseded or abandoned.")  # fmt: skip


class MeetingForm(forms.Form):
    body = forms.ModelChoiceField(queryset=Body.objects.all(), empty_label="Choose a body")
    held_on = DatePartsField(label="Held on")
    title = forms.CharField(max_length=200, required=False)


class DecisionForm(forms.Form):
    minute = forms.CharField(max_length=40)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
