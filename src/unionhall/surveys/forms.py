"""Forms for officers building surveys and importing outcomes, and members'
equality monitoring. Answering a survey reads the POST directly (see
``views.raw_answers``): each question is its own field."""

from django import forms

from unionhall.members.models import Branch, Employer, Grade
from unionhall.members.remit import Remit
from unionhall.refusals import Refused
from unionhall.surveys.models import CHARACTERISTICS, MINIMUM_THRESHOLD, PREFER_NOT, Audience, Kind, QuestionKind, Repeat

QUESTION_HELP = (
    "One question a line: kind | question | details | required or optional. Kinds: number (details: unit and range, "
    "e.g. “cases 0-500”), single and multiple (details: choices separated by ;), scale (agreement, no details), date, text."
)


def _scoped(remit: Remit):
    employers = Employer.objects.order_by("name")
    branches = Branch.objects.order_by("name")
    if not remit.everyone:
        employers = employers.filter(pk__in=remit.employer_ids)
        branches = branches.filter(pk__in=remit.branch_ids) | branches.filter(employer_id__in=remit.employer_ids)
    return employers, branches


class AudienceForm(forms.Form):
    employers = forms.ModelMultipleChoiceField(queryset=Employer.objects.none(), required=False, widget=forms.CheckboxSelectMultiple)
    branches = forms.ModelMultipleChoiceField(queryset=Branch.objects.none(), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, remit: Remit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employers"].queryset, self.fields["branches"].queryset = _scoped(remit)
        if remit.everyone:
            self.fields["employers"].help_text = "Leave both empty for all members."


class SurveyForm(AudienceForm):
    title = forms.CharField(max_length=200)
    intro = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.ANONYMOUS, widget=forms.RadioSelect)
    grades = forms.MultipleChoiceField(choices=Grade.choices, required=False, widget=forms.CheckboxSelectMultiple)
    threshold = forms.IntegerField(min_value=MINIMUM_THRESHOLD, initial=10, help_text="Groups smaller than this are never shown (at least 5).")
    repeat = forms.ChoiceField(choices=Repeat.choices, initial=Repeat.ONCE)
    window_days = forms.IntegerField(min_value=1, max_value=60, initial=14, label="Open for (days)")
    questions = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), help_text=QUESTION_HELP)

    def clean_questions(self):
        try:
            return parse_questions(self.cleaned_data["questions"])
        except Refused as exc:
            raise forms.ValidationError(str(exc)) from None

    def audience(self) -> str:
        d = self.cleaned_data
        return Audience.CHOSEN if (d["employers"] or d["branches"] or d["grades"]) else Audience.ALL


def parse_questions(text: str) -> list[dict]:
    """Questions from the one-a-line form; refuses a line it cannot read, naming it."""
    out = []
    for n, line in enumerate((ln for ln in text.splitlines() if ln.strip()), start=1):
        parts = [p.strip() for p in line.split("|")]
        while len(parts) < 4:
            parts.append("")
        kind, question, details, req = parts[:4]
        kind = kind.lower()
        if kind not in QuestionKind.values:
            raise Refused(f"Line {n}: the kind must be one of {', '.join(QuestionKind.values)}.")
        if not question:
            raise Refused(f"Line {n} has no question.")
        q = {"kind": kind, "text": question[:300], "required": req.lower() != "optional"}
        if kind == QuestionKind.NUMBER and details:
            words = details.split()
            rng = words[-1] if words and "-" in words[-1] else ""
            if rng:
                lo, _, hi = rng.partition("-")
                try:
                    q["min_value"], q["max_value"] = float(lo), float(hi)
                except ValueError:
                    raise Refused(f"Line {n}: write the range as 0-500.") from None
                words = words[:-1]
            q["unit"] = " ".join(words)[:30]
        elif kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            q["choices"] = "\n".join(c.strip() for c in details.split(";") if c.strip())
        elif kind == QuestionKind.TEXT:
            q["breakdown"] = False
        out.append(q)
    if not out:
        raise Refused("Write at least one question.")
    return out


class CharacteristicsForm(forms.Form):
    consent = forms.BooleanField(
        label="I agree that the union may keep these answers, which are special-category data, to monitor equality. "
        "Nobody can look up my answers; they are used only in tables of groups of at least 10, and I can withdraw at any time, which deletes them."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, (label, options) in CHARACTERISTICS.items():
            choices = [("", "(not answered)")] + [(o, o) for o in options] + [(PREFER_NOT, PREFER_NOT)]
            self.fields[field] = forms.ChoiceField(label=label, choices=choices, required=False)


class OutcomeImportForm(forms.Form):
    title = forms.CharField(max_length=200, initial="Police vetting outcomes")
    characteristic = forms.ChoiceField(choices=[(k, v[0]) for k, v in CHARACTERISTICS.items()])
    outcome_label = forms.CharField(max_length=60, initial="failed vetting")
    adverse = forms.BooleanField(required=False, initial=True, label="The counted outcome is the unfavourable one")
    threshold = forms.IntegerField(min_value=MINIMUM_THRESHOLD, initial=10)
    source = forms.CharField(max_length=200, required=False)
    file = forms.FileField(help_text="CSV: either group,total,outcome (counts per group) or membership_number,outcome (yes/no per member, joined with consenting members' answers and kept only as counts).")


class RedactForm(forms.Form):
    redacted = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Text as published")
    decision = forms.ChoiceField(choices=[("publish", "Publish"), ("withhold", "Withhold")])
