"""The verifier's credential checks (spec §10.4), mutation style: for each
check, a record that only it refuses. ``test_each_check_is_needed`` switches
the one check off and shows that record then passes, so removing any check
from verify_credentials.py makes a test fail."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from votecrypt import api, credentials as cr, verify_credentials as vc
from votecrypt.group import mul_base
from votecrypt.record import roll_commitment
from votecrypt.rng import SeededRng

YES_NO = [{"id": "strike", "title": "Strike?", "options": ["Yes", "No"], "min_selections": 1, "max_selections": 1}]
MANIFEST = api.make_manifest("cred-verify", "Credential checks", YES_NO, 2, 2)
KEY, KEYS, PUBLICS = api.run_dkg(MANIFEST, SeededRng("cred-verify-dkg"))
F = bytes.fromhex(api.fingerprint(MANIFEST))
AUTH = SeededRng("authority").scalar()
ROGUE = SeededRng("server's own key").scalar()


def code(name: str) -> str:
    r = SeededRng(f"code/{name}").scalar()
    data = "".join(cr.ALPHABET[(r >> (5 * i)) & 31] for i in range(cr.CODE_DATA))
    return cr.format_code(data + cr._check_char(data))


def pub(name: str) -> bytes:
    return cr.public_credential(F, code(name))


def build(*, frozen=6, voted=(0, 1, 2, 3), signer=None, listed=None, list_size=None, list_roll=None,
          list_key=AUTH, revocations=(), added=0, removed=0, not_counted=(), unsigned=(), mutate=None):
    """A whole record. Voters m0..m{frozen-1} at the freeze, each with code "v{i}";
    ``voted``: who cast (signing with ``signer.get(i, f"v{i}")``); ``listed``: the
    authority's list (default: one per frozen voter); ``revocations``: (old, new|None, reason, key)."""
    signer = signer or {}
    frozen_roll = {f"m{i}": ("north" if i % 2 else "") for i in range(frozen)}
    roll = dict(frozen_roll)
    changes = []
    for k in range(added):
        roll[f"x{k}"] = ""
        changes.append({"alias": f"x{k}", "change": "added", "reason": "joined late"})
    for k in range(removed):
        del roll[f"m{frozen - 1 - k}"]
        changes.append({"alias": f"m{frozen - 1 - k}", "change": "removed", "reason": "left the company"})
    listed = [pub(f"v{i}") for i in range(frozen)] if listed is None else listed
    size = len(frozen_roll) if list_size is None else list_size
    rc = roll_commitment(sorted([a, r] for a, r in frozen_roll.items())) if list_roll is None else list_roll
    board, signed = [], {}
    for i in voted:
        alias = i if isinstance(i, str) else f"m{i}"  # a string: a voter added after the freeze
        bit = i % 2 if isinstance(i, int) else 1
        ballot, _ = api.encrypt_ballot(MANIFEST, KEY, alias, [[bit, 1 - bit]], SeededRng(f"ballot/{i}"))
        entry = api.board_entry(MANIFEST, KEY, ballot, roll[alias])
        board.append(entry)
        who = signer.get(i, f"v{i}")
        if isinstance(who, int):  # a raw key (the server's own)
            fp = bytes.fromhex(api.ballot_fingerprint(MANIFEST, KEY, ballot))
            s = {"credential": mul_base(who).hex(), "signature": cr.sign_ballot(F, fp, who)}
        else:
            s = cr.sign_ballot_json(MANIFEST, KEY, ballot, code(who), SeededRng(f"sig/{i}"))
        if i not in unsigned:
            signed[entry["tracker"]] = s
    tallies = api.tally(MANIFEST, KEY, board)
    shares = {t["area"]: [api.decryption_share(MANIFEST, KEY, k, t, SeededRng("d")) for k in KEYS] for t in tallies}
    revs = [{"credential": old.hex() if old else None, "replacement": new.hex() if new else None, "reason": why,
             "signature": cr.sign_revocation(F, old, new, why, key)} for old, new, why, key in revocations]
    creds = {"authority_name": "Fairvote Scrutineers (fictional)", "authority_key": mul_base(AUTH).hex(),
             "roll_commitment": rc.hex(), "roll_size": size, "list": [p.hex() for p in listed],
             "signature": cr.sign_list(F, rc, size, listed, list_key), "revocations": revs, "signed": signed}
    if unsigned:  # the record's builder needs every counted ballot signed: leave the unsigned one out after
        creds["signed"] = {**signed, **{e["tracker"]: {"credential": "", "signature": []} for e in board
                                        if e["tracker"] not in signed}}
    rec = api.build_record(MANIFEST, KEY, PUBLICS, roll, board, tallies, shares, roll_changes=changes,
                           not_counted=list(not_counted), credentials=creds)
    if unsigned:
        rec["credentials"]["ballots"] = [b for b in rec["credentials"]["ballots"] if b["credential"]]
    if mutate:
        mutate(rec)
    return json.loads(json.dumps(rec))


