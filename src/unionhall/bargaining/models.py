"""Bargaining: negotiating bodies, agreements and the commitments in them,
disputes, job-evaluation reviews, pay scales, members' pay histories and back
pay. Rows of other apps (a conference decision, a resolution, a statutory
ballot) are pointed at by lazy strings and read through those apps' api
modules; the register's models are the foundation every app may use."""

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from unionhall.members.models import Employer, Member, Office


class NegotiatingBody(models.Model):
    """A joint body where the union bargains: national, or one employer's."""

    class Level(models.TextChoices):
        NATIONAL = "national", "National"
        EMPLOYER = "employer", "Employer"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        WITHDRAWN = "withdrawn", "Withdrawn"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    level = models.CharField(max_length=10, choices=Level.choices)
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    parties = models.TextField(help_text="Who sits on each side, e.g. the employer and the recognised unions.")
    constitution = models.TextField(blank=True, help_text="Terms of reference or constitution.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_on = models.DateField(help_text="Since when the status has held.")
    # The NEC's or officers' decision that ratified the constitution (conference's record).
    ratification = models.ForeignKey("conference.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ratified_on = models.DateField(null=True, blank=True)
    union_side = models.ManyToManyField(Office, blank=True, related_name="+", help_text="Offices whose holders sit on the union side.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["level", "name"]
        verbose_name_plural = "negotiating bodies"
        constraints = [
            models.CheckConstraint(condition=Q(level="national", employer__isnull=True) | Q(level="employer", employer__isnull=False),
                                   name="body_employer_matches_level"),
        ]  # fmt: skip

    def __str__(self):
        return self.name


class BodyStatusChange(models.Model):
    body = models.ForeignKey(NegotiatingBody, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=10, choices=NegotiatingBody.Status.choices)
    on = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["on", "pk"]


class BodyMeeting(models.Model):
    """A meeting of a negotiating body: its agenda, minutes and the actions agreed."""

    body = models.ForeignKey(NegotiatingBody, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    agenda = models.TextField()
    minutes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.body}, {self.held_on:%-d %B %Y}"


class BodyAction(models.Model):
    meeting = models.ForeignKey(BodyMeeting, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField()
    owner = models.CharField(max_length=200, help_text="Who must do it: a side, an office, a named officer.")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]


def document_path(instance, filename: str) -> str:
    # A random name: the uploaded name is kept for the download, never trusted as a path.
    return f"bargaining/{secrets.token_hex(16)}.pdf"


class Document(models.Model):
    """A PDF (an agreement's text, a meeting's papers or minutes), kept outside
    any public address and served only to those who may read what it belongs to."""

    agreement = models.ForeignKey("Agreement", null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    meeting = models.ForeignKey(BodyMeeting, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=document_path)
    filename = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(agreement__isnull=False, meeting__isnull=True) | Q(agreement__isnull=True, meeting__isnull=False),
                                   name="document_belongs_to_one"),
        ]  # fmt: skip

    @property
    def employer_id(self):
        return self.agreement.body.employer_id if self.agreement_id else self.meeting.body.employer_id


class Agreement(models.Model):
    body = models.ForeignKey(NegotiatingBody, on_delete=models.PROTECT, related_name="agreements")
    title = models.CharField(max_length=200)
    agreed_on = models.DateField()
    signatories = models.TextField(help_text="Who signed, one a line.")
    text = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-agreed_on", "-pk"]

    def __str__(self):
        return self.title


class Clause(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="clauses")
    number = models.CharField(max_length=20)
    text = models.TextField()

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="clause_number_once")]

    def __str__(self):
        return f"{self.agreement}, clause {self.number}"


class Dispute(models.Model):
    class Stage(models.TextChoices):
        FAILURE_TO_AGREE = "failure_to_agree", "Failure to agree"
        ACAS = "acas", "ACAS conciliation"
        BALLOT = "ballot", "Ballot"
        ACTION = "action", "Industrial action"
        SETTLEMENT = "settlement", "Settlement"

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    issue = models.TextField()
    opened_on = models.DateField()
    statutory_ballot = models.ForeignKey("mandates.StatutoryBallot", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-opened_on", "-pk"]

    def __str__(self):
        return self.title


class DisputeStage(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(max_length=20, choices=Dispute.Stage.choices)
    on = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["on", "pk"]


class Commitment(models.Model):
    """Something promised: who must act, what delivered means, by when. Whether
    it is overdue is worked out from today and the due date, never stored."""

    class Who(models.TextChoices):
        EMPLOYER = "employer", "The employer"
        UNION = "union", "The union"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DELIVERED = "delivered", "Delivered"
        BROKEN = "broken", "Broken"
        SUPERSEDED = "superseded", "Superseded"

    OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS)

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="commitments")
    clause = models.ForeignKey(Clause, null=True, blank=True, on_delete=models.PROTECT, related_name="commitments")
    # Copied from the agreement's body: None for a national body (every member is in scope).
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    who_acts = models.CharField(max_length=10, choices=Who.choices, default=Who.EMPLOYER)
    delivered_means = models.TextField(help_text="What counts as delivered.")
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    status_on = models.DateField()
    resolution = models.ForeignKey("conference.Resolution", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    dispute = models.ForeignKey(Dispute, null=True, blank=True, on_delete=models.PROTECT, related_name="commitments")
    # The date of the latest update, kept with each update (for sorting the tracker without reading them all).
    last_update_on = models.DateField(null=True, blank=True)
    # When followers were told it had become overdue: a mark against telling them twice, not a status.
    overdue_notified_on = models.DateField(null=True, blank=True)
    # When the negotiators were reminded that it falls due soon (once).
    reminded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["employer", "due_on"]), models.Index(fields=["status", "due_on"]), models.Index(fields=["last_update_on"])]

    def __str__(self):
        return self.title

    def is_open(self) -> bool:
        return self.status in self.OPEN

    def days_late(self, today: dt.date) -> int:
        """Days past the due date while still open (0 if not late). A delivered
        commitment is as late as it was on delivery."""
        end = today if self.is_open() else self.status_on
        return max(0, (end - self.due_on).days) if self.status != self.Status.SUPERSEDED else 0

    def shown_status(self, today: dt.date) -> str:
        if self.is_open() and today > self.due_on:
            return "Overdue"
        return self.get_status_display()


