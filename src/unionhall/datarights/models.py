"""Members' data rights (issue 17): exports under way, subject access requests,
the retention schedule and its runs, erasure requests, and the privacy notice."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from unionhall.members.models import Member


class Export(models.Model):
    """One export of a member's data, by the member or for a subject access
    request. While ``finished_at`` is empty the export is under way, and a
    second one for the same member is refused (the partial unique constraint),
    so an export asked for twice at once runs once."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    fmt = models.CharField(max_length=4)  # json, pdf
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(finished_at__isnull=True), name="datarights_one_export_at_once")
        ]
        indexes = [models.Index(fields=["member", "started_at"], name="datarights_export_member")]


class SubjectAccessRequest(models.Model):
    """A request for a member's data that arrived by letter or email. The
    deadline comes from the ``deadlines`` package's ``sar`` rule."""

    class Channel(models.TextChoices):
        LETTER = "letter", "Letter"
        EMAIL = "email", "Email"
        OTHER = "other", "In person or by phone"

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    received_on = models.DateField()
    identity_checked_on = models.DateField(null=True, blank=True)
    identity_note = models.CharField(max_length=300, blank=True, help_text="How identity was checked; never a copy of the document.")
    extended = models.BooleanField(default=False)
    extension_reason = models.CharField(max_length=300, blank=True)
    due_on = models.DateField()
    sent_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["due_on", "pk"]
        # The open requests by deadline: HQ's list and the overdue count read only this.
        indexes = [models.Index(fields=["due_on"], condition=Q(sent_on__isnull=True), name="datarights_sar_open")]

    def __str__(self):
        return f"Subject access request {self.pk} ({self.received_on:%-d %B %Y})"


class RetentionPeriod(models.Model):
    """How long one kind of data is kept (a retention key of
    unionhall.personal_data), from which event, and why; with the legal
    minimum HQ has recorded, below which a period is refused."""

    key = models.CharField(max_length=40, unique=True)
    days = models.PositiveIntegerField()
    legal_reason = models.CharField(max_length=500)
    minimum_days = models.PositiveIntegerField(default=0)
    minimum_reason = models.CharField(max_length=500, blank=True)
    applied = models.BooleanField(default=True, help_text="Whether the nightly run applies it.")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["key"]
        constraints = [models.CheckConstraint(condition=Q(days__gte=models.F("minimum_days")), name="datarights_period_not_below_minimum")]

    def __str__(self):
        return f"{self.key}: {self.days} days"


class RetentionRun(models.Model):
    """One run of the retention schedule. Each batch moves ``cursor`` (the
    last id dealt with, per rule) and ``counts`` in the transaction that acts
    on it, so a run killed half way resumes where it stopped."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    today = models.DateField()
    cursor = models.JSONField(default=dict, blank=True)  # "key:model" -> last id
    counts = models.JSONField(default=dict, blank=True)  # "key:model" -> rows changed
    # True while under way, empty after: unique, so two runs cannot be under way at once
    # (NULLs never clash in a unique index, on SQLite and PostgreSQL alike).
    running = models.BooleanField(null=True, default=True, unique=True)

    class Meta:
        ordering = ["-started_at"]


class ErasureRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for HQ"
        DONE = "done", "Carried out"
        WITHDRAWN = "withdrawn", "Withdrawn"

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    # What was erased and what kept, by model, as counts (never the data).
    outcome = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(status="pending"), name="datarights_one_pending_erasure")
        ]


class PrivacyNotice(models.Model):
    """One version of the privacy notice. Published versions are never edited:
    HQ publishes a new one."""

    version = models.PositiveIntegerField(unique=True)
    body = models.TextField(help_text="Markdown: paragraphs, lists, links.")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-version"]


class NoticeShown(models.Model):
    """That a signed-in person was shown a version of the notice, and when."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, related_name="+")
    shown_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "notice"], name="datarights_notice_shown_once")]


class RegisterExport(models.Model):
    """An officer's export of register rows (members.views.register_export),
    with which members it held: ``digest`` is the SHA-256 of their ids in
    increasing order, one a line, and is also in the export's audit entry, so
    the hash-chained log vouches for the list kept in RegisterExportMember.
    It is how a member's "Who has looked" page can say their record was in
    an export, by which office and when."""

    exported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    exported_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-exported_at"]
        indexes = [models.Index(fields=["exported_at"], name="datarights_regexport_at")]


class RegisterExportMember(models.Model):
    """One member in one register export. The key (export, member) keeps each
    export's rows together for writing and deleting; the index on (member,
    export) finds a member's exports."""

    pk = models.CompositePrimaryKey("export", "member")
    # No foreign-key constraints in the database: checking two per row made
    # recording a 100,000-member export twice as slow as the export itself.
    # The rows are written only from the export's own query, in the transaction
    # that creates the export; Django still cascades a deleted export here.
    export = models.ForeignKey(RegisterExport, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False)

    class Meta:
        indexes = [models.Index(fields=["member", "export"], name="datarights_regexport_member")]
