"""Benchmark votecrypt; prints ONE JSON object.

    .venv/bin/python bench/bench_votecrypt.py            # record of 10,000 ballots
    VOTECRYPT_BENCH_N=100000 .venv/bin/python bench/bench_votecrypt.py

Fixed seeds, so the record (and the byte counts) are identical run to run.
The "yes/no ballot" is one question, options Yes/No, exactly one selection: a
binary question, so one ciphertext (1 = Yes) with one 0/1 proof.

``*_cpu_us`` figures are process CPU time, which other processes on the
machine inflate less than the wall-clock ``*_us`` figures; ``loadavg_1m`` is
sampled at the start and the end so a contended run can be recognised.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

from votecrypt import api
from votecrypt.demo import YES_NO, make_election
from votecrypt.rng import SeededRng

SEED = 20250101
REPS = 400


def main() -> None:
    n = int(os.environ.get("VOTECRYPT_BENCH_N", "10000"))
    workers = int(os.environ.get("VOTECRYPT_BENCH_WORKERS", "2"))
    manifest = api.make_manifest("bench", "Bench", YES_NO, 3, 2)
    key, _, _ = api.run_dkg(manifest, SeededRng(SEED))
    rng = SeededRng(f"{SEED}/ballots")

    load_start = os.getloadavg()[0]
    t, c = time.perf_counter(), time.process_time()
    ballots = [api.encrypt_ballot(manifest, key, f"m{i:07d}", [[i % 2, 1 - i % 2]], rng)[0]
               for i in range(REPS)]
    enc_us = (time.perf_counter() - t) / REPS * 1e6
    enc_cpu_us = (time.process_time() - c) / REPS * 1e6

    t, c = time.perf_counter(), time.process_time()
    for i, b in enumerate(ballots):
        api.verify_ballot(manifest, key, b, f"m{i:07d}")
    ver_us = (time.perf_counter() - t) / REPS * 1e6
    ver_cpu_us = (time.process_time() - c) / REPS * 1e6

    entry = api.board_entry(manifest, key, ballots[0], "North")
    entry_bytes = len(json.dumps(entry, separators=(",", ":")).encode())
    ballot_bytes = len(json.dumps(ballots[0], separators=(",", ":")).encode())

    t = time.perf_counter()
    record = make_election(n, seed=SEED, workers=workers)["record"]
    build_s = time.perf_counter() - t
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(record, f, separators=(",", ":"))
        path = f.name
    record_mb = os.path.getsize(path) / 1e6
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "votecrypt.cli", path, "--workers", str(workers)],
                          capture_output=True, text=True)
    verify_s = time.perf_counter() - t
    os.unlink(path)
    last = proc.stdout.strip().splitlines()[-1]

    print(json.dumps({
        "yes_no_ballot_encrypt_and_prove_us": round(enc_us),
        "yes_no_ballot_encrypt_and_prove_cpu_us": round(enc_cpu_us),
        "yes_no_ballot_verify_us": round(ver_us),
        "yes_no_ballot_verify_cpu_us": round(ver_cpu_us),
        "ballots_verified_per_second_per_core": round(1e6 / ver_us),
        "ballots_verified_per_cpu_second": round(1e6 / ver_cpu_us),
        "yes_no_ballot_json_bytes": ballot_bytes,
        "yes_no_board_entry_json_bytes": entry_bytes,
        "record_ballots": n,
        "record_mb": round(record_mb, 2),
        "record_build_s": round(build_s, 1),
        "verify_workers": workers,
        "unionhall_verify_s": round(verify_s, 2),
        "unionhall_verify_exit": proc.returncode,
        "unionhall_verify_last_line": last,
        "extrapolated_verify_s_100k": round(verify_s * 100_000 / n, 1),
        "extrapolated_verify_s_1m": round(verify_s * 1_000_000 / n),
        "cpu_count": os.cpu_count(),
        "loadavg_1m": [round(load_start, 2), round(os.getloadavg()[0], 2)],
    }))


if __name__ == "__main__":
    main()
