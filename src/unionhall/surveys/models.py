"""Surveys, their runs and answers; equality monitoring.

A ``Survey`` is the questionnaire and who it is for; each ``Run`` is one
window in which members answer it (a monthly pulse has a run a month, so
trends build up run by run). What is stored about an answer depends on the
survey's kind:

- *confidential*: the ``Response`` names its member (so they can change it
  until the run closes); officers never see who answered what, only tables.
- *anonymous*: the ``Response`` holds no member, no id that follows the order
  of answering (its key is random) and no time finer than the day; the only
  trace of the member is a separate ``AnsweredMark``. Nothing joins the two.

Either way a response keeps only the coarse attributes the survey declares
(employer, branch, grade), copied from the register when it is submitted.

Equality monitoring (``Characteristics``) is special-category data, stored
apart from the register, given with explicit consent, and read only by the
aggregate queries in ``equality.py``: no page shows one member's answers.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from unionhall.members.models import Branch, Employer, Member

MINIMUM_THRESHOLD = 5
DEFAULT_THRESHOLD = 10
ATTRIBUTES = ("employer", "branch", "grade")


class Kind(models.TextChoices):
    CONFIDENTIAL = "confidential", "Confidential: officers never see who answered what; you can change your answer until it closes"
    ANONYMOUS = "anonymous", "Anonymous: your answer is stored with no link to you at all"


class Audience(models.TextChoices):
    ALL = "all", "All members"
    CHOSEN = "chosen", "Chosen employers, branches or grades"


class Repeat(models.TextChoices):
    ONCE = "once", "Once"
    MONTHLY = "monthly", "Every month"


class Survey(models.Model):
    """A questionnaire, its audience and its rules of publication. ``owner_*``
    is the remit it was made in (both empty: HQ's, union-wide); officers whose
    remit covers it manage it and read its breakdowns."""

    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="Plain text shown above the questions.")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ANONYMOUS)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.ALL)
    employers = models.ManyToManyField(Employer, blank=True, related_name="+")
    branches = models.ManyToManyField(Branch, blank=True, related_name="+")
    # Grade codes between commas (",PO,PSO,"), as bulletins keep them.
    grades = models.CharField(max_length=100, blank=True, default="")
    # Attributes copied onto each response (",employer,branch,grade,"): only these can be broken down by.
    attributes = models.CharField(max_length=60, default=",employer,branch,grade,")
    threshold = models.PositiveSmallIntegerField(default=DEFAULT_THRESHOLD, validators=[MinValueValidator(MINIMUM_THRESHOLD)])
    repeat = models.CharField(max_length=10, choices=Repeat.choices, default=Repeat.ONCE)
    window_days = models.PositiveSmallIntegerField(default=14)
    standard = models.CharField(max_length=40, blank=True, help_text="Key of the standard survey it was started from.")
    owner_employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    owner_branch = models.ForeignKey(Branch, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)  # no further runs

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(threshold__gte=MINIMUM_THRESHOLD), name="survey_threshold_at_least_5")]

    def __str__(self):
        return self.title

    @property
    def grade_list(self) -> list[str]:
        return [g for g in self.grades.split(",") if g]

    def set_grades(self, grades) -> None:
        self.grades = f",{','.join(sorted(grades))}," if grades else ""

    @property
    def attribute_list(self) -> list[str]:
        return [a for a in ATTRIBUTES if f",{a}," in self.attributes]

    @property
    def is_anonymous(self) -> bool:
        return self.kind == Kind.ANONYMOUS


class QuestionKind(models.TextChoices):
    NUMBER = "number", "Number"
    SINGLE = "single", "One choice"
    MULTIPLE = "multiple", "Several choices"
    SCALE = "scale", "Agreement scale"
    DATE = "date", "Date"
    TEXT = "text", "Free text"


AGREEMENT = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.CharField(max_length=300)
    help = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=True)
    unit = models.CharField(max_length=30, blank=True)
    min_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    # One choice per line: the options of single and multiple choice, the points of a scale.
    choices = models.TextField(blank=True)
    # A short name for tables and charts ("Caseload").
    label = models.CharField(max_length=60, blank=True)
    # Publish breakdowns by the survey's attributes (every breakdown costs cells to suppression).
    breakdown = models.BooleanField(default=True)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="question_position_unique")]

    def __str__(self):
        return self.text

    @property
    def key(self) -> str:
        return f"q{self.position}"

    @property
    def short(self) -> str:
        return self.label or self.text[:60]

    @property
    def choice_list(self) -> list[str]:
        if self.kind == QuestionKind.SCALE and not self.choices.strip():
            return list(AGREEMENT)
        return [c.strip() for c in self.choices.splitlines() if c.strip()]


class Run(models.Model):
    """One window of a survey. Nothing about its answers is shown while it is
    open; ``results`` is the publication, worked out once after it closes."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="runs")
    number = models.PositiveIntegerField()
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    invited = models.PositiveIntegerField(default=0)  # members in the audience when it opened
    results = models.JSONField(null=True, blank=True)
    results_at = models.DateTimeField(null=True, blank=True)
    # The union-wide figures of ``results`` that trends need (results.summary).
    summary = models.JSONField(null=True, blank=True)
    shuffled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "number"]
        constraints = [models.UniqueConstraint(fields=["survey", "number"], name="run_number_unique")]
        indexes = [models.Index(fields=["closes_at", "results_at"])]

    def __str__(self):
        return f"{self.survey} #{self.number}"

    def is_open(self, now) -> bool:
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now) -> bool:
        return now >= self.closes_at


