"""The membership register: who the members are, where they work, which branch
they belong to, and who holds which office for which term."""

import datetime as dt
import unicodedata

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


# Latin letters with a stroke or no dot, which no decomposition takes back to a plain one.
_PLAIN_LATIN = str.maketrans("ıłøđħŀŧ", "ilodhlt")


def name_key(name: str) -> str:
    """A name as the register indexes it: case-folded and without accents, so
    that "Nunez" finds "Núñez" and a pseudonym "Jose Nunez" is seen to pass
    for José Núñez (bulletins.pseudonyms). For comparing only, never showing."""
    folded = unicodedata.normalize("NFD", name.strip().casefold()).translate(_PLAIN_LATIN)
    return "".join(c for c in folded if unicodedata.category(c) not in ("Mn", "Me", "Cf"))


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("a user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A sign-in account. Members sign in by email; the register's data lives on
    ``Member`` so an account can be closed without losing the membership record."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    def __str__(self):
        return self.email


class Employer(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", "National public service"
        PRIVATE = "private", "Private company"
        BOARD = "board", "Public board"

    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Branch(models.Model):
    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="branches")
    contact_email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "branches"

    def __str__(self):
        return self.name


class Workplace(models.Model):
    name = models.CharField(max_length=200)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="workplaces")
    postcode = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="workplace_unique_in_branch")]

    def __str__(self):
        return self.name


class Grade(models.TextChoices):
    PO = "PO", "Probation officer"
    PSO = "PSO", "Probation services officer"
    SPO = "SPO", "Senior probation officer"
    AP = "AP", "Approved premises worker"
    ADMIN = "ADMIN", "Administration and reception"
    MANAGER = "MANAGER", "Manager"
    OTHER = "OTHER", "Other"


class Member(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        LAPSED = "lapsed", "Lapsed"
        RESIGNED = "resigned", "Resigned"

    membership_number = models.CharField(max_length=20, unique=True)
    user = models.OneToOneField(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="member")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    # Case-folded copies of the names without accents (name_key), indexed, so a name search uses an index
    # on SQLite and PostgreSQL alike (see MemberSearchForm). Kept by save() and
    # by the bulk writers (importer, demo), which call name_key themselves.
    first_name_key = models.CharField(max_length=100, db_index=True, editable=False, default="")
    last_name_key = models.CharField(max_length=100, db_index=True, editable=False, default="")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address_line1 = models.CharField("address", max_length=200, blank=True)
    address_line2 = models.CharField("address (line 2)", max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="members")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="members")
    workplace = models.ForeignKey(Workplace, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    grade = models.CharField(max_length=10, choices=Grade.choices, default=Grade.OTHER)
    job_role = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    joined_on = models.DateField(null=True, blank=True)
    lapsed_on = models.DateField(null=True, blank=True)
    # What the member wants each channel used for (the outbox sends; these say
    # what to). Invitations and reminders to vote always go by email, unless
    # the address bounced or, in a statutory ballot, is a work address;
    # sign-in links, trackers and statutory notices are not a preference.
    # The weekly digest and replies to comments are bulletins.Reader's.
    # db_default: rows written in bulk without naming them get the same.
    bulletins_by_email = models.BooleanField("each bulletin by email", default=True, db_default=True)
    bulletins_by_post = models.BooleanField("bulletins and other mail-outs by post", default=False, db_default=False)
    ballots_by_text = models.BooleanField("text messages about ballots: invitations and reminders", default=False, db_default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "membership_number"]
        # Each filter a remit or a search applies first, followed by the list's
        # order, so a page of 50 is read from an index without sorting the remit.
        indexes = [
            models.Index(fields=["branch", "last_name", "first_name", "membership_number"], name="member_branch_order"),
            models.Index(fields=["workplace", "last_name", "first_name", "membership_number"], name="member_workplace_order"),
            models.Index(fields=["employer", "last_name", "first_name", "membership_number"], name="member_employer_order"),
            models.Index(fields=["status", "last_name", "first_name", "membership_number"], name="member_status_order"),
            models.Index(fields=["last_name", "first_name", "membership_number"], name="member_order"),
            models.Index(fields=["lapsed_on"], name="member_lapsed_on", condition=Q(lapsed_on__isnull=False)),  # retention (issue 17)
        ]

    def __str__(self):
        return f"{self.full_name} ({self.membership_number})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    name_key = staticmethod(name_key)

    def save(self, *args, **kwargs):
        self.first_name_key = self.name_key(self.first_name)
        self.last_name_key = self.name_key(self.last_name)
        if kwargs.get("update_fields") is not None and {"first_name", "last_name"} & set(kwargs["update_fields"]):
            kwargs["update_fields"] = {*kwargs["update_fields"], "first_name_key", "last_name_key"}
        super().save(*args, **kwargs)

    def clean(self):
        if self.workplace_id and self.workplace.branch_id != self.branch_id:
            raise ValidationError({"workplace": "This workplace belongs to another branch."})
        if self.branch_id and self.branch.employer_id != self.employer_id:
            raise ValidationError({"branch": "This branch belongs to another employer."})


class Role(models.TextChoices):
    """Offices a member can hold. The scope says what the office is attached to."""

    WORKPLACE_REP = "workplace_rep", "Workplace rep"
    BRANCH_CHAIR = "branch_chair", "Branch chair"
    BRANCH_SECRETARY = "branch_secretary", "Branch secretary"
    LINK_OFFICER = "link_officer", "Link officer"
    NATIONAL_REP = "national_rep", "National representative"
    NEC_MEMBER = "nec_member", "NEC member"
    OFFICERS_GROUP = "officers_group", "Officers group"
    GENERAL_SECRETARY = "general_secretary", "General Secretary"
    HQ_ADMIN = "hq_admin", "HQ membership administrator"


ROLE_SCOPE = {
    Role.WORKPLACE_REP: "workplace",
    Role.BRANCH_CHAIR: "branch",
    Role.BRANCH_SECRETARY: "branch",
    Role.LINK_OFFICER: "employer",
    Role.NATIONAL_REP: "",
    Role.NEC_MEMBER: "",
    Role.OFFICERS_GROUP: "",
    Role.GENERAL_SECRETARY: "",
    Role.HQ_ADMIN: "",
}

# Offices that statute requires be elected at least every five years
# (TULRCA 1992 s.46): no single term may run longer.
STATUTORY_MAX_TERM_YEARS = {Role.GENERAL_SECRETARY: 5, Role.NEC_MEMBER: 5}


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class OfficeQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)


