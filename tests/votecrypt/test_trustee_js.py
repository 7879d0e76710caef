"""Cross-language tests of the trustee's browser code (booth/src/trustee.js and
sodium.js, built into static/ballots/trustee-crypto.js), run in Debian's
chromium: its proofs, sealed boxes, key files and decryption shares are
accepted by the Python reference (votecrypt, libsodium), Python's are accepted
by it, and a key ceremony mixing the browser and ``unionhall-trustee`` round
by round, trustee by trustee, makes one key that decrypts.

Skipped, saying why, where /usr/bin/chromium is missing."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.votecrypt.test_booth_js import BOOTH, CHROMIUM, Chromium
from votecrypt import api, ceremony_record, keyfile, trustee_cli
from votecrypt.rng import SeededRng

if not CHROMIUM.exists():
    pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "src/unionhall/static/ballots/trustee-crypto.js"
PASSPHRASE = "a long trustee passphrase"
FAST = {"ops": 1, "mem": 8192}  # tests only: the page uses 3 passes over 64 MiB
QUESTIONS = [
    {"id": "strike", "title": "Strike?", "options": ["Yes", "No"], "min_selections": 1, "max_selections": 1},
    {"id": "chair", "title": "Chair", "options": ["Ana", "Ben", "Cy"], "min_selections": 1, "max_selections": 1},
]


@pytest.fixture(scope="module")
def js():
    assert BUNDLE.exists(), f"{BUNDLE} missing: cd booth && npm ci && npm run build"
    c = Chromium(BUNDLE)
    yield c
    c.close()


@pytest.fixture(scope="module")
def election():
    manifest = api.make_manifest("trustee-js", "Trustee JS test", QUESTIONS, 3, 2)
    key, keys, publics = api.run_dkg(manifest, SeededRng("trustee-js"))
    return {"manifest": manifest, "key": key, "keys": keys, "publics": publics}


def call(js, name: str, *args):
    """window.UnionhallTrustee[name](...args), awaited."""
    return js.evaluate("([name, args]) => window.UnionhallTrustee[name](...args)", [name, list(args)])


def refusal(js, name: str, *args) -> str:
    """The message the call fails with ('ok' if it does not)."""
    return js.evaluate("""async ([name, args]) => {
        try { await window.UnionhallTrustee[name](...args); return 'ok'; } catch (e) { return e.message; } }""", [name, list(args)])


@pytest.fixture
def fast_tool(monkeypatch):
    monkeypatch.setattr(keyfile, "OPS", FAST["ops"])
    monkeypatch.setattr(keyfile, "MEM", FAST["mem"])
    monkeypatch.setenv("UNIONHALL_TRUSTEE_PASSPHRASE", PASSPHRASE)


def test_global_api(js):
    names = js.evaluate("() => Object.keys(window.UnionhallTrustee).sort()")
    assert {"keygenStart", "keygenReveal", "keygenShares", "keygenFinish", "ceremonyFingerprint", "decryptionShares"} <= set(names)
    assert js.evaluate("() => window.UnionhallTrustee.keyFileVersion") == keyfile.VERSION


def test_schnorr_proofs_cross_both_ways(js, election):
    m = election["manifest"]
    _, public = call(js, "dkgCommit", m, 2)
    api.dkg_check_public(m, public)  # the browser's proofs verify in Python
    assert call(js, "checkPublic", m, election["publics"][0])  # and Python's in the browser
    relabelled = {**public, "index": 3}  # proofs are bound to the trustee's index
    with pytest.raises(api.TrusteeError, match="bad proof"):
        api.dkg_check_public(m, relabelled)
    assert "bad proof for coefficient 0" in refusal(js, "checkPublic", m, {**election["publics"][0], "index": 3})
    other = api.make_manifest("another", "Another ballot", QUESTIONS, 3, 2)
    with pytest.raises(api.TrusteeError, match="bad proof"):  # and to the ballot
        api.dkg_check_public(other, public)


def test_sealed_boxes_cross_both_ways(js):
    public, secret = keyfile.box_keypair()
    message = "the share for trustee 2"
    assert call(js, "openBox", public, secret, keyfile.seal_to(public, message.encode())) == message
    sealed = call(js, "sealTo", public, message)
    assert keyfile.open_box(public, secret, sealed) == message.encode()
    browser_keys = call(js, "boxKeypair")
    assert keyfile.open_box(browser_keys["public"], browser_keys["secret"], keyfile.seal_to(browser_keys["public"], b"x")) == b"x"
    flipped = sealed[:-2] + ("00" if sealed[-2:] != "00" else "01")
    assert "does not open" in refusal(js, "openBox", public, secret, flipped)
    with pytest.raises(keyfile.KeyFileError):
        keyfile.open_box(public, secret, flipped)


def test_key_files_cross_both_ways(js):
    key = {"index": 2, "share": "2a" * 31 + "00"}
    made_by_python = keyfile.seal(key, PASSPHRASE, **FAST)
    assert call(js, "openFile", made_by_python, PASSPHRASE) == key
    assert refusal(js, "openFile", made_by_python, "not the right passphrase") == "wrong passphrase, or the file was changed"
    # The page's own limits: Python opens what the browser makes by default.
    made_by_browser = call(js, "sealFile", key, PASSPHRASE)
    assert (made_by_browser["ops"], made_by_browser["mem"]) == (keyfile.BROWSER_OPS, keyfile.BROWSER_MEM)
    assert keyfile.open_sealed(made_by_browser, PASSPHRASE) == key
    with pytest.raises(keyfile.KeyFileError, match="wrong passphrase"):
        keyfile.open_sealed(made_by_browser, "not the right passphrase")
    # Absurd limits in a changed file are refused by both before any work.
    greedy = {**made_by_python, "mem": 2**40}
    assert "not a votecrypt key file" in refusal(js, "openFile", greedy, PASSPHRASE)
    with pytest.raises(keyfile.KeyFileError, match="unusual key-derivation limits"):
        keyfile.open_sealed(greedy, PASSPHRASE)
    assert "at least 12" in refusal(js, "sealFile", key, "short", FAST)


def _tally(election):
    m, k = election["manifest"], election["key"]
    choices = [[[1, 0], [0, 1, 0]], [[1, 0], [1, 0, 0]], [[0, 1], [0, 1, 0]]]
    board = [api.board_entry(m, k, api.encrypt_ballot(m, k, f"m{i:07d}", c)[0], "North") for i, c in enumerate(choices)]
    return api.tally(m, k, board)[0]


def test_decryption_shares_cross_both_ways(js, election):
    m, k, publics = election["manifest"], election["key"], election["publics"]
    tally = _tally(election)
    from_browser = call(js, "decryptionShare", m, k, election["keys"][0], tally)
    assert api.verify_decryption_share(m, k, publics, tally, from_browser)
    from_python = api.decryption_share(m, k, election["keys"][2], tally)
    assert call(js, "verifyDecryptionShare", m, k, publics, tally, from_python)
    for share in (from_browser, from_python):  # either proof, moved to another area, fails in both
        moved = {**tally, "area": "North"}
        assert not api.verify_decryption_share(m, k, publics, moved, share)
        assert not call(js, "verifyDecryptionShare", m, k, publics, moved, share)
    counts = api.combine_shares(m, tally, [from_browser, from_python])
    assert api.option_counts(m, counts, 3) == [[2, 1], [1, 2, 0]]


class Relay:
    """The server's part of the ceremony, as ballots.ceremony does it: what each
    trustee posted, and each trustee's download for the round."""

    def __init__(self, manifest):
        self.manifest, self.digests, self.round1, self.sealed = manifest, {}, {}, {}

    def download(self, index: int) -> dict:
        data = {"manifest": self.manifest, "index": index}
        if len(self.digests) == self.manifest["trustees"]:
            data["digests"] = [{"index": i, **self.digests[i]} for i in sorted(self.digests)]
        if len(self.round1) == self.manifest["trustees"]:
            data["trustees"] = [{"index": i, **self.round1[i], **self.digests[i]} for i in sorted(self.round1)]
        if len(self.sealed) == self.manifest["trustees"]:
            data["shares_for_me"] = {str(i): s[str(index)] for i, s in self.sealed.items() if i != index}
        return data


