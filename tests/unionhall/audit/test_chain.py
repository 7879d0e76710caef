"""The audit log is append-only and hash-chained; verify_audit names the first
entry that was altered, removed or reordered."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from unionhall.audit.guard import remove_guard
from unionhall.audit.models import Action, AuditEntry, AuditHead
from unionhall.audit.services import audit_record, audit_verify_chain


@pytest.fixture
def chain(db):
    return [audit_record(actor=None, action=Action.VIEW, subject=("members.member", i), detail={"n": i}) for i in range(1, 6)]


def drop_append_only_guard():
    """What someone with the database owner's rights could do (the test's
    transaction puts the trigger back when it rolls back)."""
    remove_guard()


def test_entries_link_to_the_one_before(chain):
    assert chain[0].prev_digest == "0" * 64
    assert all(later.prev_digest == earlier.digest for earlier, later in zip(chain, chain[1:]))
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5]
    assert audit_verify_chain().ok and audit_verify_chain().checked == 5


def test_the_command_reports_an_intact_chain(chain, capsys):
    call_command("verify_audit")
    assert "audit chain intact: 5 entries" in capsys.readouterr().out


def test_the_orm_refuses_to_change_or_delete_an_entry(chain):
    with pytest.raises(RuntimeError):
        chain[0].save()
    with pytest.raises(RuntimeError):
        chain[0].delete()


def test_the_database_refuses_to_change_or_delete_an_entry(chain):
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=2).update(detail={"n": 99})
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=2).delete()
    assert AuditEntry.objects.get(seq=2).detail == {"n": 2}


def test_a_tampered_row_is_named(chain):
    drop_append_only_guard()
    AuditEntry.objects.filter(seq=3).update(detail={"n": 999})
    report = audit_verify_chain()
    assert (report.ok, report.broken_seq) == (False, 3)
    with pytest.raises(CommandError, match="audit chain broken at entry #3: entry #3 was altered"):
        call_command("verify_audit")


def test_a_row_rewritten_with_a_fresh_digest_breaks_the_next_link(chain):
    drop_append_only_guard()
    entry = AuditEntry.objects.get(seq=2)
    entry.actor_label = "someone else"
    AuditEntry.objects.filter(seq=2).update(actor_label="someone else", digest=entry.compute_digest())
    report = audit_verify_chain()
    assert report.broken_seq == 3 and "does not link" in report.reason


def test_a_deleted_row_is_named(chain):
    drop_append_only_guard()
    AuditEntry.objects.filter(seq=4).delete()
    assert audit_verify_chain().broken_seq == 4


def test_removing_the_newest_entries_is_caught_by_the_head(chain):
    drop_append_only_guard()
    AuditEntry.objects.filter(seq=5).delete()
    report = audit_verify_chain()
    assert report.broken_seq == 5 and "head records #5" in report.reason


def test_the_head_follows_the_tip(chain):
    head = AuditHead.objects.get(id=1)
    assert (head.seq, head.digest) == (5, chain[-1].digest)


def test_a_chain_rebuilt_without_the_key_does_not_verify(chain, settings):
    """Someone with the database but not AUDIT_KEY recomputes every digest: caught."""
    settings.UNIONHALL_AUDIT_KEY = b"a key the attacker guessed"
    drop_append_only_guard()
    prev = "0" * 64
    for entry in AuditEntry.objects.order_by("seq"):
        entry.prev_digest = prev
        AuditEntry.objects.filter(pk=entry.pk).update(prev_digest=prev, digest=entry.compute_digest())
        prev = entry.compute_digest()
    AuditHead.objects.filter(id=1).update(digest=prev)
    settings.UNIONHALL_AUDIT_KEY = b"the real key"
    assert audit_verify_chain().broken_seq == 1
