"""Cross-language tests: the browser booth's bundle (booth/src/votecrypt.js,
built into static/ballots/booth-crypto.js) encrypts in Debian's chromium, and
the Python reference (votecrypt.api) must accept what it makes.

Skipped, saying why, where /usr/bin/chromium is missing."""
from __future__ import annotations

import json
import queue
import shutil
import statistics
import subprocess
import threading
from pathlib import Path

import pytest

from votecrypt import api
from votecrypt.rng import SeededRng

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "src/unionhall/static/ballots/booth-crypto.js"
BOOTH = ROOT / "booth"

if not CHROMIUM.exists():
    pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="needs Playwright for Python")

pytestmark = pytest.mark.browser

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

QUESTIONS = [
    {"id": "strike", "title": "Strike?", "options": ["Yes", "No"], "min_selections": 1, "max_selections": 1},
    {"id": "chair", "title": "Chair", "options": ["Ana", "Ben", "Cy", "Dée"], "min_selections": 1, "max_selections": 1},
    {"id": "exec", "title": "Executive (up to 3)", "options": ["A", "B", "C", "D", "E"],
     "min_selections": 0, "max_selections": 3},
]
CHOICES = [
    [[1, 0], [0, 0, 1, 0], [1, 0, 1, 1, 0]],
    [[0, 1], [1, 0, 0, 0], [0, 0, 0, 0, 0]],
    [[1, 0], [0, 0, 0, 1], [0, 1, 0, 0, 1]],
]


class Chromium:
    """Playwright's sync API in a thread of its own, so it never meets another
    Playwright instance (tests/browser keeps a session-wide one open) or an
    event loop in the test thread. ``bundle`` is loaded into a blank page."""

    def __init__(self, bundle: Path = BUNDLE) -> None:
        self._bundle = bundle
        self._jobs: queue.Queue = queue.Queue()
        self._ready: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        err = self._ready.get(timeout=120)
        if err is not None:
            raise err

    def _run(self) -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
                page = browser.new_page()
                page.goto("about:blank")
                page.add_script_tag(path=str(self._bundle))
                self._ready.put(None)
                while (job := self._jobs.get()) is not None:
                    expr, arg, out = job
                    try:
                        out.put((True, page.evaluate(expr, arg)))
                    except Exception as e:  # noqa: BLE001 - handed back to the test thread
                        out.put((False, e))
                browser.close()
        except Exception as e:  # noqa: BLE001
            self._ready.put(e)

    def evaluate(self, expr: str, arg=None):
        out: queue.Queue = queue.Queue()
        self._jobs.put((expr, arg, out))
        ok, value = out.get(timeout=120)
        if not ok:
            raise value
        return value

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=30)


@pytest.fixture(scope="module")
def js():
    assert BUNDLE.exists(), f"{BUNDLE} missing: cd booth && npm ci && npm run build"
    c = Chromium()
    yield c
    c.close()


def _election(questions, name):
    manifest = api.make_manifest(f"booth-{name}", f"Booth test {name}", questions, 3, 2)
    key, keys, publics = api.run_dkg(manifest, SeededRng(f"booth-dkg-{name}"))
    return {"manifest": manifest, "key": key, "keys": keys, "publics": publics}


@pytest.fixture(scope="module")
def election():
    return _election(QUESTIONS, "mixed")


@pytest.fixture(scope="module")
def yesno():
    return _election(QUESTIONS[:1], "yesno")


ENCRYPT = "([m, k, a, c]) => window.UnionhallBooth.encryptBallot(m, k, a, c)"


def encrypt(js, e, alias, choices):
    return js.evaluate(ENCRYPT, [e["manifest"], e["key"], alias, choices])


def test_global_api(js):
    assert js.evaluate("() => Object.keys(window.UnionhallBooth).sort()") == ["encryptBallot", "fingerprint", "version"]
    assert js.evaluate("() => window.UnionhallBooth.version") == "votecrypt/2"


def test_fingerprint(js, election, yesno):
    for e in (election, yesno):
        assert js.evaluate("(m) => window.UnionhallBooth.fingerprint(m)", e["manifest"]) == api.fingerprint(e["manifest"])
        # the booth page may hand over the manifest as JSON text
        text = json.dumps(e["manifest"])
        assert js.evaluate("(m) => window.UnionhallBooth.fingerprint(m)", text) == api.fingerprint(e["manifest"])


@pytest.mark.parametrize("choices", CHOICES)
def test_js_ballot_verifies_in_python(js, election, choices):
    m, k = election["manifest"], election["key"]
    r = encrypt(js, election, "m0000007", choices)
    ballot = r["ballot"]
    api.verify_ballot(m, k, ballot, alias="m0000007")
    assert r["tracker"] == api.tracker(m, k, ballot)
    api.audit_ballot(m, k, ballot, r["auditSecrets"])
    assert r["auditSecrets"]["choices"] == choices
    # shapes of §6.1: binary -> 1 ciphertext, no sum proof; choose-1-of-4 -> 4 + [1,1] sum; up-to-3 of 5 -> [0,3] sum
    qs = ballot["questions"]
    assert [len(q["ct"]) for q in qs] == [1, 4, 5]
    assert qs[0]["sum"] is None and len(qs[1]["sum"]) == 2 and len(qs[2]["sum"]) == 8
    assert [len(n) for n in r["auditSecrets"]["nonces"]] == [1, 4, 5]


