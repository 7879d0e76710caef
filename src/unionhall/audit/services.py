"""Writing and checking the audit log. Call ``audit_record`` inside the same
transaction as the change it records, so both happen or neither does."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from unionhall.audit.models import GENESIS, Action, AuditEntry, AuditHead


def _subject(subject) -> tuple[str, str]:
    if subject is None:
        return "", ""
    if isinstance(subject, tuple):
        return str(subject[0]), str(subject[1])
    return subject._meta.label_lower, str(subject.pk)


@transaction.atomic
def audit_record(*, actor, action: Action | str, subject=None, detail: dict | None = None) -> AuditEntry:
    """Append one entry. ``subject`` is a model instance or a (type, id) pair;
    ``detail`` must be JSON-serialisable and should name fields, not copy values."""
    head = AuditHead.objects.select_for_update().filter(id=1).first()
    if head is None:  # the migration creates it; only an emptied database lacks it
        AuditHead.objects.get_or_create(id=1)
        head = AuditHead.objects.select_for_update().get(id=1)
    subject_type, subject_id = _subject(subject)
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        seq=head.seq + 1,
        at=timezone.now(),
        actor=user,
        actor_label=user.email if user else "",
        action=str(action),
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail or {},
        prev_digest=head.digest,
    )
    entry.digest = entry.compute_digest()
    entry.save()
    AuditHead.objects.filter(id=1).update(seq=entry.seq, digest=entry.digest)
    return entry


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def audit_verify_chain(batch_size: int = 5000) -> ChainReport:
    """Recompute every digest in order. Names the first entry that does not fit:
    a changed entry, a gap (a deleted entry), or a tip that disagrees with the head."""
    prev_digest, expected_seq, checked = GENESIS, 1, 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            return ChainReport(checked, expected_seq, f"entry #{expected_seq} is missing (next is #{entry.seq})")
        if entry.prev_digest != prev_digest:
            return ChainReport(checked, entry.seq, f"entry #{entry.seq} does not link to the entry before it")
        if entry.compute_digest() != entry.digest:
            return ChainReport(checked, entry.seq, f"entry #{entry.seq} was altered after it was written")
        prev_digest, expected_seq, checked = entry.digest, expected_seq + 1, checked + 1
    head = AuditHead.objects.filter(id=1).first()
    if head and (head.seq, head.digest) != (checked, prev_digest):
        return ChainReport(checked, checked + 1, f"entries after #{checked} are missing (the head records #{head.seq})")
    return ChainReport(checked)