def test_a_ceremony_mixing_browser_and_command_line_round_by_round(js, election, tmp_path, fast_tool):
    """Trustee 1 uses the browser throughout, trustee 2 the tool then the
    browser, trustee 3 the browser then the tool: one key, and it decrypts."""
    m = election["manifest"]
    relay = Relay(m)
    states = {i: tmp_path / f"state-{i}.json" for i in (1, 2, 3)}
    for i in (1, 3):
        r = call(js, "keygenStart", relay.download(i), PASSPHRASE, FAST)
        states[i].write_text(json.dumps(r["stateFile"]))
        relay.digests[i] = r["upload"]
        assert set(r["upload"]) == {"commitment_digest", "seed_commitment"}  # round 1 shows no commitment
    relay.digests[2] = trustee_cli.keygen_start(relay.download(2), str(states[2]))
    # Round 2: the browser reveals from the tool's state file and the other way round.
    relay.round1[1] = call(js, "keygenReveal", relay.download(1), json.loads(states[1].read_text()), PASSPHRASE)["upload"]
    relay.round1[2] = call(js, "keygenReveal", relay.download(2), json.loads(states[2].read_text()), PASSPHRASE)["upload"]
    relay.round1[3] = trustee_cli.keygen_reveal(relay.download(3), str(states[3]))
    for i in (1, 2, 3):  # every reveal matches its digest, whichever side computed it
        assert ceremony_record.commitment_digest(m, relay.round1[i]["public"]) == relay.digests[i]["commitment_digest"]

    fingerprints = set()
    r = call(js, "keygenShares", relay.download(1), json.loads(states[1].read_text()), PASSPHRASE)
    relay.sealed[1] = r["upload"]["shares"]
    fingerprints.add(r["fingerprint"])
    for i in (2, 3):  # trustee 3's state file was made by the browser
        out = trustee_cli.keygen_shares(relay.download(i), str(states[i]))
        relay.sealed[i] = out["shares"]
        fingerprints.add(out["fingerprint"])
    assert len(fingerprints) == 1 and fingerprints == {trustee_cli.ceremony_fingerprint(relay.download(1))}

    keys, joint_keys = {}, set()
    for i in (1, 2):  # trustee 2's state file was made by the tool
        r = call(js, "keygenFinish", relay.download(i), json.loads(states[i].read_text()), PASSPHRASE, FAST)
        keys[i] = r["keyFile"]
        joint_keys.add(r["upload"]["joint_key"])
        assert r["upload"]["fingerprint"] in fingerprints
    joint_keys.add(trustee_cli.keygen_finish(relay.download(3), str(states[3]), str(tmp_path / "key-3.json"))["joint_key"])
    keys[3] = json.loads((tmp_path / "key-3.json").read_text())
    expected = api.joint_key(m, [relay.round1[i]["public"] for i in (1, 2, 3)])
    assert joint_keys == {expected}

    # The key decrypts: trustee 2 in the browser (its key file made there),
    # trustee 3 in the browser from the tool's key file; Python checks and combines.
    publics = [relay.round1[i]["public"] for i in (1, 2, 3)]
    ballot = {"manifest": m, "key": expected, "keys": None, "publics": publics}
    tally = _tally(ballot)
    tallies = {"manifest": m, "joint_key": expected, "tallies": [tally]}
    posted = {i: call(js, "decryptionShares", tallies, keys[i], PASSPHRASE) for i in (2, 3)}
    for i in (2, 3):  # each key file carries the tie-lot value committed to in round 1, browser- or tool-made
        assert ceremony_record.seed_commitment(m, i, posted[i]["seed_reveal"]) == relay.digests[i]["seed_commitment"]
    shares = [posted[i][""] for i in (2, 3)]
    assert all(api.verify_decryption_share(m, expected, publics, tally, s) for s in shares)
    assert api.option_counts(m, api.combine_shares(m, tally, shares), 3) == [[2, 1], [1, 2, 0]]
    assert keyfile.open_sealed(keys[1], PASSPHRASE)["index"] == 1  # the browser's key file opens in Python

    # A share that does not match its sender's commitments names the sender.
    bad = relay.download(1)
    state_1 = json.loads(states[1].read_text())
    box_1 = relay.round1[1]["box_public"]
    bad["shares_for_me"]["3"] = keyfile.seal_to(box_1, api.dkg_share({"index": 3, "coefficients": ["01" + "00" * 31]}, 1).encode())
    message = refusal(js, "keygenFinish", bad, state_1, PASSPHRASE, FAST)
    assert message.startswith("trustee 3 sent a share that does not match their commitments")


