"""Several chains, so audited writes do not queue on one head: where writes
land, that readers still see one order, and that every chain is checked."""

import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, transaction

from unionhall.audit import services
from unionhall.audit.models import GENESIS, Action, AuditEntry, AuditHead
from unionhall.audit.services import AuditLogBroken, audit_chain_count, audit_heads_ensure, audit_record, audit_verify_chain

from .conftest import guard_lifted, write


def test_writes_spread_over_the_chains_and_each_chain_links_in_itself(db, chains):
    chains(4)
    entries = write(12)
    assert [e.chain for e in entries] == [0, 1, 2, 3] * 3
    for c in range(4):
        own = [e for e in entries if e.chain == c]
        assert [e.chain_seq for e in own] == [1, 2, 3]
        assert own[0].prev_digest == GENESIS and own[1].prev_digest == own[0].digest and own[2].prev_digest == own[1].digest
        assert AuditHead.objects.filter(chain=c, chain_seq=3, digest=own[-1].digest).exists()
    report = audit_verify_chain()
    assert report.ok and report.checked == 12 and report.chains == services.DEFAULT_CHAINS  # every head, written to or not


def test_readers_see_one_order_by_seq_across_chains(db, chains):
    chains(3)
    entries = write(7)
    assert [e.seq for e in entries] == sorted({e.seq for e in entries})
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [e.pk for e in entries]
    assert AuditEntry.objects.filter(action=Action.VIEW).last().detail == {"n": 7}


def test_one_chain_puts_every_write_on_chain_0(db, settings):
    settings.UNIONHALL_AUDIT_CHAINS = 1
    assert {e.chain for e in write(5)} == {0}


def test_a_transaction_that_writes_twice_keeps_to_one_chain(db, settings):
    settings.UNIONHALL_AUDIT_CHAINS = 16
    audit_heads_ensure()
    with transaction.atomic():
        first = audit_record(actor=None, action=Action.CHANGE, subject=("members.member", 1))
        second = audit_record(actor=None, action=Action.CHANGE, subject=("members.member", 1))
    assert first.chain == second.chain and second.chain_seq == first.chain_seq + 1


@pytest.mark.parametrize("bad", [0, -1, 257, "4", True, 2.0])
def test_a_bad_chain_count_fails_loudly(settings, bad):
    settings.UNIONHALL_AUDIT_CHAINS = bad
    with pytest.raises(ImproperlyConfigured, match="UNIONHALL_AUDIT_CHAINS"):
        audit_chain_count()


def test_migrating_gives_every_chain_a_head(db, settings):
    """The test database was migrated with the default count."""
    assert set(AuditHead.objects.values_list("chain", flat=True)) >= set(range(services.DEFAULT_CHAINS))
    settings.UNIONHALL_AUDIT_CHAINS = services.DEFAULT_CHAINS + 4
    audit_heads_ensure()
    assert AuditHead.objects.filter(chain=services.DEFAULT_CHAINS + 3, chain_seq=0, digest=GENESIS).exists()


def test_fewer_chains_retire_the_others_which_are_still_verified(db, chains):
    chains(4)
    write(8)
    chains(2)
    later = write(4)
    assert {e.chain for e in later} == {0, 1}
    assert AuditHead.objects.get(chain=3).chain_seq == 2
    assert audit_verify_chain().ok and audit_verify_chain().checked == 12
    with guard_lifted():
        AuditEntry.objects.filter(chain=3, chain_seq=1).update(detail={"n": 0})
    assert audit_verify_chain().chain == 3


def test_an_entry_moved_to_another_chain_is_caught(db, chains):
    """Relabelling an entry's chain and place (without the key) breaks both chains."""
    chains(2)
    entries = write(4)  # chains 0, 1, 0, 1
    with guard_lifted():
        AuditEntry.objects.filter(pk=entries[2].pk).update(chain=1, chain_seq=3)
        AuditHead.objects.filter(chain=0).update(chain_seq=1, digest=entries[0].digest)
        AuditHead.objects.filter(chain=1).update(chain_seq=3, digest=entries[2].digest)
    report = audit_verify_chain()
    assert not report.ok and report.chain == 1


def test_a_headless_chain_is_never_given_a_fresh_head(db, chains):
    """A fresh head would start the chain again at its beginning, hiding that
    the old one was deleted."""
    chains(2)
    write(4)
    with guard_lifted():
        AuditHead.objects.filter(chain=1).delete()
    audit_heads_ensure()
    assert not AuditHead.objects.filter(chain=1).exists()
    with pytest.raises(AuditLogBroken, match="chain 1 has entries but no head"), transaction.atomic():
        services._wait_for_head(1)
    assert "chain 1 has 2 entries but no head" in audit_verify_chain().reason


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL's row locks")
def test_concurrent_writers_each_in_their_own_transaction_all_land_and_verify(transactional_db, settings):
    """16 writers at once, as 16 requests would: none waits on another's head
    for long, none fails, every chain verifies and seq stays unique."""
    settings.UNIONHALL_AUDIT_CHAINS = 8
    audit_heads_ensure()
    errors, per_writer = [], 25

    def writer(w):
        try:
            for i in range(per_writer):
                audit_record(actor=None, action=Action.VIEW, subject=("members.member", w), detail={"i": i})
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEntry.objects.count() == 16 * per_writer == len(set(AuditEntry.objects.values_list("seq", flat=True)))
    assert len(set(AuditEntry.objects.values_list("chain", flat=True))) > 1
    report = audit_verify_chain()
    assert report.ok and report.checked == 16 * per_writer


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the unlocked way is PostgreSQL's")
def test_a_write_outside_a_transaction_whose_head_moves_after_reading_it_lands_once_after_it(transactional_db, settings, monkeypatch):
    """Outside any transaction a write reads a head without a lock; if another
    writer moves that head before the write's insert, the insert does not
    happen and the write reads the head again."""
    settings.UNIONHALL_AUDIT_CHAINS = 2
    audit_heads_ensure()
    monkeypatch.setattr(services, "_preferred_chain", lambda n: 0)
    build, raced, racers = services._new_entry, threading.Event(), []

    def racing(**entry):
        if not raced.is_set():  # between our read and our insert, another connection appends to chain 0
            raced.set()
            racer = threading.Thread(target=lambda: (racers.append(audit_record(actor=None, action=Action.VIEW, subject=("members.member", 2))), connections.close_all()))
            racer.start()
            racer.join()
        return build(**entry)

    monkeypatch.setattr(services, "_new_entry", racing)
    ours = audit_record(actor=None, action=Action.VIEW, subject=("members.member", 1))
    [theirs] = racers
    assert (theirs.chain, theirs.chain_seq) == (0, 1) and (ours.chain, ours.chain_seq) == (0, 2)
    assert ours.prev_digest == theirs.digest and ours.seq > theirs.seq
    assert AuditEntry.objects.filter(subject_id="1").count() == 1
    report = audit_verify_chain()
    assert report.ok and report.checked == 2