def _new_uuid():
    return uuid.uuid4()


class Response(models.Model):
    """A submitted answer. ``member`` is set only for confidential surveys.
    The key is random and the only date is the day, so for an anonymous
    survey neither the key nor a timestamp follows the order of answering
    (see ``services.run_shuffle`` for the rows' physical order)."""

    id = models.UUIDField(primary_key=True, default=_new_uuid, editable=False)
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    answered_on = models.DateField()
    employer = models.CharField(max_length=40, blank=True)  # the employer's code, if the survey declares it
    branch = models.CharField(max_length=40, blank=True)
    grade = models.CharField(max_length=10, blank=True)
    # {"q1": value, ...}: numbers as strings, choices as text, several choices as lists, dates as ISO.
    answers = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "member"], condition=Q(member__isnull=False), name="response_once_per_member"),
        ]
        indexes = [models.Index(fields=["run", "branch"])]


class AnsweredMark(models.Model):
    """That a member has answered an anonymous run: no time, no link to the answer."""

    id = models.UUIDField(primary_key=True, default=_new_uuid, editable=False)
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="marks")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "member"], name="mark_once_per_member")]


class Draft(models.Model):
    """Answers saved but not yet submitted ("save and come back"). Linked to
    the member, necessarily; deleted in the transaction that submits."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="drafts")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(default=dict)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "member"], name="draft_once_per_member")]


class TextStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for review"
    PUBLISHED = "published", "Published (as redacted)"
    WITHHELD = "withheld", "Withheld"


class FreeText(models.Model):
    """A free-text answer, copied out of the responses when the run closes,
    in random order and with no link to its response. Shown to anyone only
    once an officer has read it and removed identifying details."""

    id = models.UUIDField(primary_key=True, default=_new_uuid, editable=False)
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="free_texts")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    redacted = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=TextStatus.choices, default=TextStatus.WAITING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["run", "status"])]


# --- Equality monitoring -----------------------------------------------------------------

PREFER_NOT = "Prefer not to say"

CHARACTERISTICS = {
    "age_band": ("Age band", ("16-24", "25-34", "35-44", "45-54", "55-64", "65 and over")),
    "sex": ("Sex", ("Female", "Male")),
    "gender_identity": ("Gender identity the same as sex registered at birth", ("Yes", "No")),
    "ethnicity": ("Ethnic group", ("Asian or Asian British", "Black, Black British, Caribbean or African", "Mixed or multiple ethnic groups", "White", "Other ethnic group")),
    "disability": ("Disabled (Equality Act 2010)", ("Yes", "No")),
    "religion": ("Religion or belief", ("No religion", "Christian", "Muslim", "Hindu", "Sikh", "Jewish", "Buddhist", "Any other religion")),
    "sexual_orientation": ("Sexual orientation", ("Straight or heterosexual", "Gay or lesbian", "Bisexual", "Other sexual orientation")),
}


class Characteristics(models.Model):
    """A member's protected characteristics, each optional and each allowing
    "Prefer not to say". Kept only while ``consented_at`` is set: withdrawing
    consent deletes the row."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="+")
    consented_at = models.DateTimeField()
    age_band = models.CharField(max_length=40, blank=True)
    sex = models.CharField(max_length=40, blank=True)
    gender_identity = models.CharField(max_length=40, blank=True)
    ethnicity = models.CharField(max_length=60, blank=True)
    disability = models.CharField(max_length=40, blank=True)
    religion = models.CharField(max_length=40, blank=True)
    sexual_orientation = models.CharField(max_length=40, blank=True)


class OutcomeSet(models.Model):
    """Outcomes of a process (police vetting) counted by group of one
    characteristic. Only group counts are stored, whichever way they came."""

    title = models.CharField(max_length=200)
    characteristic = models.CharField(max_length=30)
    outcome_label = models.CharField(max_length=60, help_text='What was counted, e.g. "failed vetting".')
    adverse = models.BooleanField(default=True, help_text="The counted outcome is the unfavourable one.")
    threshold = models.PositiveSmallIntegerField(default=DEFAULT_THRESHOLD, validators=[MinValueValidator(MINIMUM_THRESHOLD)])
    source = models.CharField(max_length=200, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField()
    # A set counted from one row per member (equality.count_member_outcomes):
    # keyed fingerprints of the members it listed, not their outcomes, kept to
    # refuse a later list that differs from it by too few members (two reports
    # side by side would show those members' groups by subtraction).
    member_keyed = models.BooleanField(default=False)
    roster = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(threshold__gte=MINIMUM_THRESHOLD), name="outcomeset_threshold_at_least_5")]

    def __str__(self):
        return self.title


class OutcomeCount(models.Model):
    outcome_set = models.ForeignKey(OutcomeSet, on_delete=models.CASCADE, related_name="counts")
    group = models.CharField(max_length=80)
    total = models.PositiveIntegerField()
    outcome = models.PositiveIntegerField()

    class Meta:
        ordering = ["outcome_set", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["outcome_set", "group"], name="outcome_group_once"),
            models.CheckConstraint(condition=Q(outcome__lte=models.F("total")), name="outcome_not_above_total"),
        ]

