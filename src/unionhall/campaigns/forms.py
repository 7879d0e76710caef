from django import forms

from unionhall.campaigns.models import LETTER_MAX_CHARS, Campaign
from unionhall.campaigns.replies import REPLY_MAX_CHARS, ReplyAnswer
from unionhall.campaigns.services import CampaignDraft, LetterDraft
from unionhall.dateparts import DatePartsField
from unionhall.members.models import Branch, Employer, Grade


class CampaignForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(max_length=300, help_text="One or two sentences: what we want and why.")
    brief = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), max_length=20_000, help_text="Markdown: the background members need to write well.")  # fmt: skip
    points = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=4_000, label="Points to make", help_text="One a line. Members make them in their own words.")  # fmt: skip
    kind = forms.ChoiceField(choices=Campaign.Kind.choices, widget=forms.RadioSelect, initial=Campaign.Kind.LETTER, label="Members", required=False)
    evidence_prompt = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=4_000, required=False, label="What evidence we ask for",
                                      help_text="For a call for evidence: what members are asked to tell us and show.")  # fmt: skip
    model_letter = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}), max_length=LETTER_MAX_CHARS, required=False,
        help_text="A starting point with blanks in square brackets. [name], [employer], [workplace], [constituency] and [representative] "
        "are filled in for each member; other blanks, such as [your caseload], the member fills in.",
    )  # fmt: skip
    subject = forms.CharField(max_length=150, required=False, help_text="The letter's subject line (letters only).")
    target = forms.ChoiceField(choices=Campaign.Target.choices, widget=forms.RadioSelect, initial=Campaign.Target.MP, label="Letters go to")
    target_name = forms.CharField(max_length=150, required=False, label="Named person", help_text="Only for one named person: how the letter addresses them.")  # fmt: skip
    target_email = forms.EmailField(required=False, label="Their email address")
    branches = forms.ModelMultipleChoiceField(queryset=Branch.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
                                              help_text="Leave branches, employers and grades all unticked for every member (HQ only).")  # fmt: skip
    employers = forms.ModelMultipleChoiceField(queryset=Employer.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
                                               help_text="Only members of these employers (a link officer: the employers they look after).")  # fmt: skip
    grades = forms.MultipleChoiceField(choices=Grade.choices, required=False, widget=forms.CheckboxSelectMultiple,
                                       help_text="Only members in these grades.")  # fmt: skip
    closes_on = DatePartsField(required=False, label="Closes on")
    evidence_keep_months = forms.IntegerField(
        required=False, min_value=1, max_value=72, initial=12, label="Keep evidence for (months after the call closes)",
        help_text="For a call for evidence: members' evidence and files are deleted this long after the call closes. Members are told when they send it.",
    )  # fmt: skip

    def __init__(self, *args, branches=None, employers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branches"].queryset = branches if branches is not None else Branch.objects.all()
        self.fields["employers"].queryset = employers if employers is not None else Employer.objects.all()

    def draft(self) -> CampaignDraft:
        data = dict(self.cleaned_data)
        data["branch_ids"] = tuple(b.pk for b in data.pop("branches"))
        data["employer_ids"] = tuple(e.pk for e in data.pop("employers"))
        data["grades"] = tuple(data.pop("grades"))
        data["kind"] = data.get("kind") or Campaign.Kind.LETTER
        data["evidence_keep_months"] = data.get("evidence_keep_months") or 12
        return CampaignDraft(**data)


class LetterForm(forms.Form):
    postcode = forms.CharField(max_length=10, label="Your home postcode", help_text="Where you live: your MP is the one for your home.")  # fmt: skip
    constituency_code = forms.ChoiceField(required=False, label="Your constituency", widget=forms.RadioSelect)
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=400, required=False,
                              label="Your home address", help_text="Goes at the foot of your letter, so your MP knows you are their constituent.")  # fmt: skip
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 16}), max_length=LETTER_MAX_CHARS, label="Your letter")
    signed_name = forms.CharField(max_length=150, label="Sign it with your name")

    def __init__(self, *args, choices=(), to_mp: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["constituency_code"].choices = list(choices)
        if choices:
            self.fields["constituency_code"].help_text = "Your postcode's area is split between constituencies: check which is yours."
        else:
            self.fields["constituency_code"].widget = forms.HiddenInput()
        if not to_mp:  # a named person: no constituency to find
            del self.fields["postcode"], self.fields["constituency_code"]
            self.fields["address"].help_text = "If you want it at the foot of your letter."

    def draft(self) -> LetterDraft:
        return LetterDraft(**{"postcode": "", "constituency_code": "", **self.cleaned_data})


class ReplyForm(forms.Form):
    got_reply = forms.TypedChoiceField(choices=[("yes", "Yes, they replied"), ("no", "No reply yet")], coerce=lambda v: v == "yes",
                                       widget=forms.RadioSelect, label="Did they reply?")  # fmt: skip
    after_days = forms.IntegerField(required=False, min_value=0, max_value=365, label="After how many days?")
    answered = forms.ChoiceField(required=False, choices=[("", "—"), ("yes", "Yes"), ("partly", "Partly"), ("no", "No")],
                                 label="Did the reply answer the points you made?")  # fmt: skip
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 8}), max_length=REPLY_MAX_CHARS,
                           label="Paste the reply (optional)")  # fmt: skip
    keep_text = forms.BooleanField(required=False, label="You may keep the reply (its text and any file you attach) for the campaign's officers to read")

    def answer(self, uploads=()) -> ReplyAnswer:
        return ReplyAnswer(uploads=tuple(uploads), **self.cleaned_data)


class EvidenceForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), max_length=20_000, label="What happened")
    keep_name_from_officers = forms.BooleanField(required=False, label="Keep my name from officers",
        help_text="We store your evidence with no link to you that any officer can see, and give you a receipt code to follow it up. "
                  "Send photos, not PDFs: a PDF can carry its author's name inside it.")  # fmt: skip
    consent_quote = forms.BooleanField(required=False, label="You may quote my words in a public submission")
    consent_name = forms.BooleanField(required=False, label="You may give my name with them")


class TagForm(forms.Form):
    tags = forms.CharField(max_length=400, required=False, help_text="Separated by commas.")


class HelpForm(forms.Form):
    how = forms.ChoiceField(choices=[("phone", "Phone me"), ("email", "Email me"), ("meet", "Meet me at work")], widget=forms.RadioSelect,
                            label="How should we get in touch?", initial="email")  # fmt: skip
    note = forms.CharField(required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}), label="What would help (optional)",
                           help_text="For example: I use a screen reader, or I would rather talk it through.")  # fmt: skip
