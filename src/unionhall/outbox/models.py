"""Every message the union sends, to anyone, by any channel.

A ``Message`` is one message to one recipient by one channel (email, text or
post), written in the same transaction as the change that causes it and
sent later by the one sender (``sending.py``). What it says is a
``Content``, written once and shared by every recipient of a mailing (a
bulletin to 100,000 members is one Content and 100,000 Messages).
``AddressFlag`` marks an email address that bounced: no email goes to it,
whatever it is for, until the member changes it or an officer clears it.

The outbox knows members only as ids (string references here, never an
import), so ``members``, whose sign-in mail goes through it, can use it
without a cycle."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    TEXT = "text", "Text message"
    POST = "post", "Post"


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    BOUNCED = "bounced", "Bounced"
    SUPPRESSED = "suppressed", "Not sent: the address bounced before"
    POSTAL = "postal", "For post"  # listed for a mailing house; the outbox sends nothing itself


class Topic:
    """What a message is for, as stored in ``Message.topic``. A plain slug, so
    a new app adds its own (``campaign_letter``, ``casework_reminder``,
    ``survey_invitation``) without a migration; these are today's."""

    SIGN_IN = "sign_in"  # allauth's sign-in links and codes, password resets
    EMAIL_CHANGE = "email_change"  # confirming a new address, and the notice to the old one
    BALLOT_INVITATION = "ballot_invitation"
    BALLOT_REMINDER = "ballot_reminder"
    BALLOT_TRACKER = "ballot_tracker"
    KEY_CEREMONY = "key_ceremony"
    BULLETIN = "bulletin"
    DIGEST = "digest"
    REPLY = "reply"  # a reply to a member's comment
    MODERATION = "moderation"  # to moderators: a comment needs them
    REVEAL = "reveal"  # to a member: moderators were shown who wrote their comment
    ELECTION_NOTICE = "election_notice"
    MANDATE_WARNING = "mandate_warning"
    TERM_WARNING = "term_warning"
    NOTICE = "notice"  # anything queued through unionhall.mail.queue_email without a topic


class Content(models.Model):
    """What a message says: subject, text and HTML, and who it is from.
    ``[[name]]`` in them is replaced for each recipient from the message's
    ``fields`` (HTML-escaped in the HTML), and ``[[unsubscribe_url]]`` by the
    recipient's own one-click link."""

    # A mailing's content is written once under its key (e.g. "bulletin:12").
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    html = models.TextField(blank=True)
    from_email = models.CharField(max_length=300, blank=True)  # DEFAULT_FROM_EMAIL when blank
    reply_to = models.CharField(max_length=300, blank=True)  # e.g. the member who writes to their MP
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    def __str__(self):
        return f"Content {self.pk}: {self.subject[:40]}"


class Message(models.Model):
    """One message to one recipient by one channel. ``key`` names the logical
    message ("reminder:7:member:42:email"), and is unique, so the same message
    is never queued twice; a send first claims its row (queued -> sending)
    with a conditional update, so it is never sent twice either."""

    key = models.CharField(max_length=200, unique=True)
    topic = models.CharField(max_length=40)
    channel = models.CharField(max_length=5, choices=Channel.choices, default=Channel.EMAIL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # An email address or a phone number, as it was when queued; blank for post
    # (the postal list reads the register's address when it is exported).
    address = models.CharField(max_length=254, blank=True)
    content = models.ForeignKey(Content, null=True, blank=True, on_delete=models.PROTECT, related_name="messages")
    fields = models.JSONField(default=dict, blank=True)  # per-recipient values for the content's [[name]]s
    # The mailing list a one-click unsubscribe in it leaves (unsubscribe.py);
    # blank for mail a member cannot opt out of (sign-in, trackers, statutory notices).
    unsubscribe = models.CharField(max_length=40, blank=True)
    # What caused it, as the audit log names things ("bulletins.bulletin", 12).
    about_type = models.CharField(max_length=60, blank=True)
    about_id = models.BigIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    queued_at = models.DateTimeField()
    # While queued: not before this. While sending: when the attempt began (see sending.fail_interrupted).
    next_attempt_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)  # not worth sending after (a sign-in code, a ballot's close)
    sent_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=16, blank=True)  # the sender holding it while sending
    provider_id = models.CharField(max_length=200, blank=True)  # the Message-ID, or the provider's id for it

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_message_due"),
            models.Index(fields=["about_type", "about_id", "channel", "status"], name="outbox_message_about"),
            models.Index(fields=["member", "channel", "sent_at"], name="outbox_message_member"),
            models.Index(fields=["provider_id"], name="outbox_message_provider", condition=~Q(provider_id="")),
            models.Index(fields=["queued_at"], name="outbox_message_queued"),  # retention (issue 17)
        ]

    def __str__(self):
        return f"Message {self.pk} ({self.topic}, {self.channel}): {self.status}"


class AddressFlag(models.Model):
    """An email address that bounced, or whose owner reported our mail as
    spam. No email goes to it, for any purpose, while the flag is open: until
    the member's address changes (the new one has no flag) or an officer
    clears it. ``member`` is whose address it was, when known."""

    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    key = models.CharField(max_length=254, db_index=True, editable=False, default="")  # the address lower-cased
    reason = models.CharField(max_length=300)
    flagged_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-flagged_at"]
        indexes = [models.Index(fields=["member", "cleared_at"], name="outbox_flag_member")]

    def __str__(self):
        return f"Address flag {self.pk}"

    @staticmethod
    def key_for(address: str) -> str:
        return address.strip().lower()

    def save(self, *args, **kwargs):
        self.key = self.key_for(self.email)
        super().save(*args, **kwargs)
