"""Campaigns and the letters members write in them.

A campaign gives members a brief, points to make in their own words and a
model letter with blanks, and a target: each member's own MP (found from
their postcode) or one named person. A letter is the member's own: written
from the model, changed and signed by them, and sent only once they confirm
it from a link emailed to them. The letter says the member belongs to the
union (special-category data), so its text and the member's address are
erased the retention schedule's ``campaign_letter`` period (28 days unless HQ
set another, as WriteToThem) after it is sent, or once its link expires unconfirmed; what stays is that a letter went to a constituency, for the
count."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from unionhall.members.models import Branch, Employer, Grade, Member

LETTER_MAX_CHARS = 8_000


class Campaign(models.Model):
    class Target(models.TextChoices):
        MP = "mp", "Each member's MP"
        NAMED = "named", "One named person"

    class Kind(models.TextChoices):
        LETTER = "letter", "Letters to a representative"
        EVIDENCE = "evidence", "A call for evidence"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open for letters"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    summary = models.CharField(max_length=300, help_text="One or two sentences: what we want and why.")
    brief = models.TextField(help_text="Markdown: the background members need to write well.")
    points = models.TextField(help_text="Points to make in your own words, one a line.")
    model_letter = models.TextField(
        blank=True,
        help_text="A starting point with blanks in square brackets, e.g. [your caseload]. "
        "[employer], [workplace], [constituency], [representative] and [name] are filled in for each member."
    )
    subject = models.CharField(max_length=150, blank=True, help_text="The letter's subject line.")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.LETTER)
    # For a call for evidence: what members are asked to tell us and show.
    evidence_prompt = models.TextField(blank=True)
    target = models.CharField(max_length=5, choices=Target.choices, default=Target.MP)
    target_name = models.CharField(max_length=150, blank=True, help_text="For one named person: how the letter addresses them.")
    target_email = models.EmailField(blank=True)
    # The audience, as a bulletin's: each that is set narrows it (a member
    # must be in one of the branches, and of one of the employers, and of
    # one of the grades). All empty: every member.
    branches = models.ManyToManyField(Branch, blank=True, related_name="+")
    employers = models.ManyToManyField(Employer, blank=True, related_name="+")
    # Grade codes between commas (",PO,PSO,"), so "contains ,PO," filters the same on SQLite and PostgreSQL.
    grades = models.CharField(max_length=100, blank=True, default="")
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.DRAFT)
    closes_on = models.DateField(null=True, blank=True)
    # When it was last closed (campaign_set_status): evidence's retention runs
    # from the closing date, or from this when the campaign closed earlier.
    closed_at = models.DateTimeField(null=True, blank=True)
    # A call for evidence: its submissions and their files are deleted this
    # many months after the call closes (evidence.evidence_forget, a daily job).
    evidence_keep_months = models.PositiveSmallIntegerField(
        default=12, help_text="Months after the call closes that members' evidence and its files are kept (1 to 72)."
    )
    # Submissions received, and of those deleted when their time ran out:
    # the count stays when the evidence goes.
    evidence_received = models.PositiveIntegerField(default=0)
    evidence_deleted = models.PositiveIntegerField(default=0)
    # Set when a letter's mail is queued and a delivery task enqueued; the
    # task clears it first. Confirms in a burst then share one task (tasks.py).
    delivery_queued_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="campaign_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(target="mp") | (~Q(target_name="") & ~Q(target_email="")), name="campaign_named_target_complete"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def grade_list(self) -> list[str]:
        return [g for g in self.grades.split(",") if g]

    def grade_labels(self) -> list[str]:
        return [Grade(g).label for g in self.grade_list if g in Grade.values]

    @property
    def point_list(self) -> list[str]:
        return [line.strip(" -•*\t") for line in self.points.splitlines() if line.strip(" -•*\t")]


class Letter(models.Model):
    """One member's letter in one campaign (at most one that is not withdrawn)."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", "Waiting for you to confirm it from the email"
        HELD = "held", "Held: very like another letter; an officer will look at it"
        SENT = "sent", "Sent"
        REFUSED = "refused", "Not sent: an officer held it back"
        WITHDRAWN = "withdrawn", "Withdrawn"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="letters")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=11, choices=Status.choices, default=Status.UNCONFIRMED)
    # Where it goes, copied when written, so a change of MP or of the data
    # files later does not change whom a letter was sent to.
    constituency_code = models.CharField(max_length=9, blank=True)
    constituency_name = models.CharField(max_length=100, blank=True)
    recipient_name = models.CharField(max_length=150)
    recipient_email = models.EmailField()
    # The letter as the member wrote it, and the address it is sent from (an
    # MP answers constituents only). Emptied when the letter is forgotten.
    body = models.TextField(blank=True)
    signed_name = models.CharField(max_length=150, blank=True)
    address = models.TextField(blank=True)
    likeness = models.FloatField(null=True, blank=True)  # to the most alike letter already sent, when checked
    like_letter = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, blank=True)  # sha256 of the emailed confirmation token
    written_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    forgotten_at = models.DateTimeField(null=True, blank=True)
    # The follow-up two weeks after sending (replies.py): whether the
    # recipient answered. The reply's text is kept only with the writer's consent.
    reply_asked_at = models.DateTimeField(null=True, blank=True)
    reply_recorded_at = models.DateTimeField(null=True, blank=True)
    got_reply = models.BooleanField(null=True, blank=True)
    reply_after_days = models.PositiveSmallIntegerField(null=True, blank=True)
    reply_answered = models.CharField(max_length=6, blank=True, choices=[("yes", "Yes"), ("partly", "Partly"), ("no", "No")])
    reply_text = models.TextField(blank=True)
    # The member let us keep their reply (its text, or a file they uploaded):
    # what the officers' list of shared replies reads, through a partial index.
    reply_kept = models.BooleanField(default=False)

    class Meta:
        ordering = ["-written_at", "-pk"]
        indexes = [
            # The count by constituency reads this index alone.
            models.Index(fields=["campaign", "status", "constituency_code"], name="letter_count"),
            models.Index(fields=["campaign", "status", "written_at"], name="letter_queue"),
            models.Index(fields=["forgotten_at", "written_at"], name="letter_forget"),
            models.Index(fields=["status", "reply_asked_at", "sent_at"], name="letter_reply_due"),
            # Replies members shared, newest first (the report), without reading the campaign's other letters.
            models.Index(fields=["campaign", "reply_recorded_at"], name="letter_reply_shared", condition=Q(reply_kept=True)),
            # The emailed link finds its letter (only letters waiting to be confirmed have a hash).
            models.Index(fields=["token_hash"], name="letter_token", condition=~Q(token_hash="")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "member"], condition=~Q(status="withdrawn"), name="letter_one_per_member"
            )
        ]

    def __str__(self):
        return f"Letter {self.pk} to {self.recipient_name}"


