"""Conference (the AGM) and what follows from it: motions and amendments,
delegates and card-vote weights, votes, the register of resolutions, and the
meetings of the NEC and officers group whose decisions may change course.

Rules live in ``services.py``; these models hold the facts and a few derived
properties that pages show."""

import math

from django.conf import settings
from django.db import models
from django.db.models import Q

from unionhall.members.models import Branch, Member, Role

# Delegate entitlement: one delegate for every started hundred members, at
# least one. A branch of 1 to 100 members sends 1, of 101 to 200 sends 2.
MEMBERS_PER_DELEGATE = 100


def delegate_entitlement(members: int) -> int:
    return max(1, math.ceil(members / MEMBERS_PER_DELEGATE))


class Outcome(models.TextChoices):
    CARRIED = "carried", "Carried"
    LOST = "lost", "Lost"


class Proposer(models.TextChoices):
    BRANCH = "branch", "Branch"
    NEC = "nec", "National Executive Committee"
    SOC = "soc", "Standing orders committee (composite)"


class Responsible(models.TextChoices):
    """Who a motion instructs, and so who must act on the resolution."""

    OFFICERS = "officers", "Officers and officials"
    NEC = "nec", "National Executive Committee"
    OFFICE_HOLDER = "office", "A named office holder"


class Conference(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    motions_deadline = models.DateTimeField()
    amendments_deadline = models.DateTimeField()
    # Card votes are weighted by each branch's membership on this date, and
    # delegate entitlement follows the same count.
    weights_on = models.DateField()
    weights_frozen_at = models.DateTimeField(null=True, blank=True)
    agenda_published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self):
        return self.title


class SocMember(models.Model):
    """A member of a conference's standing orders committee, appointed by HQ:
    the committee, not every HQ administrator, rules on motions and
    amendments, composites them and publishes the final agenda."""

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="soc_members")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    appointed_at = models.DateTimeField()

    class Meta:
        ordering = ["conference", "member__last_name", "member__first_name"]
        constraints = [models.UniqueConstraint(fields=["conference", "member"], name="soc_member_once")]

    def __str__(self):
        return f"{self.member.full_name}, standing orders committee of {self.conference}"


class Submission(models.Model):
    """What motions and amendments share: who put it forward, and the
    standing orders committee's ruling."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Awaiting the standing orders committee"
        ACCEPTED = "accepted", "Accepted for the agenda"
        RULED_OUT = "ruled_out", "Ruled out of order"
        COMPOSITED = "composited", "Merged into a composite"

    text = models.TextField()
    proposer = models.CharField(max_length=8, choices=Proposer.choices)
    branch = models.ForeignKey(Branch, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    ruling_reason = models.TextField(blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        abstract = True

    @property
    def proposer_label(self) -> str:
        return f"{self.branch} branch" if self.branch_id else self.get_proposer_display()


class Motion(Submission):
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="motions")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    instructs = models.CharField(max_length=8, choices=Responsible.choices, default=Responsible.OFFICERS)
    instructs_role = models.CharField(max_length=24, choices=Role.choices, blank=True)
    # A source motion points at the composite that replaced it.
    composite = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="sources")

    class Meta:
        ordering = ["conference", "number"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "number"], name="motion_number_unique"),
            models.CheckConstraint(condition=~Q(proposer="branch") | Q(branch__isnull=False), name="motion_branch_named"),
        ]

    def __str__(self):
        return f"Motion {self.number}: {self.title}"

    @property
    def is_composite(self) -> bool:
        return self.proposer == Proposer.SOC


class Amendment(Submission):
    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="amendments")
    letter = models.CharField(max_length=2)

    class Meta:
        ordering = ["motion", "letter"]
        constraints = [models.UniqueConstraint(fields=["motion", "letter"], name="amendment_letter_unique")]

    def __str__(self):
        return f"Amendment {self.motion.number}{self.letter}"


class Delegate(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="delegates")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["branch__name", "member__last_name"]
        constraints = [models.UniqueConstraint(fields=["conference", "member"], name="delegate_once")]

    def __str__(self):
        return f"{self.member.full_name} ({self.branch})"


class CardWeight(models.Model):
    """A branch's card: its membership on the conference's ``weights_on`` date. Public."""

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="card_weights")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    members = models.PositiveIntegerField()

    class Meta:
        ordering = ["branch__name"]
        constraints = [models.UniqueConstraint(fields=["conference", "branch"], name="card_weight_once")]


class Vote(models.Model):
    """Conference's vote on a motion, or on one of its amendments."""

    class Method(models.TextChoices):
        HANDS = "hands", "Show of hands"
        CARD = "card", "Card vote"
        SECRET = "secret", "Secret online vote of the delegates"

    class Status(models.TextChoices):
        OPEN = "open", "Voting"
        CLOSED = "closed", "Counted"

    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="votes")
    amendment = models.ForeignKey(Amendment, null=True, blank=True, on_delete=models.PROTECT, related_name="votes")
    method = models.CharField(max_length=6, choices=Method.choices)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    votes_for = models.PositiveIntegerField(default=0)
    votes_against = models.PositiveIntegerField(default=0)
    abstentions = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # A secret vote runs as a verifiable ballot whose electorate is the delegates.
    ballot = models.OneToOneField("ballots.Ballot", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opened_at", "pk"]

    def __str__(self):
        return f"Vote on {self.subject_label}"

    @property
    def subject_label(self) -> str:
        return str(self.amendment) if self.amendment_id else f"motion {self.motion.number}"


class Card(models.Model):
    """One branch's card in a card vote, cast by one of its registered delegates."""

    class Choice(models.TextChoices):
        FOR = "for", "For"
        AGAINST = "against", "Against"
        ABSTAIN = "abstain", "Abstain"

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="cards")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    delegate = models.ForeignKey(Delegate, on_delete=models.PROTECT, related_name="cards")
    choice = models.CharField(max_length=8, choices=Choice.choices)
    weight = models.PositiveIntegerField()
    cast_at = models.DateTimeField()

    class Meta:
        ordering = ["branch__name"]
        constraints = [models.UniqueConstraint(fields=["vote", "branch"], name="card_once_per_branch")]


