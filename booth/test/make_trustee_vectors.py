"""Write booth/test/trustee-vectors.json: Python-made (votecrypt, SeededRng and
libsodium) test vectors for the Node tests of booth/src/trustee.js and sodium.js.

Run from the repo root:  .venv/bin/python booth/test/make_trustee_vectors.py
"""
from __future__ import annotations

import json
from pathlib import Path

from votecrypt import api, ceremony_record, keyfile
from votecrypt.rng import SeededRng
from votecrypt.trustee_cli import ceremony_fingerprint

PASSPHRASE = "a long trustee passphrase"
FAST = {"ops": 1, "mem": 8192}
QUESTIONS = [{"id": "strike", "title": "Strike?", "options": ["Yes", "No"], "min_selections": 1, "max_selections": 1},
             {"id": "chair", "title": "Chair “2026”", "options": ["Ana", "Ben", "Cy"], "min_selections": 1, "max_selections": 1}]


def main() -> None:
    manifest = api.make_manifest("vec-trustee", "Trustee vectors", QUESTIONS, 3, 2)
    seeds = {i: f"dkg-vector-{i}" for i in (1, 2, 3)}
    rounds = {i: api.dkg_commit(manifest, i, SeededRng(seeds[i])) for i in (1, 2, 3)}
    publics = [rounds[i][1] for i in (1, 2, 3)]
    joint = api.joint_key(manifest, publics)
    keys = [api.dkg_finish(manifest, j, {i: api.dkg_share(rounds[i][0], j) for i in (1, 2, 3)}, publics)[0] for j in (1, 2, 3)]
    ballots = [api.encrypt_ballot(manifest, joint, f"m{i:07d}", c, SeededRng(f"b{i}"))[0]
               for i, c in enumerate([[[1, 0], [0, 1, 0]], [[0, 1], [0, 1, 0]], [[1, 0], [1, 0, 0]]])]
    board = [api.board_entry(manifest, joint, b, "North") for b in ballots]
    tallies = api.tally(manifest, joint, board)
    shares = [{"key": keys[j - 1], "tally": tallies[0], "seed": f"share-{j}",
               "share": api.decryption_share(manifest, joint, keys[j - 1], tallies[0], SeededRng(f"share-{j}"))} for j in (1, 3)]
    box_public, box_secret = keyfile.box_keypair()
    boxes = {i: keyfile.box_keypair() for i in (1, 2, 3)}
    seed_values = {i: f"{i:02x}" * 32 for i in (1, 2, 3)}
    digests = {i: {"commitment_digest": ceremony_record.commitment_digest(manifest, rounds[i][1]),
                   "seed_commitment": ceremony_record.seed_commitment(manifest, i, seed_values[i])} for i in (1, 2, 3)}
    ceremony = {"manifest": manifest, "index": 1,
                "trustees": [{"index": i, "public": rounds[i][1], "box_public": boxes[i][0], **digests[i]} for i in (1, 2, 3)]}
    out = {
        "manifest": manifest, "seeds": seeds, "secrets": [rounds[i][0] for i in (1, 2, 3)], "publics": publics,
        "share_1_for_2": api.dkg_share(rounds[1][0], 2), "joint_key": joint, "counts": api.combine_shares(manifest, tallies[0], [s["share"] for s in shares]),
        "decryption": shares,
        "box": {"public": box_public, "secret": box_secret, "message": "f(2) = " + api.dkg_share(rounds[1][0], 2),
                "sealed": keyfile.seal_to(box_public, ("f(2) = " + api.dkg_share(rounds[1][0], 2)).encode())},
        "keyfile": {"passphrase": PASSPHRASE, "content": keys[1], "file": keyfile.seal(keys[1], PASSPHRASE, **FAST)},
        "ceremony": ceremony, "ceremony_fingerprint": ceremony_fingerprint(ceremony),
        "seed_values": seed_values, "digests": digests,
        "lot_seed": ceremony_record.lot_seed(manifest, {1: seed_values[1], 3: seed_values[3]}),
    }
    path = Path(__file__).with_name("trustee-vectors.json")
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
