"""Cross-language: the booth bundle's window.UnionhallCredentials in Debian's
chromium against the Python vectors (booth/test/credential-vectors.json), and
Python accepting what the browser signs. Skipped, saying why, without chromium."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from votecrypt import credentials as cr

from tests.votecrypt.test_booth_js import BUNDLE, Chromium  # skips the module without chromium / Playwright

pytestmark = pytest.mark.browser
VECTORS = json.loads((Path(__file__).resolve().parents[2] / "booth/test/credential-vectors.json").read_text())


@pytest.fixture(scope="module")
def js():
    assert BUNDLE.exists()
    c = Chromium()
    yield c
    c.close()


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["name"])
def test_browser_and_python_agree(js, case):
    m, k, b = case["manifest"], case["joint_key"], case["ballot"]
    C = "window.UnionhallCredentials"
    assert js.evaluate(f"([m, c]) => {C}.publicCredential(m, c)", [m, case["typed"]]) == case["credential"]
    # the browser verifies Python's vector signature and refuses it for another credential
    verify = f"([m, k, b, c, s]) => {C}.verifyBallotSignature(m, k, b, c, s)"
    assert js.evaluate(verify, [m, k, b, case["credential"], case["signature"]]) is True
    assert js.evaluate(verify, [m, k, b, case["other_credential"], case["signature"]]) is False
    # the browser signs (random nonce); Python accepts it, and refuses it on a changed ballot
    r = js.evaluate(f"([m, k, b, c]) => {C}.signBallot(m, k, b, c)", [m, k, b, case["code"]])
    assert r["credential"] == case["credential"]
    cr.check_ballot_signature_json(m, k, b, r["credential"], r["signature"])
    other = json.loads(json.dumps(b))
    other["questions"][0]["proofs"][0][0], other["questions"][0]["proofs"][0][2] = (
        other["questions"][0]["proofs"][0][2], other["questions"][0]["proofs"][0][0])
    with pytest.raises(Exception):
        cr.check_ballot_signature_json(m, k, other, r["credential"], r["signature"])


def test_browser_refuses_mistyped_codes(js):
    probe = "(c) => { try { return window.UnionhallCredentials.normaliseCode(c); } catch (e) { return e.reason; } }"
    assert js.evaluate(probe, VECTORS["read_as"]["typed"]) == VECTORS["read_as"]["code"]
    for bad in VECTORS["bad_codes"]:
        assert js.evaluate(probe, bad) == "bad-code"
