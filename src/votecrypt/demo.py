"""Build a complete, deterministic election record (tests, bench, demo).

``python -m votecrypt.demo N OUT.json`` writes a record with N ballots.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import random
import sys
from typing import Any

from . import api
from .rng import SeededRng

YES_NO = [{"id": "strike", "title": "Are you prepared to take strike action?",
           "options": ["Yes", "No"], "min_selections": 1, "max_selections": 1}]


def _choices(manifest: dict[str, Any], r: random.Random) -> list[list[int]]:
    out = []
    for q in manifest["questions"]:
        n = r.randint(q["min_selections"], q["max_selections"])
        picked = set(r.sample(range(len(q["options"])), n))
        out.append([int(i in picked) for i in range(len(q["options"]))])
    return out


def _one(args):
    manifest, key, i, seed, areas = args
    r = random.Random(f"{seed}/{i}")
    alias = f"m{i:07d}"
    choices = _choices(manifest, r)
    ballot, _ = api.encrypt_ballot(manifest, key, alias, choices, SeededRng(f"{seed}/ballot/{i}"))
    return alias, areas[i % len(areas)], ballot, choices


def make_election(n: int, seed: int = 1, questions=YES_NO, trustees: int = 3, threshold: int = 2,
                  areas=("North", "South"), workers: int = 1, superseded: int = 0,
                  audited: int = 0) -> dict[str, Any]:
    """Returns a dict with the record and the plain data behind it (for assertions)."""
    manifest = api.make_manifest(f"demo-{seed}", "Demo ballot", questions, trustees, threshold)
    key, keys, publics = api.run_dkg(manifest, SeededRng(f"{seed}/dkg"))
    jobs = [(manifest, key, i, seed, areas) for i in range(n)]
    if workers > 1 and n > 1:
        with mp.get_context("fork").Pool(workers) as p:
            cast = p.map(_one, jobs, chunksize=64)
    else:
        cast = [_one(j) for j in jobs]
    roll = {alias: area for alias, area, _, _ in cast}
    not_counted, opened = [], []
    for k in range(superseded):  # an earlier ballot the voter replaced
        old, _ = api.encrypt_ballot(manifest, key, cast[k][0], _choices(manifest, random.Random(k)),
                                    SeededRng(f"{seed}/old/{k}"))
        not_counted.append(api.not_counted_entry(manifest, key, old, "replaced"))
    for k in range(audited):  # a ballot the voter opened to check the booth
        spoilt, secrets = api.encrypt_ballot(manifest, key, cast[k][0], _choices(manifest, random.Random(-k)),
                                             SeededRng(f"{seed}/audit/{k}"))
        opened.append(api.audited_entry(manifest, key, spoilt, secrets))
    board = [api.board_entry(manifest, key, b, area) for _, area, b, _ in cast]
    tallies = api.tally(manifest, key, board)
    rng = SeededRng(f"{seed}/decrypt")
    shares = {t["area"]: [api.decryption_share(manifest, key, k, t, rng) for k in keys[:threshold]]
              for t in tallies}
    record = api.build_record(manifest, key, publics, roll, board, tallies, shares,
                              not_counted=not_counted, audited=opened)
    return {"record": record, "manifest": manifest, "key": key, "keys": keys, "publics": publics,
            "choices": [c for *_, c in cast], "areas": [a for _, a, _, _ in cast]}


if __name__ == "__main__":
    n, out = int(sys.argv[1]), sys.argv[2]
    with open(out, "w") as f:
        json.dump(make_election(n, workers=2)["record"], f)