def verify(rec):
    return api.verify_record(rec)


def test_a_signed_record_verifies():
    r = verify(build())
    assert r.ok, (r.failed, r.detail)
    assert any(c.startswith("credentials: 4 counted ballots signed by 4 credentials") for c in r.checks)


def test_replacement_after_revocation_verifies():
    """m1 lost their code: revoked with a replacement, and m1 voted with the new one."""
    r = verify(build(signer={1: "new1"}, revocations=[(pub("v1"), pub("new1"), "letter lost", AUTH)]))
    assert r.ok, (r.failed, r.detail)


def test_a_voter_removed_or_added_after_the_freeze_still_verifies():
    """The removed member's credential stays on the list (the authority cannot
    know); the added one has none yet. Neither is a reason to refuse."""
    for rec in (build(removed=1), build(added=1, voted=(0, 1))):
        r = verify(rec)
        assert r.ok, (r.failed, r.detail)


def test_a_credential_issued_for_an_added_voter_verifies_and_one_too_many_does_not(monkeypatch):
    """``"credential": null`` issues a credential for a voter added after the
    freeze: as many as were added, and no more (only that check refuses)."""
    issue = [(None, pub("x0"), "added to the roll after it froze", AUTH)]
    r = verify(build(added=1, revocations=issue, voted=(0, 1, "x0"), signer={"x0": "x0"}))
    assert r.ok, (r.failed, r.detail)
    too_many = build(added=1, revocations=issue + [(None, pub("x1"), "added", AUTH)])
    r = verify(too_many)
    assert r.failed == "credentials.revocations[1].credential" and "more credentials issued" in r.detail
    real = vc._need
    monkeypatch.setattr(vc, "_need", lambda cond, name, detail="": None if name.endswith("].credential") else real(cond, name, detail))
    assert verify(too_many).ok


def test_a_record_without_credentials_verifies_and_says_so():
    rec = build()
    del rec["credentials"]
    r = verify(rec)
    assert r.ok and vc.NO_CREDENTIALS in r.checks
    assert "server did not add ballots" in "\n".join(r.lines())


def _dup(rec):
    lst = rec["credentials"]["list"]
    lst[-1] = lst[-2]


def _unsorted(rec):
    rec["credentials"]["list"].reverse()


