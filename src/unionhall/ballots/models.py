"""Ballots: what is asked, who may vote, the frozen roll, the bulletin board of
encrypted ballots, trustees, and the decrypted results.

The cryptography lives in ``votecrypt``; these models hold its JSON artefacts
(each carries its own version tag) and the union's facts around them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from unionhall.members.models import Branch, Employer, Member, Workplace


class Ballot(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Being prepared"
        OPEN = "open", "Open for voting"
        CLOSED = "closed", "Closed, being counted"
        RESULT = "result", "Result declared"

    class AreaKind(models.TextChoices):
        BRANCH = "branch", "Branch"
        EMPLOYER = "employer", "Employer"
        WORKPLACE = "workplace", "Workplace"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    explanation = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    # Who is entitled to vote, read from the register when the roll is frozen.
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Branch, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    workplace = models.ForeignKey(Workplace, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    grades = models.JSONField(default=list, blank=True, help_text="Grade codes; empty means every grade.")
    joined_by = models.DateField(null=True, blank=True, help_text="Members who joined after this date are not entitled.")
    # When set, only these members are entitled (conference delegates, a committee).
    electorate = models.ManyToManyField(Member, blank=True, related_name="+")
    area_kind = models.CharField(max_length=10, choices=AreaKind.choices, default=AreaKind.BRANCH)
    trustee_threshold = models.PositiveSmallIntegerField(default=2)
    # Raised each time the key ceremony restarts: it is part of the manifest, so
    # a restart needs fresh polynomials and nothing from an earlier attempt fits.
    ceremony_attempt = models.PositiveSmallIntegerField(default=1)
    # A restart needs two HQ officers: the first asks (these three fields),
    # a second, different officer confirms.
    ceremony_restart_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ceremony_restart_requested_at = models.DateTimeField(null=True, blank=True)
    ceremony_restart_reason = models.CharField(max_length=300, blank=True)
    # votecrypt artefacts, set up before opening.
    manifest = models.JSONField(null=True, blank=True)
    joint_key = models.CharField(max_length=64, blank=True)
    trustee_publics = models.JSONField(default=list, blank=True)
    # At close: the encrypted tallies (headline first, then per area).
    tallies = models.JSONField(default=list, blank=True)
    # Decrypted per-slot counts by area ("" = headline).
    counts = models.JSONField(default=dict, blank=True)
    roll_frozen_at = models.DateTimeField(null=True, blank=True)
    # Published the moment the roll freezes (votecrypt's roll commitment over
    # the frozen aliases): in each invitation, on the ballot's public page and
    # signed by the trustees (trustee index -> signature).
    roll_commitment = models.CharField(max_length=64, blank=True)
    roll_commitment_signatures = models.JSONField(default=dict, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # At close: the share of the final votes in by each twentieth of the window
    # (ballots.curves), which later ballots' turnout projections learn from.
    turnout_curve = models.JSONField(default=list, blank=True)
    # Voter credentials (docs/ballot-credentials.md): set when the ballot is run
    # "with voter credentials" by an authority who is not the server's HQ. The
    # authority's public signing key, and its signature of the uploaded list.
    credential_authority = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    credential_authority_name = models.CharField(max_length=200, blank=True)
    credential_authority_key = models.CharField(max_length=64, blank=True)
    credential_list_signature = models.JSONField(null=True, blank=True)
    credential_list_uploaded_at = models.DateTimeField(null=True, blank=True)
    areas_opened_at = models.DateTimeField(null=True, blank=True)
    areas_decision = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]

    def __str__(self):
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        YES_NO = "yesno", "Yes or no"
        ONE = "one", "Choose one"
        UP_TO = "upto", "Choose up to"

    YES_NO_OPTIONS = ("Yes", "No")  # a YES_NO question's options, in this order on the paper and in the result

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=40)
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.YES_NO)
    options = models.JSONField(default=list)
    max_choices = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["ballot", "position"]
        constraints = [models.UniqueConstraint(fields=["ballot", "key"], name="question_key_unique")]

    def manifest_entry(self) -> dict:
        options = list(self.YES_NO_OPTIONS) if self.kind == self.Kind.YES_NO else list(self.options)
        if self.kind == self.Kind.UP_TO:
            low, high = 0, self.max_choices
        else:
            low = high = 1
        return {"id": self.key, "title": self.text, "options": options, "min_selections": low, "max_selections": high}


class Trustee(models.Model):
    """One of the n people who together hold the ballot's decryption key; any
    ``trustee_threshold`` of them can decrypt, fewer learn nothing."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="trustees")
    index = models.PositiveSmallIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=120, help_text="How the trustee is named on the result, e.g. 'Independent scrutineer'.")
    # Key generation, all public or sealed to another trustee (see ballots.ceremony).
    dkg_public = models.JSONField(null=True, blank=True)
    box_public = models.CharField(max_length=64, blank=True)
    sealed_shares = models.JSONField(default=dict, blank=True)  # recipient index -> sealed share
    # Commit before reveal: the hash of this trustee's key-ceremony commitments,
    # posted before anyone's commitments are shown; and, for tie lots, the hash
    # of a random value committed at the ceremony and the value revealed at the count.
    dkg_commitment_digest = models.CharField(max_length=64, blank=True)
    seed_commitment = models.CharField(max_length=64, blank=True)
    seed_reveal = models.CharField(max_length=64, blank=True)
    confirmed_key = models.CharField(max_length=64, blank=True)
    # Decryption shares posted by this trustee, by area ("" = headline).
    shares = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["ballot", "index"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "index"], name="trustee_index_unique"),
            models.UniqueConstraint(fields=["ballot", "user"], name="trustee_user_unique"),
        ]


