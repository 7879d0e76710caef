"""Within a chain the audit log is append-only and hash-chained; verify_audit
names the first entry that was altered, removed or reordered. These run on a
single chain (UNIONHALL_AUDIT_CHAINS = 1), the log as it was before chains."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from unionhall.audit.models import GENESIS, AuditEntry, AuditHead
from unionhall.audit.services import audit_verify_chain

from .conftest import guard_lifted, write


@pytest.fixture
def chain(db, chains):
    chains(1)
    return write(5)


def test_entries_link_to_the_one_before(chain):
    assert chain[0].prev_digest == GENESIS
    assert all(later.prev_digest == earlier.digest for earlier, later in zip(chain, chain[1:]))
    assert [(e.chain, e.chain_seq) for e in chain] == [(0, 1), (0, 2), (0, 3), (0, 4), (0, 5)]
    assert [e.seq for e in chain] == sorted(e.seq for e in chain) and len({e.seq for e in chain}) == 5
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
        AuditEntry.objects.filter(seq=chain[1].seq).update(detail={"n": 99})
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=chain[1].seq).delete()
    assert AuditEntry.objects.get(seq=chain[1].seq).detail == {"n": 2}


def test_the_database_refuses_to_move_a_head_back_or_delete_it(chain):
    with pytest.raises(Exception, match="only move forward"), transaction.atomic():
        AuditHead.objects.filter(chain=0).update(chain_seq=4, digest=chain[3].digest)
    with pytest.raises(Exception, match="only move forward"), transaction.atomic():
        AuditHead.objects.filter(chain=0).update(digest=chain[3].digest)
    with pytest.raises(Exception, match="only move forward"), transaction.atomic():
        AuditHead.objects.filter(chain=0).delete()
    assert AuditHead.objects.filter(chain=0, chain_seq=5, digest=chain[4].digest).exists()


def test_a_tampered_row_is_named(chain):
    third = chain[2].seq
    with guard_lifted():
        AuditEntry.objects.filter(seq=third).update(detail={"n": 999})
    report = audit_verify_chain()
    assert (report.ok, report.broken_seq) == (False, third)
    with pytest.raises(CommandError, match=f"audit chain broken at entry #{third}: entry #{third} was altered"):
        call_command("verify_audit")


def test_a_row_rewritten_with_a_fresh_digest_breaks_the_next_link(chain):
    with guard_lifted():
        entry = AuditEntry.objects.get(seq=chain[1].seq)
        entry.actor_label = "someone else"
        AuditEntry.objects.filter(seq=entry.seq).update(actor_label="someone else", digest=entry.compute_digest())
    report = audit_verify_chain()
    assert report.broken_seq == chain[2].seq and "does not link" in report.reason


def test_a_deleted_row_is_named(chain):
    with guard_lifted():
        AuditEntry.objects.filter(seq=chain[3].seq).delete()
    report = audit_verify_chain()
    assert "chain 0 is missing its entry 4" in report.reason and report.broken_seq == chain[4].seq


def test_removing_the_newest_entries_is_caught_by_the_head(chain):
    with guard_lifted():
        AuditEntry.objects.filter(seq=chain[4].seq).delete()
    report = audit_verify_chain()
    assert not report.ok and "ends at its entry 4 but its head records entry 5" in report.reason


def test_the_head_follows_the_tip(chain):
    head = AuditHead.objects.get(chain=0)
    assert (head.chain_seq, head.digest) == (5, chain[-1].digest)


def test_a_chain_rebuilt_without_the_key_does_not_verify(chain, settings):
    """Someone with the database but not AUDIT_KEY recomputes every digest: caught."""
    real_key = settings.UNIONHALL_AUDIT_KEY
    settings.UNIONHALL_AUDIT_KEY = b"a key the attacker guessed"
    with guard_lifted():
        prev = GENESIS
        for entry in AuditEntry.objects.order_by("seq"):
            entry.prev_digest = prev
            AuditEntry.objects.filter(pk=entry.pk).update(prev_digest=prev, digest=entry.compute_digest())
            prev = entry.compute_digest()
        AuditHead.objects.filter(chain=0).update(digest=prev)
    settings.UNIONHALL_AUDIT_KEY = real_key
    assert audit_verify_chain().broken_seq == chain[0].seq
