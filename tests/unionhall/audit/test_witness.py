"""Witness statements: every chain's head, signed under the audit key, kept
outside the database, recorded in the log, and checked by verify_audit."""

import json

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from unionhall.audit.models import Action, AuditEntry, AuditHead
from unionhall.audit.services import (
    WITNESS_FORMAT,
    AuditLogBroken,
    WitnessRefused,
    audit_verify_chain,
    audit_witness_load,
    audit_witness_parse,
    audit_witness_publish,
)

from .conftest import guard_lifted, write


@pytest.fixture
def log(db, chains):
    chains(3)
    return write(9)


def test_a_statement_names_every_chains_last_entry_and_is_signed(log, tmp_path):
    witness = audit_witness_publish(to=tmp_path)
    assert witness.path.parent == tmp_path and witness.path.name.startswith("audit-witness-")
    statement = json.loads(witness.path.read_text())
    assert statement["format"] == WITNESS_FORMAT == "unionhall-audit-witness/1"
    assert set(statement) == {"format", "site", "witnessed_at", "chains", "mac"}
    written = {(c["chain"], c["seq"], c["digest"], c["entry"]) for c in statement["chains"] if c["seq"]}
    assert written == {(e.chain, e.chain_seq, e.digest, e.seq) for e in log if e.chain_seq == 3}
    assert all(c["seq"] == 0 for c in statement["chains"] if c["chain"] >= 3)  # the other heads, never written to
    loaded = audit_witness_load(witness.path)
    assert loaded.heads[1] == (3, log[7].digest) and loaded.mac == statement["mac"]


def test_the_witness_is_recorded_in_every_chain_writers_use(log, tmp_path):
    witness = audit_witness_publish(to=tmp_path)
    anchors = AuditEntry.objects.filter(action=Action.WITNESS)
    assert sorted(a.chain for a in anchors) == [0, 1, 2] and all(a.chain_seq == 4 for a in anchors)
    detail = anchors[0].detail
    assert detail["mac"] == witness.statement["mac"] and [0, 3, log[6].digest] in detail["heads"]
    assert audit_verify_chain().ok


def test_the_statement_is_handed_to_the_sender_once_recorded(log, settings):
    settings.UNIONHALL_AUDIT_WITNESS_EMAILS = ["auditor@example.org", "trustee@example.org"]
    sent = []

    def send(**message):
        assert AuditEntry.objects.filter(action=Action.WITNESS).exists()  # recorded before it goes
        sent.append(message)

    witness = audit_witness_publish(send=send)
    assert witness.path is None and witness.emailed == ("auditor@example.org", "trustee@example.org")
    [message] = sent
    assert message["to"] == ["auditor@example.org", "trustee@example.org"] and "audit log witness statement" in message["subject"]
    assert audit_witness_parse(json.loads(message["text"])).mac == witness.statement["mac"]


def test_emailing_a_witness_without_a_sender_fails_loudly_and_records_nothing(log, settings):
    settings.UNIONHALL_AUDIT_WITNESS_EMAILS = ["auditor@example.org"]
    with pytest.raises(ImproperlyConfigured, match="needs a sender"):
        audit_witness_publish()
    assert not AuditEntry.objects.filter(action=Action.WITNESS).exists()


