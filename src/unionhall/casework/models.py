"""Cases, what happens in them, and the rules their deadlines come from.

Everything a member or rep writes (what happened, notes, messages, health
details, documents and their names) is stored sealed (sealing.py), bound to
its row's random ``ref`` and its field. What stays in clear is what the
dashboards and reminders need without opening a case: ids, dates, kinds,
statuses and deadlines."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from unionhall.casework import sealing


class Sealed(models.Model):
    """A row with sealed fields, bound to the row's random reference."""

    ref = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True

    def aad(self, field: str) -> str:
        return f"{self._meta.label_lower}:{self.ref}:{field}"

    def seal(self, field: str, text: str | bytes) -> None:
        setattr(self, f"{field}_sealed", sealing.seal(text, aad=self.aad(field)) if text else b"")

    def opened(self, field: str) -> str:
        return sealing.unseal_text(getattr(self, f"{field}_sealed"), aad=self.aad(field))


class CaseType(models.TextChoices):
    GRIEVANCE = "grievance", "Grievance"
    DISCIPLINARY = "disciplinary", "Disciplinary"
    ATTENDANCE = "attendance", "Attendance or sickness absence"
    CAPABILITY = "capability", "Capability"
    VETTING = "vetting", "Vetting failure and appeal"
    REDUNDANCY = "redundancy", "Redundancy"
    TUPE = "tupe", "TUPE transfer"
    REGRADING = "regrading", "Regrading claim"
    TRIBUNAL = "tribunal", "Tribunal claim"


