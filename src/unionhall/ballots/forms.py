from django import forms
from django.utils.text import slugify

from unionhall.ballots.models import Ballot, Question
from unionhall.members.forms import PlainLabels
from unionhall.members.models import Grade, User

QUESTION_SLOTS = 4
TRUSTEE_SLOTS = 5


def clean_trustees(form: forms.Form, data: dict) -> list[tuple]:
    """The (user, label) of each trustee slot filled in; a slot naming nobody
    who can sign in, or someone already named, is an error on that slot."""
    trustees, seen = [], set()
    for i in range(TRUSTEE_SLOTS):
        email = (data.get(f"t{i}_email") or "").strip().lower()
        if not email:
            continue
        user = User.objects.filter(email=email, is_active=True).first()
        if user is None:
            form.add_error(f"t{i}_email", "No account has this email: trustees need to be able to sign in.")
        elif email in seen:
            form.add_error(f"t{i}_email", "Each trustee must be a different person.")
        else:
            trustees.append((user, (data.get(f"t{i}_label") or "").strip() or f"Trustee {len(trustees) + 1}"))
        seen.add(email)
    return trustees


class BallotForm(PlainLabels, forms.ModelForm):
    """A new ballot: what is asked, who may vote, when, and who holds the key."""

    grades = forms.MultipleChoiceField(choices=Grade.choices, required=False, widget=forms.CheckboxSelectMultiple,
                                       help_text="Leave all unticked for every grade.")  # fmt: skip

    class Meta:
        model = Ballot
        fields = ["title", "slug", "explanation", "opens_at", "closes_at", "employer", "branch", "workplace", "grades",
                  "joined_by", "area_kind", "trustee_threshold"]  # fmt: skip
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "joined_by": forms.DateInput(attrs={"type": "date"}),
            "explanation": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"slug": "The ballot's address; made from the title if left empty.",
                      "trustee_threshold": "How many trustees together can decrypt the result."}  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        for i in range(QUESTION_SLOTS):
            self.fields[f"q{i}_text"] = forms.CharField(label=f"Question {i + 1}", max_length=300, required=i == 0)
            self.fields[f"q{i}_kind"] = forms.ChoiceField(label="Kind", choices=Question.Kind.choices, initial=Question.Kind.YES_NO)
            self.fields[f"q{i}_options"] = forms.CharField(label="Options, one a line (not for yes/no)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
            self.fields[f"q{i}_max"] = forms.IntegerField(label="Choose up to", min_value=1, max_value=50, initial=1)
        for i in range(TRUSTEE_SLOTS):
            self.fields[f"t{i}_email"] = forms.EmailField(label=f"Trustee {i + 1}: sign-in email", required=i < 2)
            self.fields[f"t{i}_label"] = forms.CharField(label="Named on the result as", max_length=120, required=False)

    def question_slots(self):
        return [[self[f"q{i}_{p}"] for p in ("text", "kind", "options", "max")] for i in range(QUESTION_SLOTS)]

    def trustee_slots(self):
        return [[self[f"t{i}_email"], self[f"t{i}_label"]] for i in range(TRUSTEE_SLOTS)]

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", "Voting must close after it opens.")
        if not data.get("slug") and data.get("title"):
            data["slug"] = slugify(data["title"])[:80]
            if Ballot.objects.filter(slug=data["slug"]).exists():
                self.add_error("slug", "Another ballot has this address; choose one.")
        questions = []
        for i in range(QUESTION_SLOTS):
            text = (data.get(f"q{i}_text") or "").strip()
            if not text:
                continue
            kind = data.get(f"q{i}_kind")
            options = [line.strip() for line in (data.get(f"q{i}_options") or "").splitlines() if line.strip()]
            if kind != Question.Kind.YES_NO and len(options) < 2:
                self.add_error(f"q{i}_options", "Give at least two options, one a line.")
            if len(set(options)) != len(options):
                self.add_error(f"q{i}_options", "Each option must be different.")
            high = data.get(f"q{i}_max") or 1
            if kind == Question.Kind.UP_TO and high > len(options):
                self.add_error(f"q{i}_max", "Cannot be more than the number of options.")
            questions.append({"text": text, "kind": kind, "options": options if kind != Question.Kind.YES_NO else [], "max": high if kind == Question.Kind.UP_TO else 1})
        trustees = clean_trustees(self, data)
        threshold = data.get("trustee_threshold") or 0
        if trustees and not 1 <= threshold <= len(trustees):
            self.add_error("trustee_threshold", f"Between 1 and the number of trustees ({len(trustees)}).")
        data["questions"], data["trustees"] = questions, trustees
        return data


class SecretBallotForm(PlainLabels, forms.Form):
    """A secret ballot made for another purpose (a contested election, a vote at
    conference): when voting opens and closes, and which trustees (officers and
    an independent scrutineer) hold its key."""

    opens_at = forms.DateTimeField(label="Voting opens", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    closes_at = forms.DateTimeField(label="Voting closes", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    threshold = forms.IntegerField(label="Trustees needed to decrypt the result", min_value=1, max_value=TRUSTEE_SLOTS, initial=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(TRUSTEE_SLOTS):
            self.fields[f"t{i}_email"] = forms.EmailField(label=f"Trustee {i + 1}: sign-in email", required=i == 0)
            self.fields[f"t{i}_label"] = forms.CharField(label=f"Trustee {i + 1} is named on the result as", max_length=120, required=False)

    def clean(self):
        data = super().clean()
        data["trustees"] = clean_trustees(self, data)
        return data