class HelpRequest(models.Model):
    """A member asks their rep or HQ to help them write their letter (a
    disabled member, or anyone who finds writing hard), instead of being
    blocked by the checks. Officers whose remit covers the member see it on
    the campaign's report and mark it done once they have been in touch."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="help_requests")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    how = models.CharField(max_length=5, choices=[("phone", "Phone me"), ("email", "Email me"), ("meet", "Meet me at work")])
    note = models.CharField(max_length=500, blank=True)  # what would help, in the member's words
    asked_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["asked_at", "pk"]
        indexes = [models.Index(fields=["campaign", "asked_at"], name="help_open", condition=Q(done_at__isnull=True))]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], condition=Q(done_at__isnull=True), name="help_one_open_per_member")
        ]


class SeatTally(models.Model):
    """Letters sent in a campaign to one recipient in one constituency, and
    what their writers said of replies: kept up to date in the transaction
    that sends a letter or records a reply (tallies.py), so the officers'
    report reads at most a row a seat however many letters there are.
    Scrubbing a letter's text leaves its tally alone."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    constituency_code = models.CharField(max_length=9, blank=True)
    constituency_name = models.CharField(max_length=100, blank=True)
    recipient_name = models.CharField(max_length=150)
    sent = models.PositiveIntegerField(default=0)
    asked = models.PositiveIntegerField(default=0)  # writers asked whether a reply came
    told = models.PositiveIntegerField(default=0)  # writers who answered either way
    replies = models.PositiveIntegerField(default=0)
    answered_points = models.PositiveIntegerField(default=0)
    reply_days = models.PositiveIntegerField(default=0)  # the sum of days to reply, of the replies

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "constituency_code", "recipient_name", "constituency_name"], name="seat_tally_once")
        ]


