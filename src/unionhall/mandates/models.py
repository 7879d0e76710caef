"""Statutory ballots and their mandates.

The law is data: a ``Profile`` (indicative, or statutory industrial action)
holds ``Rule`` rows, each a named duty with its parameters, its legal source
and the dates it applies between, judged by the day a ballot OPENS. A change
in the law is a new row or a new date, recorded by HQ, never a code change.

A ``StatutoryBallot`` wraps a ballot of the engine (``ballots.Ballot``,
named by string and read only through ``ballots.api``) with what the law asks
for around it: the dispute, the employer, the independent scrutineer, the
channel, the notices sent, and the documents issued.
"""

import datetime as dt
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from unionhall.ballots import api
from unionhall.members.models import Employer, Member


class Profile(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    statutory = models.BooleanField(help_text="Whether the ballot carries statutory duties.")
    description = models.TextField()

    class Meta:
        ordering = ["statutory", "name"]

    def __str__(self):
        return self.name


class Rule(models.Model):
    """One version of one duty. Versions of the same ``code`` never overlap.
    It applies to a ballot opening on day D when ``applies_from <= D`` and
    ``D < applies_until``; an empty ``applies_from`` means the law has no
    commencement date yet, so the rule applies to no ballot."""

    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="rules")
    code = models.SlugField(max_length=40)
    title = models.CharField(max_length=120)
    statement = models.TextField(help_text="What the rule requires, in plain language.")
    params = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=300, help_text="Act and section, e.g. TULRCA 1992 s.226(2)(a)(iia).")
    source_url = models.URLField(max_length=300)
    applies_from = models.DateField(null=True, blank=True, help_text="Ballots opening on or after this day. Empty: no date fixed yet.")
    applies_until = models.DateField(null=True, blank=True, help_text="Ballots opening before this day. Empty: no end fixed.")
    note = models.TextField(blank=True, help_text="What is not yet fixed by law, or how the dates were read.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["profile", "code", F("applies_from").asc(nulls_last=True)]
        constraints = [
            models.CheckConstraint(
                condition=Q(applies_from__isnull=True) | Q(applies_until__isnull=True) | Q(applies_until__gt=F("applies_from")),
                name="rule_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.code} ({self.period})"

    def applies_on(self, day: dt.date) -> bool:
        return self.applies_from is not None and self.applies_from <= day and (self.applies_until is None or day < self.applies_until)

    @property
    def params_json(self) -> str:
        return json.dumps(self.params)

    @property
    def period(self) -> str:
        if self.applies_from is None:
            return "not yet in force: no commencement date fixed"
        start = f"ballots opening on or after {self.applies_from:%-d %B %Y}"
        if self.applies_until is None:
            return f"{start}, with no end date fixed"
        return f"{start} and before {self.applies_until:%-d %B %Y}"

    def clean(self):
        if self.applies_from and self.applies_until and self.applies_until <= self.applies_from:
            raise ValidationError({"applies_until": "The end date must be after the start date."})
        if not isinstance(self.params, dict):
            raise ValidationError({"params": "Parameters must be a JSON object, e.g. {\"days\": 10}."})


class StatutoryBallot(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", "Online (the verifiable booth)"
        POSTAL = "postal", "Postal"
        HYBRID = "hybrid", "Hybrid: a paper by post, returned by post or online"

    ballot = models.OneToOneField("ballots.Ballot", on_delete=models.PROTECT, related_name="statutory")
    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="+")
    dispute = models.TextField(help_text="A summary of the matters in issue in the trade dispute.")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="+")
    employer_address = models.TextField(help_text="Where notices to the employer are sent.")
    employer_email_domains = models.CharField(
        max_length=500, blank=True,
        help_text="The employer's email domains, comma-separated (e.g. probation.example.gov.uk): an address at one of them, "
                  "or a subdomain of one, is a work address and never gets an invitation to vote.",
    )  # fmt: skip
    scrutineer_name = models.CharField(max_length=200, blank=True)
    scrutineer_firm = models.CharField(max_length=200, blank=True)
    return_address = models.TextField(blank=True, help_text="The scrutineer's address for returning voting papers.")
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.POSTAL)
    strike_question = models.ForeignKey("ballots.Question", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    asos_question = models.ForeignKey("ballots.Question", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    asos_types = models.CharField(max_length=300, blank=True, help_text="The types of action short of a strike, e.g. an overtime ban.")
    action_period = models.CharField(max_length=300, blank=True, help_text="When the action is expected to take place.")
    authorised_to_call = models.CharField(max_length=200, help_text="Who may call the action if the vote is in favour.")
    important_public_service = models.BooleanField(default=False)
    ballot_notice_sent_on = models.DateField(null=True, blank=True)
    sample_paper_sent_on = models.DateField(null=True, blank=True)
    # Hybrid: when the scrutineer was sent the papers to set aside (members who voted online).
    set_aside_sent_at = models.DateTimeField(null=True, blank=True)
    result_notified_on = models.DateField(null=True, blank=True, help_text="When the employer was told the result.")
    mandate_extension_agreed = models.BooleanField(default=False, help_text="The employer agreed to extend the mandate, where the law allows.")
    mandate_warned_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Statutory ballot: {self.ballot}"

    @property
    def work_domains(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.employer_email_domains.split(",") if d.strip()]

    @property
    def window(self) -> api.Window:
        return api.ballot_facts(ballot_id=self.ballot_id).window

    @property
    def opens_on(self) -> dt.date:
        return timezone.localdate(self.window.opens_at)

    @property
    def closes_on(self) -> dt.date:
        return timezone.localdate(self.window.closes_at)


class Document(models.Model):
    """A document as issued: when, by whom, and a digest of what was issued."""

    class Kind(models.TextChoices):
        BALLOT_NOTICE = "ballot-notice", "Notice of ballot to the employer"
        SAMPLE_PAPER = "sample-paper", "Sample voting paper"
        RESULT_NOTICE = "result-notice", "Result notice"
        MANDATE = "mandate", "Mandate"
        ACTION_NOTICE = "action-notice", "Notice of industrial action"

    statutory = models.ForeignKey(StatutoryBallot, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the issued HTML.")
    facts = models.JSONField(default=dict, help_text="The dates and figures the document states.")

    class Meta:
        ordering = ["statutory", "kind", "-issued_at"]


class PaperNumber(models.Model):
    """The consecutive number of the voting paper sent by post to a member
    (s.229(1A)); fixed at the first register extract, the same ever after."""

    statutory = models.ForeignKey(StatutoryBallot, on_delete=models.CASCADE, related_name="papers")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()

    class Meta:
        ordering = ["statutory", "number"]
        constraints = [
            models.UniqueConstraint(fields=["statutory", "member"], name="paper_member_unique"),
            models.UniqueConstraint(fields=["statutory", "number"], name="paper_number_unique"),
        ]


class PostalReturn(models.Model):
    """The scrutineer's count of returned papers. ``counts`` holds, per
    question key, {"yes": n, "no": n, "spoiled": n}."""

    statutory = models.OneToOneField(StatutoryBallot, on_delete=models.CASCADE, related_name="postal_return")
    papers_issued = models.PositiveIntegerField()
    papers_returned = models.PositiveIntegerField()
    counts = models.JSONField()
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