def test_a_swapped_box_key_changes_the_fingerprint_and_my_own_entry_is_checked(js, election, tmp_path, fast_tool):
    relay = Relay(election["manifest"])
    for i in (1, 2, 3):
        r = call(js, "keygenStart", relay.download(i), PASSPHRASE, FAST)
        (tmp_path / f"s{i}.json").write_text(json.dumps(r["stateFile"]))
        relay.digests[i] = r["upload"]
    early = relay.download(1)
    early["digests"] = early["digests"][:2]  # trustee 3 has not posted round 1
    state = json.loads((tmp_path / "s1.json").read_text())
    assert refusal(js, "keygenReveal", early, state, PASSPHRASE).startswith("not every trustee has posted round 1")
    for i in (1, 2, 3):
        relay.round1[i] = call(js, "keygenReveal", relay.download(i), json.loads((tmp_path / f"s{i}.json").read_text()), PASSPHRASE)["upload"]
    honest = relay.download(1)
    swapped = json.loads(json.dumps(honest))
    swapped["trustees"][1]["box_public"] = keyfile.box_keypair()[0]
    assert call(js, "ceremonyFingerprint", honest) == trustee_cli.ceremony_fingerprint(honest)
    assert call(js, "ceremonyFingerprint", swapped) == trustee_cli.ceremony_fingerprint(swapped) != trustee_cli.ceremony_fingerprint(honest)
    mine = json.loads(json.dumps(honest))
    mine["trustees"][0]["box_public"] = keyfile.box_keypair()[0]
    state = json.loads((tmp_path / "s1.json").read_text())
    assert "differs from what you made" in refusal(js, "keygenShares", mine, state, PASSPHRASE)
    other = json.loads(json.dumps(honest))
    _, other["trustees"][1]["public"] = api.dkg_commit(election["manifest"], 2)  # good proofs, but not what trustee 2 committed to
    assert refusal(js, "keygenShares", other, state, PASSPHRASE).startswith("trustee 2's commitments do not match the digest they posted in round 1")
    digest_changed = json.loads(json.dumps(honest))
    digest_changed["trustees"][1]["seed_commitment"] = "00" * 32  # the fingerprint covers the digests too
    assert call(js, "ceremonyFingerprint", digest_changed) == trustee_cli.ceremony_fingerprint(digest_changed) != trustee_cli.ceremony_fingerprint(honest)
    assert refusal(js, "keygenShares", honest, state, "the wrong passphrase") == "wrong passphrase, or the file was changed"


def _node_ready() -> bool:
    return shutil.which("node") is not None and (BOOTH / "node_modules/@noble/ciphers").exists()


@pytest.mark.skipif(not _node_ready(), reason="needs node and booth/node_modules (cd booth && npm ci)")
def test_node_suite_with_python_vectors():
    """booth/test: byte-identical proofs from Python's seeded randomness, and libsodium's files opened."""
    r = subprocess.run(["node", "--test", "test/"], cwd=BOOTH, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