class BranchTally(models.Model):
    """Letters sent in a campaign by members of one branch (the writer's
    branch when the letter went)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(Branch, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "branch"], name="branch_tally_once")]


class LetterSketch(models.Model):
    """One of the smallest shingle hashes of a sent letter (likeness.py): the
    index through which a new letter finds the letters it may copy."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="sketch")
    hash = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["campaign", "hash"], name="letter_sketch_hash")]


class Supporter(models.Model):
    """An MP an officer marked as already supporting the campaign: off the
    list of MPs to write to, and members are not asked to write to them."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="supporters")
    constituency_code = models.CharField(max_length=9)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "constituency_code"], name="supporter_once")]


class Submission(models.Model):
    """One member's evidence to a call for evidence. Kept from officers'
    sight of who sent it (``member`` empty) when the member asked: then only
    the receipt code the member was given finds it again."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="submissions")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    consent_quote = models.BooleanField(default=False)
    consent_name = models.BooleanField(default=False)  # their name may go with it in the pack
    receipt_hash = models.CharField(max_length=64, unique=True)  # sha256 of the receipt code
    tags = models.CharField(max_length=200, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["submitted_at", "pk"]
        indexes = [models.Index(fields=["campaign", "submitted_at"], name="submission_campaign")]

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]


def reply_path(instance, filename: str) -> str:
    return f"campaigns/replies/{secrets.token_hex(16)}.{instance.extension}"


class ReplyFile(models.Model):
    """A reply a member uploaded (a PDF, or a photo of a letter re-encoded
    without its metadata), kept only because they agreed; deleted with the
    letter's reply."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="reply_files")
    kind = models.CharField(max_length=4, choices=[("jpeg", "Photo (JPEG)"), ("png", "Image (PNG)"), ("pdf", "PDF")])
    file = models.FileField(upload_to=reply_path)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["letter", "pk"]

    @property
    def extension(self) -> str:
        return {"jpeg": "jpg"}.get(self.kind, self.kind)

    @property
    def content_type(self) -> str:
        return {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}[self.kind]


class PackRecord(models.Model):
    """That a pack of evidence was exported, when, by whom, with how many
    submissions and the SHA-256 of what was downloaded: the record that
    stays after the evidence itself is deleted."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="packs")
    exported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    exported_at = models.DateTimeField()
    format = models.CharField(max_length=3, choices=[("pdf", "PDF"), ("csv", "CSV")])
    submissions = models.PositiveIntegerField()
    named = models.PositiveIntegerField()  # of which with the member's name, as they agreed
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-exported_at", "-pk"]


def evidence_path(instance, filename: str) -> str:
    # A random name under MEDIA_ROOT, which is never routed: files are served
    # by views.evidence_file only to those allowed.
    return f"campaigns/evidence/{secrets.token_hex(16)}.{instance.extension}"


class EvidenceFile(models.Model):
    """A photo (re-encoded, without its metadata) or a PDF, checked to be what it claims."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=4, choices=[("jpeg", "Photo (JPEG)"), ("png", "Image (PNG)"), ("pdf", "PDF")])
    file = models.FileField(upload_to=evidence_path)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["submission", "pk"]

    @property
    def extension(self) -> str:
        return {"jpeg": "jpg"}.get(self.kind, self.kind)

    @property
    def content_type(self) -> str:
        return {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}[self.kind]