class Office(models.Model):
    """One member holding one office for one term."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="offices")
    role = models.CharField(max_length=24, choices=Role.choices)
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="offices")
    branch = models.ForeignKey(Branch, null=True, blank=True, on_delete=models.PROTECT, related_name="offices")
    workplace = models.ForeignKey(Workplace, null=True, blank=True, on_delete=models.PROTECT, related_name="offices")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    # How members reach the office holder: an office address, not their home email.
    contact_email = models.EmailField(blank=True)
    warned_on = models.DateField(null=True, blank=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["role", "starts_on"]
        indexes = [models.Index(fields=["member", "ends_on"]), models.Index(fields=["role", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")), name="office_term_ordered"
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()}{self.scope_label and ', ' + self.scope_label}: {self.member.full_name}"

    @property
    def scope_label(self) -> str:
        scope = ROLE_SCOPE[self.role]
        target = getattr(self, scope) if scope else None
        return str(target) if target else ""

    def clean(self):
        scope = ROLE_SCOPE.get(self.role)
        errors = {}
        for field in ("employer", "branch", "workplace"):
            given = getattr(self, f"{field}_id") is not None
            if field == scope and not given:
                errors[field] = f"A {self.get_role_display().lower()} is attached to a {field}."
            elif field != scope and given:
                errors[field] = f"A {self.get_role_display().lower()} is not attached to a {field}."
        max_years = STATUTORY_MAX_TERM_YEARS.get(self.role)
        if max_years and self.starts_on:
            limit = add_years(self.starts_on, max_years)
            if self.ends_on is None or self.ends_on > limit:
                errors["ends_on"] = (
                    f"A {self.get_role_display()} must be re-elected at least every {max_years} years: "
                    f"this term must end on or before {limit:%-d %B %Y}."
                )
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "A term cannot end before it starts."
        if errors:
            raise ValidationError(errors)


class SecondFactorApproval(models.Model):
    """HQ's approval of one officer's authenticator.

    An emailed sign-in code proves only that someone can read the officer's
    inbox, which at a work address the employer can. So an authenticator
    counts for officer pages only once the officer has entered, in a session
    that passed it, a one-time set-up code that HQ gave them by another route
    (in person, by phone). ``code_hash`` is a salted hash; the code itself is
    shown once to HQ and never stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="second_factor_approvals")
    code_hash = models.CharField(max_length=128)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)
    authenticator_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "authenticator_id"])]
