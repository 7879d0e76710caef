from django import forms
from django.db import connection
from django.db.models import Q

from unionhall.dateparts import DatePartsField
from unionhall.members.importer import PHONE_RE, POSTCODE_RE
from unionhall.members.models import Branch, Employer, Grade, Member, Office, Role, Workplace
from unionhall.members.remit import Remit


def prefix_q(field: str, prefix: str) -> Q:
    """``field`` starts with ``prefix``, in a form the database answers from an
    index: a range on SQLite (whose LIKE ignores indexes unless the column is
    NOCASE), LIKE 'x%' on PostgreSQL (which Django backs with a pattern index)."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})
    return Q(**{f"{field}__startswith": prefix})


DASHES = "---------"  # Django's blank choice, which means nothing to anyone


class PlainLabels:
    """Labels without Django's trailing colon (clearer when read aloud), and a
    select's blank choice in words ("Choose…", or "None" where it may stay
    blank) instead of Django's row of dashes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            words = "None" if not field.required else "Choose…"
            if getattr(field, "empty_label", None) == DASHES:
                field.empty_label = words
            elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                field.choices = [(value, words if label == DASHES else label) for value, label in field.choices]


class MemberSearchForm(PlainLabels, forms.Form):
    """Filters for the register; every choice offered is within the remit."""

    q = forms.CharField(label="Name or membership number", required=False, max_length=100)
    employer = forms.ModelChoiceField(queryset=Employer.objects.none(), required=False, empty_label="Any employer")
    branch = forms.ModelChoiceField(queryset=Branch.objects.none(), required=False, empty_label="Any branch")
    workplace = forms.ModelChoiceField(queryset=Workplace.objects.none(), required=False, empty_label="Any workplace")
    grade = forms.ChoiceField(choices=[("", "Any grade"), *Grade.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *Member.Status.choices], required=False)
    office = forms.ChoiceField(choices=[("", "Any or none"), ("any", "Holds any office"), *Role.choices], required=False)

    def __init__(self, *args, remit: Remit, **kwargs):
        super().__init__(*args, **kwargs)
        if remit.everyone:
            employers, branches, workplaces = Employer.objects.all(), Branch.objects.all(), Workplace.objects.all()
        else:
            employers = Employer.objects.filter(
                Q(pk__in=remit.employer_ids) | Q(branches__pk__in=remit.branch_ids) | Q(branches__workplaces__pk__in=remit.workplace_ids)
            ).distinct()
            branches = Branch.objects.filter(
                Q(employer_id__in=remit.employer_ids) | Q(pk__in=remit.branch_ids) | Q(workplaces__pk__in=remit.workplace_ids)
            ).distinct()
            workplaces = Workplace.objects.filter(
                Q(branch__employer_id__in=remit.employer_ids) | Q(branch_id__in=remit.branch_ids) | Q(pk__in=remit.workplace_ids)
            )
        self.fields["employer"].queryset = employers
        self.fields["branch"].queryset = branches
        self.fields["workplace"].queryset = workplaces.select_related("branch")
        if not remit.everyone:
            # A filter with one choice filters nothing: a rep with one
            # workplace is not shown an employer, a branch and a workplace to
            # pick from (on a phone they pushed the results off the screen).
            for name, choices in (("employer", employers), ("branch", branches), ("workplace", workplaces)):
                if len(choices[:2]) < 2:
                    del self.fields[name]

    def filter(self, members):
        data = self.cleaned_data
        for name in ("employer", "branch", "workplace"):
            if data.get(name):
                members = members.filter(**{name: data[name]})
        if data.get("grade"):
            members = members.filter(grade=data["grade"])
        if data.get("status"):
            members = members.filter(status=data["status"])
        if data.get("office"):
            offices = Office.objects.current()
            if data["office"] != "any":
                offices = offices.filter(role=data["office"])
            members = members.filter(pk__in=offices.values("member_id"))
        q = (data.get("q") or "").strip()
        if q:
            words = q.split()
            if len(words) == 1 and any(ch.isdigit() for ch in q):
                members = members.filter(prefix_q("membership_number", q.upper()))
            elif len(words) == 1:
                key = Member.name_key(q)
                members = members.filter(prefix_q("last_name_key", key) | prefix_q("first_name_key", key))
            else:
                members = members.filter(
                    prefix_q("first_name_key", Member.name_key(words[0])),
                    prefix_q("last_name_key", Member.name_key(" ".join(words[1:]))),
                )
        return members

    def applied_filters(self) -> dict:
        """The filters, for the audit log. A name typed into the search is kept
        out of the append-only log: which records were shown is what matters."""
        return {k: ("(given)" if k == "q" else str(v)) for k, v in self.cleaned_data.items() if v}


def clean_postcode_value(value: str) -> str:
    if not value:
        return ""
    postcode = "".join(value.upper().split())
    if not POSTCODE_RE.match(postcode):
        raise forms.ValidationError("Enter a UK postcode, for example SW1A 1AA.")
    return f"{postcode[:-3]} {postcode[-3:]}"


class ContactDetailsForm(PlainLabels, forms.ModelForm):
    """What a member may correct about themselves."""

    class Meta:
        model = Member
        fields = ["phone", "address_line1", "address_line2", "town", "postcode", "workplace"]
        widgets = {
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "address_line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "address_line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "town": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
        }
        help_texts = {"address_line1": "Your home address, for postal ballots."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workplace"].queryset = Workplace.objects.filter(branch__employer=self.instance.employer).select_related("branch")
        self.fields["workplace"].empty_label = "Not recorded"

    def clean_postcode(self):
        return clean_postcode_value(self.cleaned_data["postcode"])

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError("Enter a phone number using digits, spaces and an optional +.")
        return phone


class EmailChangeForm(PlainLabels, forms.Form):
    email = forms.EmailField(label="New email address", help_text="Also the address you sign in with. We send a link to it to confirm.",
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))  # fmt: skip

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class PreferencesForm(PlainLabels, forms.ModelForm):
    """What the member wants each channel used for. Sign-in links, vote
    trackers and statutory notices are not a choice, and invitations and
    reminders to vote always come by email: only texts about ballots are."""

    class Meta:
        model = Member
        fields = ["bulletins_by_email", "bulletins_by_post", "ballots_by_text"]
        help_texts = {
            "bulletins_by_email": "Or one weekly digest instead: choose it on the bulletins settings page.",
            "bulletins_by_post": "Printed and posted to your home address, as well as or instead of by email.",
            "ballots_by_text": "As well as the email, to your phone number above.",
        }


class ImportUploadForm(PlainLabels, forms.Form):
    file = forms.FileField(label="Register export (CSV or XLSX)")
    full = forms.BooleanField(
        label="This file is the whole register: mark members who are not in it as lapsed",
        required=False,
        initial=True,
    )


class OfficeForm(PlainLabels, forms.ModelForm):
    member_number = forms.CharField(label="Membership number", max_length=20)

    class Meta:
        model = Office
        fields = ["role", "employer", "branch", "workplace", "starts_on", "ends_on", "contact_email"]
        field_classes = {"starts_on": DatePartsField, "ends_on": DatePartsField}

    def clean_member_number(self):
        member = Member.objects.filter(membership_number=self.cleaned_data["member_number"].strip()).first()
        if member is None:
            raise forms.ValidationError("No member has that number.")
        if member.status != Member.Status.ACTIVE:
            raise forms.ValidationError("Only an active member can hold office.")
        self.instance.member = member
        return member.membership_number
