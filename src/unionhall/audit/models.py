"""The audit log: append-only and hash-chained.

Each entry's ``digest`` is a keyed hash (HMAC-SHA-256) over the previous
entry's digest and this entry's canonical content, so changing, removing or reordering any entry
breaks every digest after it; ``verify_audit`` finds the first such break.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import models

GENESIS = "0" * 64


class Action(models.TextChoices):
    VIEW = "view", "viewed personal data"
    CHANGE = "change", "changed personal data"
    EXPORT = "export", "exported personal data"
    IMPORT = "import", "imported the register"
    OFFICE = "office", "changed an office"
    PERMISSION = "permission", "changed a permission"
    DENIED = "denied", "was refused access"
    SIGN_IN = "sign_in", "signed in"


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    # PROTECT: an account that appears in the log is closed (deactivated), never deleted.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The actor's email as it was, so the entry still says who after the address changes.
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["subject_type", "subject_id"]), models.Index(fields=["actor", "at"])]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M} {self.actor_label or 'system'} {self.get_action_display()}"

    def canonical(self) -> bytes:
        """The bytes the digest covers. Changing this breaks every existing chain."""
        body = {
            "seq": self.seq,
            "at": self.at.isoformat(timespec="microseconds"),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "detail": self.detail,
        }
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def compute_digest(self) -> str:
        """HMAC-SHA-256 under settings.UNIONHALL_AUDIT_KEY of the previous digest and this entry."""
        message = self.prev_digest.encode() + b"\n" + self.canonical()
        return hmac.new(settings.UNIONHALL_AUDIT_KEY, message, hashlib.sha256).hexdigest()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit entries are append-only")


class AuditHead(models.Model):
    """One row holding the chain's tip. Writers lock it, so entries are chained
    in a single order even with many web processes."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    digest = models.CharField(max_length=64, default=GENESIS)
