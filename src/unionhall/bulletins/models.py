"""Bulletins in numbered series, members' discussion under them, and its moderation.

Who wrote a comment is kept on ``Comment.author`` for rate limits and
moderation, but pages show only ``Comment.author_label``: the pseudonym or
the name the member chose to post under, fixed when the comment was posted."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from unionhall.members.models import Branch, Employer, Grade, Member

COMMENT_MAX_CHARS = 10_000
# Fixed pages under /bulletins/ that a series slug would shadow (see urls.py).
RESERVED_SLUGS = {"comments", "drafts", "feed", "manage", "me", "moderation", "write"}


class Series(models.Model):
    """A run of bulletins with its own numbering, such as "General Secretary's blog"
    (1, 2, 3) or "Joint bulletin" with the pattern "JTU{n}-{year}"."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    # "{n}" is the number in the series and "{year}" the year of publication.
    code_pattern = models.CharField(max_length=40, default="{n}", help_text='For example "JTU{n}-{year}". Must contain {n}.')
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "series"

    def __str__(self):
        return self.name

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": "This word is taken by a page of the bulletins section; choose another."})
        if "{n}" not in self.code_pattern:
            raise ValidationError({"code_pattern": "The pattern must contain {n}, the number in the series."})

    def code_for(self, number: int, year: int) -> str:
        # Plain replacement, not str.format, so a pattern cannot reach attributes.
        return self.code_pattern.replace("{n}", str(number)).replace("{year}", str(year))


class Audience(models.TextChoices):
    ALL = "all", "All members"
    ACTIVISTS = "activists", "Activists and reps (members holding a current office)"
    CHOSEN = "chosen", "Chosen employers, branches or grades"


class Bulletin(models.Model):
    """A bulletin is a draft until an officer publishes it from the preview; it
    then takes the next number in its series and becomes visible to its
    audience once ``publish_at`` has passed."""

    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="bulletins")
    number = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="In plain language: what this means for members, in a few sentences. Shown first.")
    body = models.TextField(help_text="Markdown: blank lines between paragraphs, *emphasis*, [links](https://…), lists.")
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.ALL)
    employers = models.ManyToManyField(Employer, blank=True, related_name="+")
    branches = models.ManyToManyField(Branch, blank=True, related_name="+")
    # Grade codes between commas (",PO,PSO,") so "contains ,PO," filters the same on SQLite and PostgreSQL.
    grades = models.CharField(max_length=100, blank=True, default="")
    publish_at = models.DateTimeField(help_text="Members see the bulletin from this moment.")
    published_at = models.DateTimeField(null=True, blank=True)  # when an officer confirmed it
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        indexes = [models.Index(fields=["published_at", "publish_at"])]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="bulletin_number_unique_in_series"),
            models.CheckConstraint(condition=Q(published_at__isnull=True) | Q(number__isnull=False), name="bulletin_published_has_number"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}" if self.number else f"Draft: {self.title}"

    @property
    def code(self) -> str:
        return self.series.code_for(self.number, self.publish_at.year) if self.number else ""

    @property
    def grade_list(self) -> list[str]:
        return [g for g in self.grades.split(",") if g]

    def set_grades(self, grades) -> None:
        self.grades = f",{','.join(sorted(grades))}," if grades else ""

    def grade_labels(self) -> list[str]:
        return [Grade(g).label for g in self.grade_list if g in Grade.values]


class Reader(models.Model):
    """A member's settings for bulletins: the pseudonym they post under and the
    key of their private feed. Changing ``feed_key`` revokes every feed link."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="bulletin_reader")
    pseudonym = models.CharField(max_length=40, blank=True)
    # Case-folded copy, unique, so "Night Owl" and "night owl" cannot both exist.
    pseudonym_key = models.CharField(max_length=40, null=True, blank=True, unique=True, editable=False)
    pseudonym_set_at = models.DateTimeField(null=True, blank=True)
    feed_key = models.CharField(max_length=32, default="", blank=True)

    def __str__(self):
        return f"Reader {self.pk}"

    @staticmethod
    def new_feed_key() -> str:
        return secrets.token_urlsafe(16)


class Comment(models.Model):
    class State(models.TextChoices):
        VISIBLE = "visible", "Visible"
        HIDDEN = "hidden", "Hidden"  # after three reports, or by a moderator
        REMOVED = "removed", "Removed by a moderator"

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies")
    author = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    as_pseudonym = models.BooleanField(default=False)
    author_label = models.CharField(max_length=210)  # what pages show: a pseudonym or a name
    body = models.TextField()
    posted_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.VISIBLE)
    # Set while reports await a moderator; cleared by a decision.
    pending_review = models.BooleanField(default=False)
    moderation_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["posted_at", "pk"]
        indexes = [
            models.Index(fields=["author", "posted_at"], name="comment_rate_limit"),
            models.Index(fields=["bulletin", "posted_at"]),
            models.Index(fields=["pending_review"]),
        ]

    def __str__(self):
        return f"Comment {self.pk} on {self.bulletin_id}"


class Report(models.Model):
    """A member's report of a comment. ``decision`` is set when a moderator rules."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    reported_at = models.DateTimeField()
    decision = models.ForeignKey("ModerationDecision", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")

    class Meta:
        ordering = ["reported_at"]
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="report_once_per_member")]


class ModerationDecision(models.Model):
    class Outcome(models.TextChoices):
        KEEP = "keep", "Keep"
        HIDE = "hide", "Hide"
        REMOVE = "remove", "Remove"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    reason = models.CharField(max_length=300)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at"]
