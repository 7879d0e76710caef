"""Benchmark the credential authority's tool (unionhall-credentials generate);
prints ONE JSON object.

    .venv/bin/python bench/bench_credentials.py              # 100,000 members
    .venv/bin/python bench/bench_credentials.py --members 1000000

One process, one core: codes from the system CSPRNG, x = Hc("credential", F,
code), P = x·G (libsodium), the private alias,code rows written to a file, the
sorted list signed. Reports credentials per second (wall and CPU), the time
extrapolated to 1,000,000 members (goal: at most 5 minutes), and peak memory
(ru_maxrss of this process). ``loadavg_1m`` is sampled at the start and end.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import tempfile
import time

from votecrypt import api
from votecrypt.credential_cli import generate, make_authority_key
from votecrypt.credentials import verify_list
from votecrypt.group import decode_scalar
from votecrypt.record import roll_commitment


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=100_000)
    n = ap.parse_args().members
    manifest = api.make_manifest("bench-cred", "Bench", [{"id": "strike", "title": "Strike?",
                                                          "options": ["Yes", "No"]}], 3, 2)
    voters = [[f"m{i:07d}", f"area{i % 20}"] for i in range(n)]
    roll = {"manifest": manifest, "voters": voters, "roll_size": n,
            "roll_commitment": roll_commitment(voters).hex()}
    secret, public = make_authority_key()
    key = decode_scalar(secret["key"])
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as d:
        t, c = time.perf_counter(), time.process_time()
        with open(os.path.join(d, "codes.csv"), "w", newline="") as f:
            out = generate(roll, key, csv.writer(f))
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        private_bytes = os.path.getsize(os.path.join(d, "codes.csv"))
    public_bytes = len(json.dumps(out).encode())
    t = time.perf_counter()
    ok = verify_list(bytes.fromhex(out["fingerprint"]), bytes.fromhex(out["roll_commitment"]), n,
                     [bytes.fromhex(p) for p in out["list"]], bytes.fromhex(public), out["signature"])
    verify_s = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "members": n, "list_signature_verifies": ok,
        "generate_s": round(wall, 2), "generate_cpu_s": round(cpu, 2),
        "credentials_per_s": round(n / wall), "credentials_per_cpu_s": round(n / cpu),
        "extrapolated_1m_s": round(1_000_000 * wall / n, 1), "goal_1m_s": 300,
        "verify_list_s": round(verify_s, 2),
        "peak_rss_mb": round(rss / 1024, 1), "rss_before_generate_mb": round(rss0 / 1024, 1),
        "public_file_bytes": public_bytes, "private_file_bytes": private_bytes,
        "loadavg_1m": [round(load_start, 2), round(os.getloadavg()[0], 2)], "cores": 1,
    }))


if __name__ == "__main__":
    main()