# check name (indices dropped) -> the record only that check refuses
BAD = {
    "credentials": lambda: build(mutate=lambda r: r["credentials"].pop("revocations")),
    "credentials.authority": lambda: build(mutate=lambda r: r["credentials"]["authority"].update(key="00" * 32)),
    "credentials.list": lambda: build(mutate=lambda r: r["credentials"]["list"].__setitem__(0, "ff" * 32)),
    "credentials.list.duplicates": lambda: build(
        listed=sorted([pub(f"v{i}") for i in range(5)] + [pub("v4")])),
    "credentials.list.sorted": lambda: build(mutate=_unsorted),
    "credentials.size": lambda: build(added=1, listed=[pub(f"v{i}") for i in range(7)], list_size=6),
    "credentials.roll": lambda: build(list_size=7),
    "credentials.signature": lambda: build(list_key=ROGUE),
    "credentials.revocations.credential": lambda: build(revocations=[(pub("stranger"), None, "typo", AUTH)]),
    "credentials.revocations.replacement": lambda: build(revocations=[(pub("v5"), pub("v4"), "swap", AUTH)]),
    "credentials.revocations.signature": lambda: build(revocations=[(pub("v5"), pub("n5"), "lost", ROGUE)]),
    "credentials.revocations": lambda: build(revocations=[(pub("v5"), pub("n5"), " ", AUTH)]),
    "credentials.ballots": lambda: build(mutate=lambda r: r["credentials"]["ballots"].pop()),
    "credentials.ballots#entry": lambda: build(mutate=lambda r: r["credentials"]["ballots"][1].update(note="extra")),
    "credentials.ballots.tracker": lambda: build(
        mutate=lambda r: r["credentials"]["ballots"][0].update(tracker="AAAA-AAAA-AAAA-AAAA")),
    "credentials.ballots.credential": lambda: build(voted=(0, 1, 2, 3, 5), signer={5: ROGUE}),
    "credentials.ballots.revoked": lambda: build(revocations=[(pub("v2"), None, "stolen", AUTH)]),
    "credentials.ballots.twice": lambda: build(signer={3: "v0"}),
    "credentials.ballots.signature": lambda: build(mutate=lambda r: r["credentials"]["ballots"].__setitem__(
        0, {**r["credentials"]["ballots"][0], "signature": r["credentials"]["ballots"][1]["signature"],
            "credential": r["credentials"]["ballots"][0]["credential"]})),
}


def _name(check: str) -> str:
    return re.sub(r"\[\d+\]", "", check)


@pytest.mark.parametrize("check", sorted(BAD))
def test_each_check_refuses_its_record(check):
    r = verify(BAD[check]())
    assert not r.ok and _name(r.failed) == check.split("#")[0], (r.failed, r.detail)


# decoding a point is not a condition to switch off: without it there is no point to check
@pytest.mark.parametrize("check", sorted(c for c in BAD if c not in ("credentials", "credentials.authority", "credentials.list")))
def test_each_check_is_needed(check, monkeypatch):
    """With this one check switched off, its record passes: nothing else catches it."""
    real = vc._need

    def need(cond, name, detail=""):
        if _name(name) != check.split("#")[0]:
            real(cond, name, detail)

    monkeypatch.setattr(vc, "_need", need)
    r = verify(BAD[check]())
    assert r.ok, (check, r.failed, r.detail)


def test_a_ballot_the_server_added_without_a_credential_fails():
    """Full database access, no credential: the server signs with a key of its
    own; or leaves the ballot unsigned. Both fail."""
    r = verify(BAD["credentials.ballots.credential"]())
    assert _name(r.failed) == "credentials.ballots.credential" and "not on the authority's list" in r.detail
    r = verify(build(unsigned=(2,)))
    assert r.failed == "credentials.ballots" and "one signature per counted ballot" in r.detail


def test_signature_checks_in_worker_processes_report_the_first_bad_ballot():
    rec = build(voted=tuple(range(6)))
    rec["credentials"]["ballots"][4]["signature"] = rec["credentials"]["ballots"][3]["signature"]
    rec["credentials"]["ballots"][5]["signature"] = rec["credentials"]["ballots"][3]["signature"]
    r = api.verify_record(rec, workers=2)
    assert r.failed == "credentials.ballots[4].signature"


def test_roll_commitment_from_the_invitation(tmp_path):
    rec = build()
    path = tmp_path / "record.json"
    path.write_text(json.dumps(rec))
    good = rec["roll"]["commitment"]
    run = lambda *a: subprocess.run([sys.executable, "-m", "votecrypt.cli", str(path), *a],  # noqa: E731
                                    capture_output=True, text=True)
    assert run("--roll-commitment", good.upper()).returncode == 0
    bad = run("--roll-commitment", "0" * 64)
    assert bad.returncode == 1 and "FAIL roll.commitment: differs from the commitment you were given" in bad.stdout
    # a voter added after the freeze: the record's roll changed, the signed frozen commitment did not
    rec2 = build(added=1)
    assert vc.check_roll_commitment(rec2, rec2["credentials"]["roll_commitment"]) is None
    assert vc.check_roll_commitment(rec2, rec2["roll"]["commitment"]) is not None