class CommitmentUpdate(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=12, choices=Commitment.Status.choices)
    on = models.DateField()
    note = models.TextField()
    evidence = models.TextField(blank=True, help_text="What shows it: a letter, a payslip change, a published document.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["commitment", "on"])]


class CommitmentFollower(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="followers")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["commitment", "member"], name="follow_once")]
        indexes = [models.Index(fields=["member"])]


class JobReview(models.Model):
    """A role awaiting job evaluation, in a priority group, with the date promised."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        IN_REVIEW = "in_review", "Being evaluated"
        COMPLETED = "completed", "Completed"

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="+")
    role_title = models.CharField(max_length=100, help_text="As members' job role reads in the register.")
    priority_group = models.PositiveSmallIntegerField()
    promised_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    completed_on = models.DateField(null=True, blank=True)
    created_on = models.DateField()

    class Meta:
        ordering = ["priority_group", "promised_on", "pk"]
        indexes = [models.Index(fields=["employer", "role_title"]), models.Index(fields=["priority_group", "promised_on"])]
        constraints = [models.UniqueConstraint(fields=["employer", "role_title"], name="one_review_per_role")]

    def __str__(self):
        return f"{self.role_title} (group {self.priority_group})"

    def days_late(self, today: dt.date) -> int:
        end = self.completed_on if self.status == self.Status.COMPLETED and self.completed_on else today
        return max(0, (end - self.promised_on).days)


class JobReviewInterest(models.Model):
    review = models.ForeignKey(JobReview, on_delete=models.CASCADE, related_name="interests")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    evidence = models.TextField(blank=True)
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "member"], name="interest_once")]


class PayScale(models.Model):
    """A named scale of one employer, imported whole from CSV."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["employer__name", "name"]
        constraints = [models.UniqueConstraint(fields=["employer", "name"], name="scale_name_once")]

    def __str__(self):
        return f"{self.name} ({self.employer})"


class PayRate(models.Model):
    scale = models.ForeignKey(PayScale, on_delete=models.CASCADE, related_name="rates")
    band = models.CharField(max_length=20)
    point = models.PositiveSmallIntegerField()
    annual = models.DecimalField(max_digits=10, decimal_places=2)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["band", "point", "effective_from"]
        constraints = [models.UniqueConstraint(fields=["scale", "band", "point", "effective_from"], name="rate_once")]


class PayRecord(models.Model):
    """A member's pay history with their employer: the employee number the
    employer knows them by, the anniversary of their increments, and periods."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="+")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="+")
    employee_number = models.CharField(max_length=30)
    anniversary = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["employer", "employee_number"], name="employee_number_once")]


class PayPeriod(models.Model):
    record = models.ForeignKey(PayRecord, on_delete=models.CASCADE, related_name="periods")
    starts_on = models.DateField()
    ends_on = models.DateField()
    band = models.CharField(max_length=20)
    point = models.PositiveSmallIntegerField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    full_time_hours = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["starts_on"]


class Settlement(models.Model):
    """A back-pay settlement: the scale paid, the scale agreed, the window and the convention."""

    class Convention(models.TextChoices):
        MONTHLY = "monthly", "Monthly twelfths, part months by calendar days"
        DAILY = "daily", "Daily, by 365ths"

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    old_scale = models.ForeignKey(PayScale, on_delete=models.PROTECT, related_name="+")
    new_scale = models.ForeignKey(PayScale, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()
    convention = models.CharField(max_length=8, choices=Convention.choices, default=Convention.MONTHLY)
    query_days = models.PositiveSmallIntegerField(default=28, help_text="Days the union gives itself to answer a query.")

    class Meta:
        ordering = ["-ends_on", "pk"]

    def __str__(self):
        return self.title


class BackPayQuery(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"

    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="queries")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    employee_number = models.CharField(max_length=30)
    question = models.TextField()
    raised_at = models.DateTimeField()
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