def test_the_worker_job_mails_the_statement_through_the_outbox(log, settings, django_capture_on_commit_callbacks):
    from unionhall.jobs.housekeeping import audit_witness
    from unionhall.outbox.models import Message

    settings.UNIONHALL_AUDIT_WITNESS_EMAILS = ["auditor@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        witness = audit_witness()
    [queued] = Message.objects.filter(topic="audit_witness")
    assert queued.address == "auditor@example.org"
    [message] = mail.outbox
    assert audit_witness_parse(json.loads(message.body)).mac == witness.statement["mac"]


def test_the_directory_setting_is_used_when_no_path_is_given(log, settings, tmp_path):
    settings.UNIONHALL_AUDIT_WITNESS_DIR = tmp_path
    assert audit_witness_publish().path.parent == tmp_path


def test_a_witness_with_nowhere_to_go_fails_loudly_and_records_nothing(log, settings):
    settings.UNIONHALL_AUDIT_WITNESS_EMAILS = []
    with pytest.raises(ImproperlyConfigured, match="somewhere to go"):
        audit_witness_publish()
    assert not AuditEntry.objects.filter(action=Action.WITNESS).exists()


def test_a_directory_that_does_not_exist_yet_is_made_not_written_as_a_file(log, tmp_path):
    path = audit_witness_publish(to=tmp_path / "witness" / "daily").path
    assert path.parent == tmp_path / "witness" / "daily" and path.suffix == ".json"
    assert audit_witness_publish(to=tmp_path / "witness" / "daily").path != path


def test_a_path_ending_json_is_the_statement_file(log, tmp_path):
    assert audit_witness_publish(to=tmp_path / "today.json").path == tmp_path / "today.json"


def test_addresses_given_as_one_string_fail_loudly(log, settings):
    settings.UNIONHALL_AUDIT_WITNESS_EMAILS = "auditor@example.org"
    with pytest.raises(ImproperlyConfigured, match="a list of addresses"):
        audit_witness_publish()


def test_a_witness_never_overwrites_a_statement(log, tmp_path):
    kept = tmp_path / "kept.json"
    kept.write_text("an earlier statement")
    with pytest.raises(FileExistsError):
        audit_witness_publish(to=kept)
    assert kept.read_text() == "an earlier statement"


@pytest.mark.parametrize("damage", ["head deleted", "head rewound"])
def test_a_log_whose_heads_disagree_is_not_witnessed(log, tmp_path, damage):
    with guard_lifted():
        if damage == "head deleted":
            AuditHead.objects.filter(chain=1).delete()
        else:
            AuditHead.objects.filter(chain=1).update(chain_seq=2, digest=log[4].digest)
    with pytest.raises(AuditLogBroken, match="run verify_audit"):
        audit_witness_publish(to=tmp_path)
    assert list(tmp_path.iterdir()) == [] and not AuditEntry.objects.filter(action=Action.WITNESS).exists()


def test_verification_agrees_with_its_witnesses_while_the_log_grows(log, tmp_path, capsys):
    first = audit_witness_publish(to=tmp_path).path
    write(10, start=10)
    second = audit_witness_publish(to=tmp_path).path
    write(5, start=20)
    report = audit_verify_chain(witnesses=[audit_witness_load(first), audit_witness_load(second)])
    assert report.ok and len(report.witnesses) == 2
    call_command("verify_audit", "--witness", str(tmp_path))
    assert "it holds everything 2 witness statements saw; the latest is the witness of" in capsys.readouterr().out


def test_a_head_rewound_behind_entries_that_remain_is_caught(log):
    with guard_lifted():
        AuditHead.objects.filter(chain=2).update(chain_seq=2, digest=log[5].digest)
    report = audit_verify_chain()
    assert not report.ok and "chain 2 has entries beyond its head" in report.reason


@pytest.mark.parametrize(
    "edit, refusal",
    [
        (lambda s: s["chains"][0].update(seq=1), "MAC does not match"),
        (lambda s: s.update(witnessed_at="2020-01-01T00:00:00+00:00"), "MAC does not match"),
        (lambda s: s.pop("mac"), "MAC does not match"),
        (lambda s: s.update(format="unionhall-audit-witness/0"), "not a witness statement in format"),
    ],
    ids=["a head", "the time", "no MAC", "another format"],
)
def test_an_altered_statement_is_refused(log, tmp_path, edit, refusal):
    witness = audit_witness_publish(to=tmp_path)
    statement = json.loads(witness.path.read_text())
    edit(statement)
    witness.path.write_text(json.dumps(statement))
    with pytest.raises(WitnessRefused, match=refusal):
        audit_witness_load(witness.path)


def test_a_statement_signed_under_another_key_is_refused(log, tmp_path, settings):
    real_key = settings.UNIONHALL_AUDIT_KEY
    settings.UNIONHALL_AUDIT_KEY = b"another site's key"
    path = audit_witness_publish(to=tmp_path).path
    settings.UNIONHALL_AUDIT_KEY = real_key
    with pytest.raises(CommandError, match="refused: .* not made with this log's audit key"):
        call_command("verify_audit", "--witness", str(path))


def test_an_unreadable_statement_is_refused(db, tmp_path):
    (tmp_path / "torn.json").write_text('{"format": "unionhall-audit-')
    with pytest.raises(CommandError, match="torn.json: not a readable JSON file"):
        call_command("verify_audit", "--witness", str(tmp_path / "torn.json"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match="no witness statements found"):
        call_command("verify_audit", "--witness", str(tmp_path / "empty"))


def test_the_command_writes_a_statement_and_emails_it(log, tmp_path, settings, capsys):
    settings.UNIONHALL_AUDIT_WITNESS_EMAILS = ["auditor@example.org"]
    call_command("audit_witness", "--to", str(tmp_path))
    out = capsys.readouterr().out
    assert "witnessed 16 chains (9 entries)" in out and "emailed to auditor@example.org" in out
    [path] = tmp_path.iterdir()
    assert f"written to {path}" in out and audit_witness_load(path).heads[0][0] == 3


def test_the_command_fails_without_a_destination(log, settings):
    settings.UNIONHALL_AUDIT_WITNESS_EMAILS = []
    with pytest.raises(CommandError, match="no witness statement made"):
        call_command("audit_witness", "--no-email")
