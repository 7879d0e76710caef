"""A trustee's key share is kept in a passphrase-protected file; the trustee
tool makes decryption shares from it without the server."""

import json

import pytest

from votecrypt import api, keyfile
from votecrypt.trustee_cli import main

FAST = {"ops": 1, "mem": 8192}  # tests only: the default is libsodium's MODERATE


def test_a_sealed_key_opens_only_with_its_passphrase():
    key = {"index": 2, "share": "11" * 32}
    sealed = keyfile.seal(key, "correct horse battery staple", **FAST)
    assert "11" * 32 not in json.dumps(sealed)
    assert keyfile.open_sealed(sealed, "correct horse battery staple") == key
    with pytest.raises(keyfile.KeyFileError, match="wrong passphrase"):
        keyfile.open_sealed(sealed, "incorrect horse battery staple")
    tampered = dict(sealed, box=sealed["box"][:-2] + ("00" if sealed["box"][-2:] != "00" else "01"))
    with pytest.raises(keyfile.KeyFileError, match="wrong passphrase, or the file was changed"):
        keyfile.open_sealed(tampered, "correct horse battery staple")
    with pytest.raises(keyfile.KeyFileError, match="at least 12"):
        keyfile.seal(key, "short", **FAST)


def test_the_trustee_tool_writes_shares_that_verify(tmp_path, monkeypatch, capsys, small_record):
    d = small_record
    tallies = [{k: t[k] for k in ("area", "ballots", "ct")} for t in d["record"]["tallies"]]
    (tmp_path / "tallies.json").write_text(json.dumps({"manifest": d["manifest"], "joint_key": d["key"], "tallies": tallies[:1]}))
    (tmp_path / "key.json").write_text(json.dumps(keyfile.seal(d["keys"][1], "a long trustee passphrase", **FAST)))
    monkeypatch.setenv("UNIONHALL_TRUSTEE_PASSPHRASE", "a long trustee passphrase")
    assert main(["share", str(tmp_path / "tallies.json"), str(tmp_path / "key.json")]) == 0
    shares = json.loads(capsys.readouterr().out)
    assert list(shares) == [""]
    assert api.verify_decryption_share(d["manifest"], d["key"], d["publics"], tallies[0], shares[""])
    monkeypatch.setenv("UNIONHALL_TRUSTEE_PASSPHRASE", "the wrong passphrase!")
    assert main(["share", str(tmp_path / "tallies.json"), str(tmp_path / "key.json")]) == 1
