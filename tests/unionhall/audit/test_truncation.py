"""Issue 10: the log's tail can be cut without verify_audit noticing when the
head is cut with it. These carry out the attacks as someone with the database
owner's rights (but not the audit key) would, on one chain and on several."""

import json

import pytest
from django.core.management import CommandError, call_command

from unionhall.audit.models import GENESIS, AuditEntry, AuditHead
from unionhall.audit.services import audit_verify_chain, audit_witness_load, audit_witness_publish

from .conftest import guard_lifted, write


@pytest.fixture(params=[1, 4], ids=["one chain", "four chains"])
def forty(request, db, chains):
    chains(request.param)
    return write(40)


def cut_tail(n: int) -> None:
    """Delete the n newest entries, whichever chains they are in."""
    newest = list(AuditEntry.objects.order_by("-seq").values_list("pk", flat=True)[:n])
    AuditEntry.objects.filter(pk__in=newest).delete()


def rewind_heads() -> None:
    """Put each head back on what is now its chain's last entry, as if the cut entries had never been."""
    for head in AuditHead.objects.all():
        tip = AuditEntry.objects.filter(chain=head.chain).order_by("-chain_seq").first()
        AuditHead.objects.filter(chain=head.chain).update(chain_seq=tip.chain_seq if tip else 0, digest=tip.digest if tip else GENESIS)


def verify_with(path):
    return audit_verify_chain(witnesses=[audit_witness_load(path)])


def test_deleting_the_last_30_entries_and_the_heads_is_caught(forty, tmp_path):
    witness = audit_witness_publish(to=tmp_path)
    with guard_lifted():
        cut_tail(30)
        AuditHead.objects.all().delete()
    report = audit_verify_chain()
    assert not report.ok and "entries but no head" in report.reason
    assert not verify_with(witness.path).ok
    with pytest.raises(CommandError, match="but no head"):
        call_command("verify_audit")


def test_deleting_the_last_30_entries_and_rewinding_the_heads_is_caught_by_a_witness(forty, tmp_path):
    witness = audit_witness_publish(to=tmp_path)
    with guard_lifted():
        cut_tail(30)
        rewind_heads()
    # Nothing inside the database can tell this log from a shorter one...
    assert audit_verify_chain().ok
    # ...but the statement kept outside it can.
    report = verify_with(witness.path)
    assert not report.ok and "is shorter than the witness of" in report.reason
    with pytest.raises(CommandError, match="is shorter than the witness"):
        call_command("verify_audit", "--witness", str(witness.path))


def test_emptying_the_log_and_the_heads_is_caught_by_a_witness(forty, tmp_path, capsys):
    audit_witness_publish(to=tmp_path)
    with guard_lifted():
        AuditEntry.objects.all().delete()
        AuditHead.objects.all().delete()
    call_command("verify_audit")  # without a witness: "intact: 0 entries", and a warning that this proves little
    assert "audit chain intact: 0 entries" in capsys.readouterr().out
    with pytest.raises(CommandError, match="chain 0 is shorter than the witness .* it ends at its entry 0"):
        call_command("verify_audit", "--witness", str(tmp_path))


def test_a_log_cut_and_written_on_past_the_witness_differs_from_it(forty, tmp_path):
    witness = audit_witness_publish(to=tmp_path)
    with guard_lifted():
        cut_tail(30)
        rewind_heads()
    write(80, start=100)  # the site carries on, and every chain grows past what was witnessed
    assert audit_verify_chain().ok
    report = verify_with(witness.path)
    assert not report.ok and "is not the one witnessed" in report.reason


def test_cutting_one_chain_behind_a_witness_recorded_in_the_log_is_caught_without_the_file(db, chains, tmp_path):
    """Each chain records every chain's head when witnessed, so one chain cut
    back (head and all) is caught by the others even without the statement."""
    chains(4)
    write(40)
    audit_witness_publish(to=tmp_path)
    write(8, start=41)
    with guard_lifted():
        AuditEntry.objects.filter(chain=2, chain_seq__gt=5).delete()
        rewind_heads()
    report = audit_verify_chain()
    assert not report.ok and report.chain == 2 and "saw entry 10: its end was cut" in report.reason


def test_a_witness_statement_edited_to_match_a_cut_log_is_refused(forty, tmp_path):
    witness = audit_witness_publish(to=tmp_path)
    with guard_lifted():
        cut_tail(30)
        rewind_heads()
    statement = json.loads(witness.path.read_text())
    for item in statement["chains"]:
        head = AuditHead.objects.get(chain=item["chain"])
        item["seq"], item["digest"] = head.chain_seq, head.digest
    witness.path.write_text(json.dumps(statement))
    with pytest.raises(CommandError, match="witness statement refused: .* MAC does not match"):
        call_command("verify_audit", "--witness", str(witness.path))
