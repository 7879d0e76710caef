"""Migration 0003 moves a log written with one head over to chains without
breaking it: its entries keep their digests and become chain 0, whose head
carries on."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from unionhall.audit.models import GENESIS, Action, AuditEntry, AuditHead
from unionhall.audit.services import audit_heads_ensure, audit_verify_chain, audit_witness_load, audit_witness_publish

from .conftest import write

BEFORE = [("audit", "0002_head_and_append_only")]


def legacy_digest(prev: str, body: dict) -> str:
    """The digest as the single-head code computed it, copied here so the test
    does not lean on the model's canonical form it is checking."""
    content = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hmac.new(settings.UNIONHALL_AUDIT_KEY, prev.encode() + b"\n" + content, hashlib.sha256).hexdigest()


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return [key for key in MigrationExecutor(connection).loader.graph.leaf_nodes() if key[0] == "audit"]


@pytest.fixture
def legacy_log(transactional_db):
    """Five entries and the one head, written at migration 0002 as the old code did."""
    old = migrate(BEFORE)
    try:
        Entry, Head = old.get_model("audit", "AuditEntry"), old.get_model("audit", "AuditHead")
        prev = GENESIS
        at = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)
        for seq in range(1, 6):
            body = {"seq": seq, "at": at.isoformat(timespec="microseconds"), "actor": None, "actor_label": "",
                    "action": "view", "subject_type": "members.member", "subject_id": str(seq), "detail": {"n": seq}}  # fmt: skip
            digest = legacy_digest(prev, body)
            Entry.objects.create(seq=seq, at=at, action="view", subject_type="members.member", subject_id=str(seq),
                                 detail={"n": seq}, prev_digest=prev, digest=digest)  # fmt: skip
            prev = digest
        Head.objects.filter(id=1).update(seq=5, digest=prev)
    finally:
        migrate(latest())
    return prev


def test_a_log_from_before_chains_verifies_as_chain_0_and_carries_on(legacy_log, settings, tmp_path):
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [(e.version, e.chain, e.chain_seq, e.seq) for e in entries] == [(1, 0, k, k) for k in range(1, 6)]
    assert AuditHead.objects.filter(chain=0, chain_seq=5, digest=legacy_log).exists()
    assert audit_verify_chain().ok and audit_verify_chain().checked == 5

    settings.UNIONHALL_AUDIT_CHAINS = 1
    audit_heads_ensure()
    [next_one] = write(1, start=6)
    assert (next_one.version, next_one.chain, next_one.chain_seq, next_one.seq) == (2, 0, 6, 6)
    assert next_one.prev_digest == legacy_log and next_one.action == Action.VIEW
    witness = audit_witness_publish(to=tmp_path)
    report = audit_verify_chain(witnesses=[audit_witness_load(witness.path)])
    assert report.ok and report.checked == 7


def test_going_back_is_refused_once_entries_are_written_in_chains(legacy_log, settings):
    settings.UNIONHALL_AUDIT_CHAINS = 2
    audit_heads_ensure()
    write(2, start=6)
    with pytest.raises(RuntimeError, match="single-chain code cannot verify them"):
        migrate(BEFORE)
    assert audit_verify_chain().ok
