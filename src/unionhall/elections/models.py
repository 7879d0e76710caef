"""Officer elections: the election's terms, the nominations it received, and
(once counted) its published result: the stage table, and for ranked counts
the anonymised ballot profile (BLT).

The secret ballot itself is not here. A contested election waits in
``Status.BALLOT`` until it is counted by one of two routes: first past the
post online, through the ballot engine (``ballot``, summed homomorphically and
decrypted by trustees); or, for ranked (STV) and postal ballots, from the
independent scrutineer's anonymised ballot profile (a BLT file)."""

import random

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from unionhall.members.models import ROLE_SCOPE, STATUTORY_MAX_TERM_YEARS, Branch, Member, Role

# Offices filled by an election of the members. A branch office is elected by
# the branch; the national offices by the whole membership.
ELECTED_ROLES = (Role.GENERAL_SECRETARY, Role.NEC_MEMBER, Role.BRANCH_SECRETARY, Role.BRANCH_CHAIR)
SINGLE_SEAT_ROLES = (Role.GENERAL_SECRETARY,)


class Election(models.Model):
    class Method(models.TextChoices):
        FPTP = "fptp", "First past the post"
        STV_SCOTTISH = "stv_scottish", "Single transferable vote (Scottish STV rules)"

    class Status(models.TextChoices):
        NOMINATIONS = "nominations", "Nominations"
        UNCONTESTED = "uncontested", "Elected unopposed"
        BALLOT = "ballot", "Contested: goes to ballot"
        DECLARED = "declared", "Result declared"
        NO_CANDIDATES = "no_candidates", "No valid nominations"

    # The stvcount rule set each method is counted under.
    RULES = {Method.FPTP: "fptp", Method.STV_SCOTTISH: "scottish"}

    title = models.CharField(max_length=200)
    role = models.CharField(max_length=24, choices=[(r.value, r.label) for r in ELECTED_ROLES])
    branch = models.ForeignKey(Branch, null=True, blank=True, on_delete=models.PROTECT, related_name="elections")
    seats = models.PositiveSmallIntegerField(default=1)
    method = models.CharField(max_length=16, choices=Method.choices, default=Method.STV_SCOTTISH)
    nominations_open = models.DateTimeField()
    nominations_close = models.DateTimeField()
    term_starts_on = models.DateField()
    term_years = models.PositiveSmallIntegerField()
    address_word_limit = models.PositiveSmallIntegerField(
        default=300, help_text="The same limit for every candidate's election address."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOMINATIONS)
    closed_at = models.DateTimeField(null=True, blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    # Published with the result so anyone can recount: the anonymised ballot
    # profile (BLT), stvcount's JSON result and its plain-text stage report.
    blt = models.TextField(blank=True)
    stage_table = models.JSONField(null=True, blank=True)
    count_report = models.TextField(blank=True)
    # The online secret ballot (first past the post only), once HQ starts it.
    ballot = models.OneToOneField("ballots.Ballot", null=True, blank=True, on_delete=models.PROTECT, related_name="election")
    # Who counted the postal ballot whose profile was uploaded (TULRCA s.49).
    scrutineer = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-nominations_close", "pk"]

    def __str__(self):
        return self.title

    @property
    def scope_label(self) -> str:
        return f"{self.branch} branch" if self.branch_id else "the whole union"

    def clean(self):
        errors = {}
        scope = ROLE_SCOPE.get(self.role)
        if self.role not in ELECTED_ROLES:
            errors["role"] = "This office is not filled by election."
        elif scope == "branch" and not self.branch_id:
            errors["branch"] = f"A {self.get_role_display().lower()} is elected by a branch: say which."
        elif scope != "branch" and self.branch_id:
            errors["branch"] = f"The {self.get_role_display()} is elected by the whole union, not a branch."
        if self.seats is not None:
            if self.seats < 1:
                errors["seats"] = "An election fills at least one seat."
            elif self.role in SINGLE_SEAT_ROLES and self.seats != 1:
                errors["seats"] = f"There is one {self.get_role_display()}."
        if self.term_years is not None:
            max_years = STATUTORY_MAX_TERM_YEARS.get(self.role)
            if self.term_years < 1:
                errors["term_years"] = "A term lasts at least one year."
            elif max_years and self.term_years > max_years:
                errors["term_years"] = (
                    f"A {self.get_role_display()} must be re-elected at least every {max_years} years: "
                    f"a term of {self.term_years} years is too long."
                )
        if self.address_word_limit is not None and self.address_word_limit < 1:
            errors["address_word_limit"] = "Give candidates at least one word."
        if self.nominations_open and self.nominations_close:
            if self.nominations_close <= self.nominations_open:
                errors["nominations_close"] = "Nominations must close after they open."
            elif self.term_starts_on and self.term_starts_on < self.nominations_close.date():
                errors["term_starts_on"] = "The term cannot start before nominations close."
        if errors:
            raise ValidationError(errors)

    def ballot_order(self) -> list["Nomination"]:
        """Valid nominations in the order shown to members: shuffled with the
        election's id as the seed, so it is the same on every page, every
        time, and favours nobody by surname. Counting numbers candidates in
        this order too (index 0 is the first shown)."""
        nominations = sorted(self.nominations.valid().select_related("candidate", "candidate__branch", "proposer", "seconder"), key=lambda n: n.pk)
        random.Random(self.pk).shuffle(nominations)
        return nominations


class NominationQuerySet(models.QuerySet):
    def valid(self):
        """Seconded by the seconder and accepted by the candidate."""
        return self.filter(seconded_at__isnull=False, accepted_at__isnull=False)


class Nomination(models.Model):
    """A candidate put forward by a proposer and a seconder. It stands once the
    seconder has confirmed and the candidate has accepted."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="nominations")
    candidate = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="nominations")
    proposer = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    seconder = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    nominated_at = models.DateTimeField()
    seconded_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # Plain text, shown exactly as written (escaped, line breaks kept).
    address = models.TextField(blank=True)
    elected = models.BooleanField(default=False)

    objects = NominationQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["election", "candidate"], name="one_nomination_per_candidate")]

    def __str__(self):
        return f"{self.candidate.full_name} for {self.election}"

    @property
    def is_valid(self) -> bool:
        return self.seconded_at is not None and self.accepted_at is not None