class Body(models.Model):
    """A committee whose members are the current holders of one office, with
    its quorum rule as data: quorum = floor(members × numerator / denominator) + plus."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    role = models.CharField(max_length=24, choices=Role.choices)
    quorum_numerator = models.PositiveSmallIntegerField(default=1)
    quorum_denominator = models.PositiveSmallIntegerField(default=2)
    quorum_plus = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "bodies"

    def __str__(self):
        return self.name

    def quorum_for(self, members: int) -> int:
        return members * self.quorum_numerator // self.quorum_denominator + self.quorum_plus

    @property
    def quorum_rule(self) -> str:
        share = "half" if (self.quorum_numerator, self.quorum_denominator) == (1, 2) else f"{self.quorum_numerator}/{self.quorum_denominator}"
        return f"{share} of its members" + (f" plus {self.quorum_plus}" if self.quorum_plus else "")


class Meeting(models.Model):
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    title = models.CharField(max_length=200)
    # Frozen when the meeting is recorded, from the offices held that day.
    members_count = models.PositiveSmallIntegerField()
    quorum = models.PositiveSmallIntegerField()
    attendees = models.ManyToManyField(Member, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.body}, {self.held_on:%-d %B %Y}"

    @property
    def quorate(self) -> bool:
        return self.attendees.count() >= self.quorum


class Decision(models.Model):
    """A decision minuted at a meeting. Valid only if the meeting was quorate."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    minute = models.CharField(max_length=40)
    text = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-meeting__held_on", "minute"]

    def __str__(self):
        return f"{self.meeting}, {self.minute}"

    @property
    def valid(self) -> bool:
        return self.meeting.quorate


class Resolution(models.Model):
    """A carried motion: what conference instructed, who must act, and where it stands."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        SUPERSEDED = "superseded", "Superseded by a later decision"
        ABANDONED = "abandoned", "Abandoned"

    CHANGES_OF_COURSE = (Status.SUPERSEDED, Status.ABANDONED)

    motion = models.OneToOneField(Motion, on_delete=models.PROTECT, related_name="resolution")
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="resolutions")
    title = models.CharField(max_length=200)
    instructions = models.TextField()
    responsible = models.CharField(max_length=8, choices=Responsible.choices)
    responsible_role = models.CharField(max_length=24, choices=Role.choices, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-conference__held_on", "motion__number"]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    @property
    def reference(self) -> str:
        return f"{self.conference.held_on:%Y}/{self.motion.number}"

    @property
    def who_must_act(self) -> str:
        if self.responsible == Responsible.OFFICE_HOLDER and self.responsible_role:
            return self.get_responsible_role_display()
        return self.get_responsible_display()


class ResolutionUpdate(models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="updates")
    status = models.CharField(max_length=12, choices=Resolution.Status.choices)
    note = models.TextField()
    on = models.DateField()
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="resolution_updates")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["resolution", "on", "at"]
