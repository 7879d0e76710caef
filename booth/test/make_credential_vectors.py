"""Write booth/test/credential-vectors.json: Python-made (votecrypt.credentials)
test vectors for voter credentials (docs/election-record.md §10). The same file
is checked by the Python tests (tests/votecrypt/test_credentials_vectors.py), by
Node (booth/test/credentials.test.js) and by the bundle in chromium
(tests/votecrypt/test_credentials_js.py).

Run from the repo root:  .venv/bin/python booth/test/make_credential_vectors.py
"""
from __future__ import annotations

import json
from pathlib import Path

from votecrypt import api, credentials as cr
from votecrypt.group import encode_scalar
from votecrypt.rng import SeededRng

QUESTIONS = [{"id": "strike", "title": "Strike?", "options": ["Yes", "No"], "min_selections": 1, "max_selections": 1}]
MIXED = QUESTIONS + [{"id": "chair", "title": "Chair", "options": ["Ana", "Ben", "Cy"], "min_selections": 1,
                      "max_selections": 1}]


def _code(seed: str) -> str:
    """A valid code from a seed (vectors only: real codes come from the CSPRNG)."""
    r = SeededRng(seed).scalar()
    data = "".join(cr.ALPHABET[(r >> (5 * i)) & 31] for i in range(cr.CODE_DATA))
    return cr.format_code(data + cr._check_char(data))


def main() -> None:
    cases = []
    for name, qs, choices in [("yes-no", QUESTIONS, [[1, 0]]), ("mixed", MIXED, [[0, 1], [0, 0, 1]])]:
        manifest = api.make_manifest(f"cred-{name}", f"Credential vectors {name}", qs, 1, 1)
        key, _, _ = api.run_dkg(manifest, SeededRng(f"cred-dkg-{name}"))
        F = bytes.fromhex(api.fingerprint(manifest))
        ballot, _ = api.encrypt_ballot(manifest, key, "m0000042", choices, SeededRng(f"cred-ballot-{name}"))
        code = _code(f"code-{name}")
        x = cr.derive_secret(F, code)
        nonce = SeededRng(f"nonce-{name}").scalar()
        fp = bytes.fromhex(api.ballot_fingerprint(manifest, key, ballot))
        sig = cr.sign_ballot(F, fp, x, nonce=nonce)
        other = _code(f"other-{name}")
        cases.append({"name": name, "manifest": manifest, "joint_key": key, "ballot": ballot,
                      "ballot_fingerprint": fp.hex(), "code": code, "typed": code.lower().replace("-", " "),
                      "secret": encode_scalar(x), "credential": cr.public_credential(F, code).hex(),
                      "nonce": encode_scalar(nonce), "signature": sig,
                      "other_credential": cr.public_credential(F, other).hex()})
    bad_codes = []
    good = _code("bad-codes")
    raw = cr.normalise_code(good)
    flipped = raw[:3] + cr.ALPHABET[(cr.ALPHABET.index(raw[3]) + 1) % 32] + raw[4:]
    for typed in [raw[:-1], raw + "A", flipped, raw[:5] + "!" + raw[6:], ""]:
        bad_codes.append(typed)
    out = {"about": "votecrypt credentials (docs/election-record.md §10); made by booth/test/make_credential_vectors.py",
           "cases": cases, "bad_codes": bad_codes,
           "read_as": {"typed": good.replace("O", "0").replace("I", "1").replace("B", "8").lower(), "code": raw}}
    path = Path(__file__).with_name("credential-vectors.json")
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