ON_ROLL = models.Q(removed_at__isnull=True)


class RollEntry(models.Model):
    """A member entitled to vote. ``alias`` is the member's name on the board
    and in the record: random, so the public record never names anyone."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="roll")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="roll_entries")
    alias = models.CharField(max_length=24)
    area = models.CharField(max_length=200)
    voted_at = models.DateTimeField(null=True, blank=True)
    # Where the member worked when the roll froze: the turnout drive counts and
    # limits officers' views by these, without reading the register each time.
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    branch = models.ForeignKey(Branch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    workplace = models.ForeignKey(Workplace, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_reason = models.CharField(max_length=300, blank=True, help_text="Why the member was added after the roll froze.")
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "member"], name="roll_member_unique"),
            models.UniqueConstraint(fields=["ballot", "alias"], name="roll_alias_unique"),
        ]
        indexes = [
            models.Index(fields=["ballot", "area", "voted_at"]),
            models.Index(fields=["ballot", "workplace", "voted_at"]),
            # The turnout drive's (0011): for each way a remit limits the roll,
            # the entries still on it, so its counts and non-voters are read
            # from an index alone.
            models.Index(fields=["ballot", "voted_at"], condition=ON_ROLL, name="roll_turnout_day"),
            models.Index(fields=["ballot", "workplace", "voted_at", "member"], condition=ON_ROLL, name="roll_turnout_workplace"),
            models.Index(fields=["ballot", "branch", "workplace", "voted_at", "member"], condition=ON_ROLL, name="roll_turnout_branch"),
            models.Index(fields=["ballot", "employer", "workplace", "voted_at", "member"], condition=ON_ROLL, name="roll_turnout_employer"),
        ]


class Credential(models.Model):
    """A public voter credential the authority published (never the code, never
    whose it is). A revoked one names its replacement, the reason and the
    authority's signature of the revocation, all published in the record."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="credentials")
    public = models.CharField(max_length=64)
    # False for a replacement issued with a revocation (not in the signed list).
    listed = models.BooleanField(default=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)
    replacement = models.CharField(max_length=64, blank=True)
    revocation_signature = models.JSONField(null=True, blank=True)
    # Issued after the freeze for a member added to the roll (the authority's signed issue).
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_reason = models.CharField(max_length=300, blank=True)
    issue_signature = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["public"]
        constraints = [models.UniqueConstraint(fields=["ballot", "public"], name="credential_public_unique")]


class Cast(models.Model):
    """An encrypted ballot on the board. Re-voting supersedes the earlier one;
    at most one cast ballot per roll entry counts."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="casts")
    roll_entry = models.ForeignKey(RollEntry, on_delete=models.PROTECT, related_name="casts")
    content = models.JSONField()
    tracker = models.CharField(max_length=80)
    superseded = models.BooleanField(default=False)
    # With voter credentials: the public credential that signed it, and the signature.
    credential = models.ForeignKey(Credential, null=True, blank=True, on_delete=models.PROTECT, related_name="casts")
    signature = models.JSONField(null=True, blank=True)

    class Meta:
        # No timestamp and the board is shown in tracker order, so the board's
        # order cannot be matched against who voted when.
        ordering = ["tracker"]
        constraints = [
            models.UniqueConstraint(fields=["roll_entry"], condition=Q(superseded=False), name="one_counted_ballot_per_voter"),
            models.UniqueConstraint(fields=["ballot", "tracker"], name="tracker_unique"),
            # A credential has at most one counted ballot (two members racing with one code: one is refused).
            models.UniqueConstraint(fields=["credential"], condition=Q(superseded=False), name="one_counted_ballot_per_credential"),
        ]


class AuditedBallot(models.Model):
    """A ballot the voter opened to check the booth (Benaloh's cast-or-audit),
    published on the board by its check code with the revealed choices and
    nonces, but not its alias, so the checked choice names nobody."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="audited")
    code = models.CharField(max_length=24)
    entry = models.JSONField(help_text="votecrypt's audited entry: code, ciphertexts, choices, nonces.")

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["ballot", "code"], name="audited_code_unique")]


class Reminder(models.Model):
    """A reminder to the members on the roll who have not voted, sent at a set
    time by email and text message as each member prefers."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation to vote, when the ballot opens"
        REMINDER = "reminder", "Reminder"

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REMINDER)
    send_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Sending goes through the roll in batches, recording the last roll entry
    # done, so a sender that stops part-way resumes without sending twice.
    done_up_to = models.PositiveBigIntegerField(default=0)
    progress_at = models.DateTimeField(null=True, blank=True, help_text="When the sender last finished a batch.")
    sender = models.CharField(max_length=32, blank=True, help_text="The claim of the sender now sending it.")
    emailed = models.PositiveIntegerField(default=0)
    texted = models.PositiveIntegerField(default=0)
    unreachable = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["send_at"]
        indexes = [models.Index(fields=["status", "send_at"])]


class ReplayKey(models.Model):
    """Every ciphertext ever accepted for a ballot: a ballot re-using one is a
    replay (the attack Helios never blocked) and is refused."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "key"], name="replay_key_unique")]
