"""The audit log: append-only and hash-chained, in several chains.

Entries are spread over a few chains so that concurrent writers do not queue
on one row. Within a chain each entry's ``digest`` is a keyed hash
(HMAC-SHA-256) over the previous entry's digest and this entry's canonical
content, so changing, removing or reordering any entry breaks every digest
after it in its chain; ``verify_audit`` finds the first such break. Each chain
has a head row holding its tip, and witness statements kept outside the
database (``audit_witness``) pin every chain's head, so a tail cut together
with its head is caught too. docs/audit-log.md tells the whole story.
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
    WITNESS = "witness", "witnessed the log's heads"


class AuditEntry(models.Model):
    # Readers' order, by time of writing: unique and increasing across all
    # chains, but on PostgreSQL it comes from a sequence, so a rolled-back
    # write leaves a gap. Chains are checked by chain_seq, never by seq.
    seq = models.PositiveBigIntegerField(unique=True)
    # Which chain the entry belongs to, and its place in that chain (1, 2, ...
    # without gaps).
    chain = models.PositiveSmallIntegerField(default=0)
    chain_seq = models.PositiveBigIntegerField()
    # Which canonical form the digest covers: 1 for entries written before
    # there were chains (chain 0, chain_seq equal to seq), 2 since.
    version = models.PositiveSmallIntegerField(default=2)
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
        # Two writers can never take the same place in a chain; it is also the
        # index verification walks.
        constraints = [models.UniqueConstraint(fields=["chain", "chain_seq"], name="audit_entry_chain_position")]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M} {self.actor_label or 'system'} {self.get_action_display()}"

    def canonical(self) -> bytes:
        """The bytes the digest covers. Changing a form breaks every chain
        written in it: add a version instead."""
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
        if self.version != 1:
            # Version 1 predates chains: its place was its seq, which it covers.
            body.update(v=self.version, chain=self.chain, chain_seq=self.chain_seq)
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
    """One row per chain holding the chain's tip. A writer locks the head of
    the chain it appends to, so each chain has a single order even with many
    web processes, while writers on other chains carry on."""

    chain = models.PositiveSmallIntegerField(primary_key=True)
    # The chain_seq of the chain's last entry (0 while it has none).
    chain_seq = models.PositiveBigIntegerField(default=0)
    digest = models.CharField(max_length=64, default=GENESIS)
