"""unionhall-credentials, the credential authority's tool: keygen, generate, replace."""
from __future__ import annotations

import csv
import json

import pytest

from votecrypt import api, credential_cli as cli, credentials as cr
from votecrypt.record import roll_commitment


@pytest.fixture
def roll_file(tmp_path):
    manifest = api.make_manifest("cli-2026", "Tool test", [{"id": "strike", "title": "Strike?",
                                                            "options": ["Yes", "No"]}], 1, 1)
    voters = [[f"m{i:07d}", "north" if i % 2 else ""] for i in range(12)]
    roll = {"manifest": manifest, "voters": voters, "roll_size": 12, "roll_commitment": roll_commitment(voters).hex()}
    p = tmp_path / "roll.json"
    p.write_text(json.dumps(roll))
    return p, roll


@pytest.fixture
def authority(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("UNIONHALL_CREDENTIALS_PASSPHRASE", "correct horse battery")
    key = tmp_path / "authority.json"
    assert cli.main(["keygen", "--key", str(key)]) == 0
    public = capsys.readouterr().out.split(": ")[1].strip()
    return key, public


def test_generate_then_replace(tmp_path, roll_file, authority, capsys):
    roll_path, roll = roll_file
    key, public = authority
    pub, priv = tmp_path / "public.json", tmp_path / "codes.csv"
    assert cli.main(["generate", str(roll_path), "--key", str(key), "--public", str(pub), "--private", str(priv)]) == 0
    out = json.loads(pub.read_text())
    F = bytes.fromhex(api.fingerprint(roll["manifest"]))
    creds = [bytes.fromhex(p) for p in out["list"]]
    assert out["list"] == sorted(out["list"]) and len(set(out["list"])) == 12
    assert out["authority"] == public
    assert cr.verify_list(F, bytes.fromhex(roll["roll_commitment"]), 12, creds, bytes.fromhex(public), out["signature"])
    assert "m0000001" not in pub.read_text()  # unlinked: no alias in the public file
    rows = list(csv.reader(priv.open()))
    assert rows[0] == ["alias", "code"] and len(rows) == 13
    assert sorted(cr.public_credential(F, code) for _, code in rows[1:]) == creds
    assert (priv.stat().st_mode & 0o777) == 0o600

    rev = tmp_path / "revocation.json"
    old_code = rows[3][1]
    assert cli.main(["replace", str(roll_path), "--key", str(key), "--private", str(priv), "--alias", rows[3][0],
                     "--reason", "letter lost in the post", "--out", str(rev)]) == 0
    r = json.loads(rev.read_text())
    new_code = dict(list(csv.reader(priv.open()))[1:])[rows[3][0]]
    assert new_code != old_code and new_code in capsys.readouterr().out
    assert r["credential"] == cr.public_credential(F, old_code).hex()
    assert r["replacement"] == cr.public_credential(F, new_code).hex()
    assert cr.verify_revocation(F, bytes.fromhex(r["credential"]), bytes.fromhex(r["replacement"]), r["reason"],
                                bytes.fromhex(public), r["signature"])


def test_refuses_a_roll_whose_commitment_does_not_match(tmp_path, roll_file, authority, capsys):
    roll_path, roll = roll_file
    key, _ = authority
    roll["voters"].append(["m9999999", ""])  # the server slipped in a voter after publishing the commitment
    roll["roll_size"] = 13
    roll_path.write_text(json.dumps(roll))
    assert cli.main(["generate", str(roll_path), "--key", str(key), "--public", str(tmp_path / "p.json"),
                     "--private", str(tmp_path / "c.csv")]) == 1
    assert "commitment does not match" in capsys.readouterr().err
    assert not (tmp_path / "p.json").exists() and not (tmp_path / "c.csv").exists()


def test_wrong_passphrase(tmp_path, roll_file, authority, monkeypatch, capsys):
    roll_path, _ = roll_file
    key, _ = authority
    monkeypatch.setenv("UNIONHALL_CREDENTIALS_PASSPHRASE", "not the passphrase")
    assert cli.main(["generate", str(roll_path), "--key", str(key), "--public", str(tmp_path / "p.json"),
                     "--private", str(tmp_path / "c.csv")]) == 1
    assert "cannot open the authority key" in capsys.readouterr().err


def test_issue_a_code_for_a_member_added_after_the_freeze(tmp_path, roll_file, authority, capsys):
    roll_path, roll = roll_file
    key, public = authority
    pub, priv = tmp_path / "public.json", tmp_path / "codes.csv"
    assert cli.main(["generate", str(roll_path), "--key", str(key), "--public", str(pub), "--private", str(priv)]) == 0
    out = tmp_path / "issue.json"
    args = ["issue", str(roll_path), "--key", str(key), "--private", str(priv), "--alias", "vlate0001", "--out", str(out)]
    assert cli.main(args) == 0
    issue = json.loads(out.read_text())
    F = bytes.fromhex(api.fingerprint(roll["manifest"]))
    code = dict(list(csv.reader(priv.open()))[1:])["vlate0001"]
    assert issue["credential"] is None and issue["replacement"] == cr.public_credential(F, code).hex()
    assert cr.verify_revocation(F, None, bytes.fromhex(issue["replacement"]), issue["reason"], bytes.fromhex(public), issue["signature"])
    assert cli.main(args) == 1 and "already has a code" in capsys.readouterr().err
    assert cli.main(args[:-4] + ["--alias", "m0000003", "--out", str(out)]) == 1  # on the frozen roll: it has one
