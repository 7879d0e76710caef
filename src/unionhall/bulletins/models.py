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
from unionhall.outbox.models import AddressFlag, Channel, Status  # noqa: F401  (AddressFlag moved to the outbox; read from here by queries)

COMMENT_MAX_CHARS = 10_000
# Fixed pages under /bulletins/ that a series slug would shadow (see urls.py).
RESERVED_SLUGS = {"addresses", "attachments", "comments", "drafts", "events", "feed", "manage", "me", "moderation", "preview", "reveals", "unsubscribe", "write"}


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
    by_email = models.BooleanField("email it to its audience", default=True, help_text="Members who chose post, or have no email address, are listed for the postal mail-out either way.")
    # When publish_at passed and delivery began (see delivery.release_due_bulletins).
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-publish_at", "-pk"]
        indexes = [models.Index(fields=["published_at", "publish_at"]), models.Index(fields=["released_at", "publish_at"])]
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


def attachment_path(instance, filename: str) -> str:
    # A random name: the file's own name is kept for the download, never trusted as a path.
    return f"bulletins/{secrets.token_hex(16)}.pdf"


class Attachment(models.Model):
    """A PDF that goes with a bulletin (slides, a letter), served only to those
    who can read the bulletin, never from a public address."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=attachment_path)
    filename = models.CharField(max_length=200, help_text="The name it is downloaded under.")
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["bulletin", "pk"]

    def __str__(self):
        return self.title


class Reader(models.Model):
    """A member's settings for bulletins: the pseudonym they post under and the
    key of their private feed. Changing ``feed_key`` revokes every feed link."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="bulletin_reader")
    pseudonym = models.CharField(max_length=40, blank=True)
    # Case-folded copy, unique, so "Night Owl" and "night owl" cannot both exist.
    pseudonym_key = models.CharField(max_length=40, null=True, blank=True, unique=True, editable=False)
    # What it looks like (bulletins.pseudonyms.lookalike_key), unique: two members
    # can never hold pseudonyms that read alike, even saving at the same moment.
    pseudonym_lookalike = models.CharField(max_length=120, null=True, blank=True, unique=True, editable=False)
    pseudonym_set_at = models.DateTimeField(null=True, blank=True)
    feed_key = models.CharField(max_length=32, default="", blank=True)
    # Email preferences beside the register's own "bulletins by email" (Member.bulletins_by_email).
    reply_emails = models.BooleanField("email me replies to my comments", default=True)
    weekly_digest = models.BooleanField("a weekly digest instead of each bulletin", default=False)
    digest_sent_at = models.DateTimeField(null=True, blank=True)
    # Set by a moderator's "suspend" decision: no comments until then.
    suspended_until = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Reader {self.pk}"

    @staticmethod
    def new_feed_key() -> str:
        return secrets.token_urlsafe(16)


class Comment(models.Model):
    class State(models.TextChoices):
        VISIBLE = "visible", "Visible"
        HELD = "held", "Awaiting approval"  # a new member's first comment
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
    # Set while reports (or a held comment) await a moderator; cleared by a decision.
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
    # With hide or remove: the author may not comment for this many days.
    suspend_days = models.PositiveSmallIntegerField(default=0)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at"]


class Appeal(models.Model):
    """The author's one appeal against a decision, ruled on by another moderator."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Awaiting a moderator"
        UPHELD = "upheld", "Decision upheld"
        OVERTURNED = "overturned", "Decision overturned"

    decision = models.OneToOneField(ModerationDecision, on_delete=models.CASCADE, related_name="appeal")
    reason = models.CharField(max_length=1000)
    appealed_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    ruling = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["appealed_at"]

    def __str__(self):
        return f"Appeal {self.pk}"


class ModeratorAssignment(models.Model):
    """A named moderator for the discussion of members of one branch or one
    employer: they see those comments in their queue and are told of reports."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(Branch, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(branch__isnull=False, employer__isnull=True) | Q(branch__isnull=True, employer__isnull=False), name="moderator_for_branch_or_employer"
            ),
            models.UniqueConstraint(fields=["user", "branch"], name="moderator_once_per_branch"),
            models.UniqueConstraint(fields=["user", "employer"], name="moderator_once_per_employer"),
        ]

    def __str__(self):
        return f"Moderator {self.user_id} for {self.branch or self.employer}"


class BulletinMessages(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(about_type="bulletins.bulletin")


class Delivery(models.Model):
    """One bulletin to one member by one channel: a read-only window on the
    outbox's messages about bulletins (``outbox.Message`` with ``about`` the
    bulletin), kept so ``bulletin.deliveries`` and code that reads it go on
    working. The outbox writes these rows; nothing writes through this model."""

    Channel = Channel
    Status = Status

    about_type = models.CharField(max_length=60)  # "bulletins.bulletin" on every row this model shows
    bulletin = models.ForeignKey(Bulletin, on_delete=models.DO_NOTHING, db_column="about_id", db_constraint=False, related_name="deliveries")
    member = models.ForeignKey(Member, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    address = models.CharField(max_length=254, blank=True)
    attempts = models.PositiveSmallIntegerField()
    last_error = models.CharField(max_length=300, blank=True)
    queued_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = BulletinMessages()

    class Meta:
        managed = False
        db_table = "outbox_message"
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"Delivery {self.pk} of {self.bulletin_id} by {self.channel}: {self.status}"

    def save(self, *args, **kwargs):
        raise TypeError("Delivery is read-only: queue bulletins through bulletins.delivery and the outbox")


class RevealRequest(models.Model):
    """A moderator's request to learn who wrote a pseudonymous comment. Only
    when a second, different moderator approves may the two of them see the
    member's name; every look is audited and the member is told."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting a second moderator"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="reveal_requests")
    reason = models.CharField(max_length=500)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(decided_by=models.F("requested_by")), name="reveal_decided_by_another"),
            models.UniqueConstraint(fields=["comment"], condition=Q(status="pending"), name="reveal_one_pending_per_comment"),
        ]

    def __str__(self):
        return f"Reveal request {self.pk}"


QUESTION_MAX_CHARS = 500


class QAEvent(models.Model):
    """A question-and-answer session with a speaker: members ask before and
    during it and vote questions up; its moderators mark them answered,
    pin, hide or merge duplicates. Tied to a bulletin, it has that
    bulletin's audience; standalone, it is for all members."""

    title = models.CharField(max_length=200)
    speaker = models.CharField(max_length=200)
    bulletin = models.ForeignKey(Bulletin, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    moderators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_at"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="qaevent_ends_after_start")]

    def __str__(self):
        return self.title


class Question(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        HIDDEN = "hidden", "Hidden by a moderator"
        MERGED = "merged", "Merged into another question"

    event = models.ForeignKey(QAEvent, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    as_pseudonym = models.BooleanField(default=False)
    author_label = models.CharField(max_length=210)
    body = models.TextField()  # plain text, always escaped
    asked_at = models.DateTimeField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    pinned = models.BooleanField(default=False)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    votes = models.PositiveIntegerField(default=0)  # kept with QuestionVote rows, in the same transaction

    class Meta:
        ordering = ["-pinned", "-votes", "asked_at", "pk"]
        indexes = [models.Index(fields=["event", "state"]), models.Index(fields=["author", "asked_at"])]

    def __str__(self):
        return f"Question {self.pk}"


class QuestionVote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    voted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "member"], name="question_vote_once")]