class Nations(models.TextChoices):
    ENGLAND_WALES = "england-wales", "England and Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class RuleProfile(models.Model):
    """An employer's procedures as rules HQ can edit; ``rules`` is read by
    ``deadlines.profiles.Profile`` (docs/deadlines.md)."""

    employer = models.ForeignKey("members.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    rules = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class Commencement(models.Model):
    """The day a dated rule of law came into force, recorded by HQ (e.g. the
    Employment Rights Act 2025 six-month tribunal limit)."""

    ERA2025_SIX_MONTHS = "era2025-six-months"
    RULES = [(ERA2025_SIX_MONTHS, "Employment Rights Act 2025: six-month tribunal time limit")]

    rule = models.CharField(max_length=40, choices=RULES, unique=True)
    commenced_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")


class Case(Sealed):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Asked for help: waiting for a rep"
        OFFERED = "offered", "Rep asked: waiting for them to accept"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        NONE = "", "Not yet"
        UPHELD = "upheld", "Upheld or won"
        PARTLY = "partly", "Partly upheld"
        NOT_UPHELD = "not_upheld", "Not upheld or lost"
        SETTLED = "settled", "Settled"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Closure(models.TextChoices):
        NONE = "", "Open"
        RESOLVED = "resolved", "Resolved"
        MEMBER_WITHDREW = "member_withdrew", "The member withdrew"
        LEFT_UNION = "left_union", "The member left the union"
        LEFT_EMPLOYER = "left_employer", "The member left the employer"
        NO_MERIT = "no_merit", "Advised no further action"
        TIME_LIMIT = "time_limit", "Out of time"

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="cases")
    # Copied from the member when the case opens, so remit filters and
    # dashboards read one table (and a case stays where it was raised).
    employer = models.ForeignKey("members.Employer", on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey("members.Branch", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=CaseType.choices)
    nation = models.CharField(max_length=20, choices=Nations.choices, default=Nations.ENGLAND_WALES)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    rep = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rep_accepted_at = models.DateTimeField(null=True, blank=True)
    policy = models.ForeignKey(RuleProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField()
    # Dates the deadlines count from (clear: they are what reminders need).
    incident_on = models.DateField(null=True, blank=True)
    acas_from = models.DateField(null=True, blank=True)
    acas_cert = models.DateField(null=True, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True, default="")
    closure = models.CharField(max_length=16, choices=Closure.choices, blank=True, default="")
    closed_at = models.DateTimeField(null=True, blank=True)
    # The member said health is involved; the details are sealed and shown
    # only after a second, audited click.
    health_flag = models.BooleanField(default=False)
    summary_sealed = models.BinaryField(default=b"")
    health_sealed = models.BinaryField(default=b"")
    last_activity_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["branch", "status"], name="case_branch_status"),
            models.Index(fields=["employer", "status"], name="case_employer_status"),
            models.Index(fields=["rep", "status"], name="case_rep_status"),
            models.Index(fields=["member", "status"], name="case_member_status"),
            models.Index(fields=["status", "closed_at"], name="case_closed"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} case {self.number}"

    @property
    def number(self) -> str:
        """A short reference to quote in mail: no name, no details."""
        return f"C-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class Referral(Sealed):
    """The case referred up to a link officer or national representative, who
    may then read it all; the note to them is sealed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    to = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    note_sealed = models.BinaryField(default=b"")

    class Meta:
        indexes = [models.Index(fields=["to", "ended_at"], name="referral_to_active")]
        constraints = [models.UniqueConstraint(fields=["case", "to"], condition=Q(ended_at__isnull=True), name="referral_once")]


class Meeting(Sealed):
    class Kind(models.TextChoices):
        INVESTIGATION = "investigation", "Investigation meeting"
        DISCIPLINARY = "disciplinary", "Disciplinary hearing"
        GRIEVANCE = "grievance", "Grievance hearing"
        APPEAL = "appeal", "Appeal hearing"
        ATTENDANCE = "attendance", "Attendance or sickness review"
        CAPABILITY = "capability", "Capability meeting"
        CONSULTATION = "consultation", "Redundancy or TUPE consultation"
        OTHER = "other", "Other meeting"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    on = models.DateField()
    # The rep cannot attend the employer's proposed time: s10(4)-(5) ERA 1999
    # lets the member propose another within five working days.
    companion_unavailable = models.BooleanField(default=False)
    note_sealed = models.BinaryField(default=b"")
    recorded_by = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["on", "pk"]


class Entry(Sealed):
    """One thing in the case's history: a note (rep and those referred to), an
    action (with a due date), a message (seen by the member too), or an event
    (assigned, accepted, handed over, referred, closed)."""

    class Kind(models.TextChoices):
        NOTE = "note", "Note"
        ACTION = "action", "Action"
        MESSAGE = "message", "Message"
        EVENT = "event", "Event"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    author = models.ForeignKey("members.Member", null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # An action the member is to do (send a fit note, say): they see it and
    # may mark it done. Other actions are the rep's, seen by those with the whole case.
    for_member = models.BooleanField(default=False)
    body_sealed = models.BinaryField(default=b"")

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "kind", "at"], name="entry_case_kind")]


class Document(Sealed):
    """A file the member or rep added, sealed on disk outside any public
    address (CASEWORK_DIR); its name is sealed in the row."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    filename_sealed = models.BinaryField(default=b"")
    added_by = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "pk"]


class CaseDeadline(models.Model):
    """A deadline worked out from the case's dates, with how (``steps``).
    Recomputed whenever a date changes; ``due_on`` is None when the rule sets
    no fixed date (the ACAS Code's "without unreasonable delay").

    An action with a due date is a deadline too (code ``action-<entry id>``),
    so the deadlines page, the rep's to-do and the reminders list it; its
    title says whose it is, never what it says (that is sealed in the entry).
    It is met when the action is done."""

    ACTION = "action-"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    # Copied from the case, so the branch's deadlines page reads one index.
    branch = models.ForeignKey("members.Branch", on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey("members.Employer", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=80)
    title = models.CharField(max_length=300)
    due_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=500, blank=True)
    steps = models.JSONField(default=list)
    notes = models.JSONField(default=list)
    met_at = models.DateTimeField(null=True, blank=True)
    flagged_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["branch", "due_on"], name="deadline_branch_due", condition=Q(met_at__isnull=True)),
            models.Index(fields=["employer", "due_on"], name="deadline_employer_due", condition=Q(met_at__isnull=True)),
            models.Index(fields=["due_on"], name="deadline_due", condition=Q(met_at__isnull=True)),
        ]
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="deadline_code_once")]


class CaseStat(models.Model):
    """Anonymous counts kept after closed cases are deleted."""

    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=CaseType.choices)
    employer = models.ForeignKey("members.Employer", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=12, blank=True, default="")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "kind", "employer", "outcome"], name="casestat_once")]
