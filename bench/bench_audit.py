"""Audited writes per second on PostgreSQL with concurrent writers (issue 10:
at least 1,000 a second with 16 writers). Each writer is a thread with its own
connection, and each write its own transaction, as a request's would be.
Measured on one fresh database: first the ceiling (the same writers each
committing one plain insert into a table without the log: the cheapest write
transaction this machine allows at that moment), then with one chain (every
writer queues on the one head, as before issue 10) and with the default number
of chains. Then the whole log is verified. Prints one JSON object.

    python bench/bench_audit.py [--seconds 15] [--threads 16] [--chains N]

The writers, PostgreSQL and anything else running share this machine's cores,
so the load average is reported beside the figures.
"""

import argparse
import json
import math
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import _django  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--chains", type=int, default=None, help="chains for the second run (default: the app's default)")
    _django.run_on_postgres("audit", run, ap.parse_args())


def audited_write(user):
    from unionhall.audit.models import Action
    from unionhall.audit.services import audit_record

    def write(n: int) -> None:
        audit_record(actor=user, action=Action.VIEW, subject=("members.member", n), detail={"page": "bench"})

    return write


def plain_write(n: int) -> None:
    """A transaction with one insert and nothing else, for the ceiling."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_plain (at, detail) VALUES (now(), %s)", ['{"page": "bench"}'])


def phase(*, write, threads: int, seconds: float, chains: int | None = None) -> dict:
    """``threads`` writers calling ``write`` for ``seconds``, each call its own
    transaction; ``chains`` sets how many chains the log spreads over."""
    from django.conf import settings
    from django.db import connection

    from unionhall.audit.services import audit_heads_ensure

    if chains:
        settings.UNIONHALL_AUDIT_CHAINS = chains
        audit_heads_ensure()
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors: list[str] = []
    start = threading.Barrier(threads + 1)
    stop = threading.Event()

    def writer(w: int) -> None:
        mine = latencies[w]
        try:
            start.wait()
            i = 0
            while not stop.is_set():
                began = time.perf_counter()
                write(w * 1_000_000 + i)
                mine.append((time.perf_counter() - began) * 1000)
                i += 1
        except Exception as e:  # noqa: BLE001 - counted and reported
            errors.append(repr(e))
        finally:
            connection.close()

    workers = [threading.Thread(target=writer, args=(w,)) for w in range(threads)]
    for t in workers:
        t.start()
    load_before = os.getloadavg()
    start.wait()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in workers:
        t.join()
    wall = time.perf_counter() - began
    done = sorted(x for mine in latencies for x in mine)
    return {
        **({"chains": chains} if chains else {}),
        "writes": len(done),
        "writes_per_s": round(len(done) / wall, 1),
        "p50_ms": round(statistics.median(done), 2) if done else None,
        "p99_ms": round(done[math.ceil(len(done) * 0.99) - 1], 2) if done else None,
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "load_1m_before": round(load_before[0], 2),
        "load_1m_after": round(os.getloadavg()[0], 2),
    }


def run(args):
    from django.contrib.auth import get_user_model
    from django.db import connection

    from unionhall.audit.services import DEFAULT_CHAINS, audit_verify_chain

    user = get_user_model().objects.create_user("bench-officer@example.org")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_plain (id bigserial PRIMARY KEY, at timestamptz NOT NULL, detail jsonb NOT NULL)")
    ceiling = phase(write=plain_write, threads=args.threads, seconds=args.seconds)
    before = phase(write=audited_write(user), chains=1, threads=args.threads, seconds=args.seconds)
    after = phase(write=audited_write(user), chains=args.chains or DEFAULT_CHAINS, threads=args.threads, seconds=args.seconds)
    began = time.perf_counter()
    report = audit_verify_chain()
    verify_s = time.perf_counter() - began
    print(json.dumps({
        "bench": "audit",
        "engine": "postgres",
        "writer_threads": args.threads,
        "seconds_each": args.seconds,
        "cpus": os.cpu_count(),
        "ceiling_plain_insert": ceiling,
        "one_chain": before,
        "chains": after,
        "speedup": round(after["writes_per_s"] / before["writes_per_s"], 2) if before["writes_per_s"] else None,
        "of_ceiling": round(after["writes_per_s"] / ceiling["writes_per_s"], 2) if ceiling["writes_per_s"] else None,
        "verified": report.ok,
        "verify_reason": report.reason or None,
        "entries_verified": report.checked,
        "verify_entries_per_s": round(report.checked / verify_s),
        "load_avg_end": [round(x, 2) for x in os.getloadavg()],
        "goal": ">= 1000 audited writes/s with 16 concurrent writers on PostgreSQL",
    }))  # fmt: skip


if __name__ == "__main__":
    main()
