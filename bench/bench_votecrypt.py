"""Benchmark votecrypt; prints ONE JSON object.

    .venv/bin/python bench/bench_votecrypt.py            # record of 10,000 ballots
    VOTECRYPT_BENCH_N=100000 .venv/bin/python bench/bench_votecrypt.py
    VOTECRYPT_BENCH_CREDENTIALS=0 ...                    # skip the signed (voter credentials) run

With credentials (the default), every ballot of the same record is also
signed with a voter credential (spec §10) and the record verified a second
time with its ``credentials`` section: ``signed_*`` figures, beside the plain
ones, so the cost of the signature checks shows.

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
import resource
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
    t, c = time.perf_counter(), _children_cpu()
    proc = subprocess.run([sys.executable, "-m", "votecrypt.cli", path, "--workers", str(workers)],
                          capture_output=True, text=True)
    verify_s, verify_cpu = time.perf_counter() - t, _children_cpu() - c
    os.unlink(path)
    last = proc.stdout.strip().splitlines()[-1]
    signed = _signed_run(record, workers) if os.environ.get("VOTECRYPT_BENCH_CREDENTIALS", "1") != "0" else {}

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
        "verify_ballots_per_s_per_core": round(n / verify_s / workers),
        "verify_ballots_per_cpu_s": round(n / verify_cpu),
        **signed,
        "cpu_count": os.cpu_count(),
        "loadavg_1m": [round(load_start, 2), round(os.getloadavg()[0], 2)],
    }))


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _signed_run(record: dict, workers: int) -> dict:
    """Sign every counted ballot with its own credential, add the record's
    credentials section (signed by an authority key) and verify it again."""
    from votecrypt import credentials as cr
    from votecrypt.group import mul_base
    from votecrypt.record import credentials_json

    F = bytes.fromhex(record["fingerprint"])
    authority = SeededRng(f"{SEED}/authority").scalar()
    t = time.perf_counter()
    signed, publics = {}, []
    for e in record["board"]:
        x = cr.derive_secret(F, cr.new_code())
        publics.append(mul_base(x))
        fp = bytes.fromhex(api.ballot_fingerprint(record["manifest"], record["joint_key"], e["ballot"]))
        signed[e["tracker"]] = {"credential": publics[-1].hex(), "signature": cr.sign_ballot(F, fp, x)}
    rc = bytes.fromhex(record["roll"]["commitment"])
    size = record["roll"]["size"]
    record = {**record, "credentials": credentials_json(
        record["board"], authority_name="Bench authority", authority_key=mul_base(authority).hex(),
        roll_commitment=rc.hex(), roll_size=size, list=[p.hex() for p in publics],
        signature=cr.sign_list(F, rc, size, publics, authority), revocations=[], signed=signed)}
    sign_s = time.perf_counter() - t
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(record, f, separators=(",", ":"))
        path = f.name
    mb = os.path.getsize(path) / 1e6
    t, c = time.perf_counter(), _children_cpu()
    proc = subprocess.run([sys.executable, "-m", "votecrypt.cli", path, "--workers", str(workers)],
                          capture_output=True, text=True)
    verify_s, verify_cpu = time.perf_counter() - t, _children_cpu() - c
    os.unlink(path)
    n = len(record["board"])
    e = record["board"][0]
    fp = bytes.fromhex(api.ballot_fingerprint(record["manifest"], record["joint_key"], e["ballot"]))
    P, sig = bytes.fromhex(signed[e["tracker"]]["credential"]), signed[e["tracker"]]["signature"]
    c = time.process_time()
    for _ in range(REPS):
        assert cr.verify_ballot_signature(F, fp, P, sig)
    sig_cpu_us = (time.process_time() - c) / REPS * 1e6
    return {"signed_record_mb": round(mb, 2), "signed_build_s": round(sign_s, 1),
            "signed_unionhall_verify_s": round(verify_s, 2), "signed_unionhall_verify_exit": proc.returncode,
            "signed_credentials_line": next((ln for ln in proc.stdout.splitlines() if "credentials:" in ln), "")[:120],
            "signed_verify_ballots_per_s_per_core": round(n / verify_s / workers),
            "signed_verify_ballots_per_cpu_s": round(n / verify_cpu), "signature_verify_cpu_us": round(sig_cpu_us),
            "signed_extrapolated_verify_s_100k": round(verify_s * 100_000 / n, 1)}


if __name__ == "__main__":
    main()