def test_js_ballots_tally_to_their_choices(js, election):
    """End to end: JS ballots -> Python tally -> threshold decryption -> the chosen counts."""
    m, k = election["manifest"], election["key"]
    board = [api.board_entry(m, k, encrypt(js, election, f"m{i:07d}", c)["ballot"], "")
             for i, c in enumerate(CHOICES)]
    headline = api.tally(m, k, board)[0]
    shares = [api.decryption_share(m, k, tk, headline, SeededRng(f"share-{tk['index']}"))
              for tk in election["keys"][:2]]
    counts = api.combine_shares(m, headline, shares)
    got = api.option_counts(m, counts, len(CHOICES))
    want = [[sum(c[q][o] for c in CHOICES) for o in range(len(QUESTIONS[q]["options"]))] for q in range(3)]
    assert got == want


def test_yes_no_ballot(js, yesno):
    m, k = yesno["manifest"], yesno["key"]
    for choice in ([1, 0], [0, 1]):
        r = encrypt(js, yesno, "m0000000", [choice])
        api.verify_ballot(m, k, r["ballot"], alias="m0000000")
        api.audit_ballot(m, k, r["ballot"], r["auditSecrets"])
        assert r["tracker"] == api.tracker(m, k, r["ballot"])
        # §6.4: a yes/no ballot is 587 bytes of compact JSON
        assert len(json.dumps(r["ballot"], separators=(",", ":")).encode()) == 587
    # the audit must fail for the other choice
    with pytest.raises(api.BallotError) as ei:
        api.audit_ballot(m, k, r["ballot"], {**r["auditSecrets"], "choices": [[1, 0]]})
    assert ei.value.reason == "audit-mismatch"


def _flip(hex_str: str, byte: int) -> str:
    b = bytearray(bytes.fromhex(hex_str))
    b[byte] ^= 0x01
    return b.hex()


@pytest.mark.parametrize("where", ["option-proof", "sum-proof", "ciphertext"])
def test_tampered_js_ballot_rejected(js, election, where):
    m, k = election["manifest"], election["key"]
    ballot = encrypt(js, election, "m0000009", CHOICES[0])["ballot"]
    api.verify_ballot(m, k, ballot)
    t = json.loads(json.dumps(ballot))
    if where == "option-proof":
        t["questions"][0]["proofs"][0][2] = _flip(t["questions"][0]["proofs"][0][2], 5)  # byte 5 of c1
    elif where == "sum-proof":
        t["questions"][2]["sum"][3] = _flip(t["questions"][2]["sum"][3], 0)  # byte 0 of v1
    else:
        # swap in another valid point: re-encode the alpha of option 0 as the beta
        t["questions"][1]["ct"][0][1] = t["questions"][1]["ct"][0][0]
    with pytest.raises(api.BallotError) as ei:
        api.verify_ballot(m, k, t)
    assert ei.value.reason == "bad-proof"


def test_js_refuses_bad_input(js, election):
    m, k = election["manifest"], election["key"]
    probe = """([m, k, a, c]) => { try { window.UnionhallBooth.encryptBallot(m, k, a, c); return 'ok'; }
                                   catch (e) { return e.reason || String(e); } }"""
    ok = CHOICES[0]
    assert js.evaluate(probe, [m, k, "a", ok]) == "ok"
    assert js.evaluate(probe, [m, "00" * 32, "a", ok]) == "identity-point"
    assert js.evaluate(probe, [m, k.upper(), "a", ok]) == "malformed-point"
    assert js.evaluate(probe, [m, "ff" * 32, "a", ok]) == "non-canonical"
    assert js.evaluate(probe, [m, k, "a", [[1, 1], ok[1], ok[2]]]) == "invalid-choices"
    assert js.evaluate(probe, [m, k, "a", [ok[0], [1, 1, 0, 0], ok[2]]]) == "invalid-choices"
    assert js.evaluate(probe, [m, k, "a", [ok[0], ok[1], [1, 1, 1, 1, 0]]]) == "invalid-choices"
    assert js.evaluate(probe, [m, k, "a", ok[:2]]) == "invalid-choices"
    assert js.evaluate(probe, [{**m, "extra": 1}, k, "a", ok]) == "malformed-manifest"


def test_yes_no_timing(js, yesno, record_property):
    """Report (and loosely bound) the in-browser time to encrypt one yes/no ballot."""
    ms = js.evaluate("""([m, k]) => {
        const t = [];
        for (let i = 0; i < 21; i++) {
            const t0 = performance.now();
            window.UnionhallBooth.encryptBallot(m, k, 'm0000000', [[1, 0]]);
            t.push(performance.now() - t0);
        }
        return t; }""", [yesno["manifest"], yesno["key"]])
    first, median = ms[0], statistics.median(ms[1:])
    record_property("yes_no_first_ms", round(first, 1))
    record_property("yes_no_median_ms", round(median, 1))
    print(f"\nyes/no ballot in chromium: first {first:.1f} ms, median {median:.1f} ms; "
          f"bundle {BUNDLE.stat().st_size} bytes")
    assert median < 1000


def _node_ready() -> bool:
    return shutil.which("node") is not None and (BOOTH / "node_modules/@noble/curves").exists()


@pytest.mark.skipif(not _node_ready(), reason="needs node and booth/node_modules (cd booth && npm ci)")
def test_bundle_is_built_from_source():
    r = subprocess.run(["node", "build.mjs", "--check"], cwd=BOOTH, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr + r.stdout
