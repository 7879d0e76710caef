"""Forms: they parse and say what is wrong with input; the services decide."""

from django import forms

from unionhall.casework.models import Case, CaseType, Entry, Meeting, Nations
from unionhall.dateparts import DatePartsField



class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label="What do you need help with?", choices=CaseType.choices)
    what_happened = forms.CharField(label="What happened?", widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000,
                                    help_text="In your own words. Only you, your rep and anyone they refer the case to can read this.")  # fmt: skip
    meeting_on = DatePartsField(label="Meeting date (if you have been invited to one)", required=False)
    meeting_kind = forms.ChoiceField(label="Kind of meeting", choices=[("", "—"), *Meeting.Kind.choices], required=False)
    nation = forms.ChoiceField(label="Where do you work?", choices=Nations.choices, initial=Nations.ENGLAND_WALES)
    health_details = forms.CharField(label="Health details (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000,
                                     help_text="Only if your health is part of this. Kept sealed and shown to your rep only after a second, recorded click.")  # fmt: skip
    documents = MultipleFileField(label="Documents: letters, emails, photos (PDF, JPEG, PNG or WebP, up to 10 MB each)", required=False)


class AssignForm(forms.Form):
    rep = forms.TypedChoiceField(label="Rep", coerce=int)

    def __init__(self, *args, reps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rep"].choices = [(m.pk, m.full_name) for m in reps]


class HandoverForm(AssignForm):
    note = forms.CharField(label="Note for the new rep", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000)


class ReferForm(forms.Form):
    to = forms.TypedChoiceField(label="Refer to", coerce=int)
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(m.pk, label) for m, label in people]


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(choices=Meeting.Kind.choices)
    on = DatePartsField(label="Date the employer proposed")
    companion_unavailable = forms.BooleanField(label="I cannot attend then (the member may propose another time)", required=False)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=10_000)


class DatesForm(forms.Form):
    incident_on = DatePartsField(label="Act complained of, or effective date of termination", required=False)
    acas_from = DatePartsField(label="ACAS early conciliation: notified (Day A)", required=False)
    acas_cert = DatePartsField(label="ACAS certificate received (Day B)", required=False)
    outcome_on = DatePartsField(label="Outcome letter dated", required=False)


class EntryForm(forms.Form):
    kind = forms.ChoiceField(choices=[(Entry.Kind.NOTE, "Note (rep only)"), (Entry.Kind.ACTION, "Action"), (Entry.Kind.MESSAGE, "Message to the member")])
    body = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000)
    due_on = DatePartsField(label="Due (actions)", required=False)
    for_member = forms.BooleanField(label="The member does this action (they see it and can mark it done)", required=False)


class MessageForm(forms.Form):
    body = forms.CharField(label="Message to your rep", widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000)


class DocumentForm(forms.Form):
    upload = forms.FileField(label="Add a document (PDF or photo, up to 10 MB)")


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(choices=Case.Outcome.choices)
    closure = forms.ChoiceField(label="Why it closes", choices=[c for c in Case.Closure.choices if c[0]])


class ProfileForm(forms.Form):
    title = forms.CharField(max_length=200)
    rules = forms.CharField(widget=forms.Textarea(attrs={"rows": 14}), help_text="JSON: a list of rules (see docs/deadlines.md, rule profiles).")


class CommencementForm(forms.Form):
    commenced_on = DatePartsField(label="Came into force on")
