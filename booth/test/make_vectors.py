"""Write booth/test/vectors.json: Python-made (votecrypt, SeededRng) test vectors
for the Node tests of booth/src/votecrypt.js.

Run from the repo root:  .venv/bin/python booth/test/make_vectors.py
"""
from __future__ import annotations

import json
from pathlib import Path

from votecrypt import api
from votecrypt.group import GroupError, L, decode_point, decode_scalar
from votecrypt.rng import SeededRng

P = 2**255 - 19

QUESTIONS = [
    {"id": "strike", "title": "Strike?", "options": ["Yes", "No"], "min_selections": 1, "max_selections": 1},
    {"id": "chair", "title": "Chair", "options": ["Ana", "Ben", "Cy", "Dée"], "min_selections": 1, "max_selections": 1},
    {"id": "exec", "title": "Executive", "options": ["A", "B", "C", "D", "E"], "min_selections": 0, "max_selections": 3},
    {"id": "motions", "title": "Motions “2025”", "options": ["M1", "M2"], "min_selections": 0, "max_selections": 2},
    {"id": "pick2", "title": "Pick two\n(tab\t)", "options": ["x", "y", "z"], "min_selections": 2, "max_selections": 2},
]

CASES = [
    ("yes", [0], [[1, 0]]),
    ("no", [0], [[0, 1]]),
    ("one-of-4", [1], [[0, 0, 1, 0]]),
    ("up-to-3", [2], [[1, 0, 1, 1, 0]]),
    ("up-to-3-none", [2], [[0, 0, 0, 0, 0]]),
    ("no-sum", [3], [[1, 1]]),
    ("all", [0, 1, 2, 3, 4], [[0, 1], [1, 0, 0, 0], [0, 1, 0, 0, 1], [0, 0], [1, 0, 1]]),
]


def reason_point(h: str) -> str:
    try:
        decode_point(h)
        return "ok"
    except GroupError as e:
        return e.reason


def reason_scalar(h: str) -> str:
    try:
        decode_scalar(h)
        return "ok"
    except GroupError as e:
        return e.reason


def main() -> None:
    out = {"cases": [], "points": [], "scalars": []}
    for name, qidx, choices in CASES:
        manifest = api.make_manifest(f"vec-{name}", f"Vector {name}", [QUESTIONS[i] for i in qidx], 3, 2)
        key, _, _ = api.run_dkg(manifest, SeededRng(f"dkg-{name}"))
        seed = f"booth-{name}"
        alias = "m0000042"
        ballot, secrets = api.encrypt_ballot(manifest, key, alias, choices, SeededRng(seed))
        api.verify_ballot(manifest, key, ballot)
        out["cases"].append({
            "name": name, "manifest": manifest, "joint_key": key, "alias": alias, "choices": choices,
            "seed": seed, "fingerprint": api.fingerprint(manifest), "ballot": ballot,
            "audit_secrets": secrets, "tracker": api.tracker(manifest, key, ballot),
            "ballot_fingerprint": api.ballot_fingerprint(manifest, key, ballot),
        })
    G = out["cases"][0]["joint_key"]  # a valid point
    pts = [G, G.upper(), G[:-2], G + "00", "00" * 32, "01" + "00" * 31,
           (P).to_bytes(32, "little").hex(), (P + 2).to_bytes(32, "little").hex(),
           (2**255 + 2).to_bytes(32, "little").hex(), "ff" * 32, " " + G[1:], "zz" * 32]
    pts += [(s).to_bytes(32, "little").hex() for s in range(2, 40, 2)]  # mostly malformed, some valid
    out["points"] = [[h, reason_point(h)] for h in pts]
    scs = [(0).to_bytes(32, "little").hex(), (1).to_bytes(32, "little").hex(),
           (L - 1).to_bytes(32, "little").hex(), (L).to_bytes(32, "little").hex(),
           (2**256 - 1).to_bytes(32, "little").hex(), "00" * 31, "AB" + "00" * 31]
    out["scalars"] = [[h, reason_scalar(h)] for h in scs]
    path = Path(__file__).with_name("vectors.json")
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path}: {len(out['cases'])} cases, {len(out['points'])} points, {len(out['scalars'])} scalars")


if __name__ == "__main__":
    main()
