"""Casting under load on PostgreSQL (issue: at least 200 accepted casts per
second for 60 s with p99 at most 300 ms, then board, receipts and roll agree
exactly). gunicorn serves the real app on loopback; a thread pool posts
pre-encrypted ballots, each from its own signed-in voter. Prints one JSON object.

    python bench/bench_casting.py [--seconds 60] [--workers 3] [--clients 12] [--voters 30000]

Each voter casts once, so the run ends early if every voter has voted
(``voters_ran_out``): 30,000 voters last the 60 s at up to 500 casts/s.

Load generator and server share this machine's cores, so the figure is a floor.
Set REDIS_URL to serve as a large union's deployment does (rate limits and
sessions in Redis); unset, the cache is the database's table, as in a small one.
"""

import argparse
import http.client
import json
import math
import multiprocessing as mp
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import _django  # noqa: E402


def _cpu_ticks(pid: int) -> int:
    """utime + stime of a process and of its children it has waited for."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return sum(int(x) for x in fields[11:15])


def server_cpu_seconds(gunicorn_pid: int, database: str) -> tuple[float, float]:
    """CPU used so far by the server side of a cast: gunicorn (its master and
    workers), the PostgreSQL backends connected to the bench's ``database``,
    and PostgreSQL's own background processes (WAL writer, checkpointer,
    autovacuum). Read from /proc, so the load generator is left out, and so is
    any other work on the same PostgreSQL server: backends of other databases,
    and backends that have exited (the postmaster's children's time, which
    would count every test run's connections on a shared machine). The
    gunicorn workers keep their connections (CONN_MAX_AGE), so their backends
    live through the run. Returns (gunicorn, postgres) seconds."""
    import os

    ticks = [0, 0]
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat.rsplit(")", 1)[1].split()
        ppid = int(fields[1])
        if int(entry) == gunicorn_pid or ppid == gunicorn_pid:
            ticks[0] += _cpu_ticks(int(entry))
        elif name.startswith("postgres") and cmdline.startswith("postgres:"):
            client_backend = "(" in cmdline or "[local]" in cmdline
            if not client_backend or f" {database} " in cmdline:
                ticks[1] += int(fields[11]) + int(fields[12])  # its own time, not its children's
    hz = os.sysconf("SC_CLK_TCK")
    return ticks[0] / hz, ticks[1] / hz


def _encrypt(job):
    manifest, key, alias, i = job
    from votecrypt import api

    return api.encrypt_ballot(manifest, key, alias, [[1, 0] if i % 3 else [0, 1]])[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--clients", type=int, default=12)
    ap.add_argument("--voters", type=int, default=30000)
    _django.run_on_postgres("casting", run, ap.parse_args())


def run(args):
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from unionhall.ballots.models import Ballot, Cast, Question, RollEntry, Trustee
    from unionhall.ballots.setup import ballot_manifest, ballot_open, ballot_set_keys
    from unionhall.members.demo.builder import build_demo_union
    from votecrypt import api

    build_demo_union(members=int(args.voters / 0.95) + 200, seed=3)
    now = timezone.now()
    ballot = Ballot.objects.create(slug="load", title="Load test", opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=1))
    Question.objects.create(ballot=ballot, position=1, key="q1", text="Yes or no?")
    from unionhall.members.models import Member

    for i, member in enumerate(Member.objects.filter(status="active").select_related("user")[:3], start=1):
        Trustee.objects.create(ballot=ballot, index=i, user=member.user, label=f"T{i}")
    manifest = ballot_manifest(ballot)
    joint, keys, publics = api.run_dkg(manifest)
    ballot_set_keys(ballot=ballot, manifest=manifest, joint_key=joint, publics=publics, actor=None)
    ballot_open(ballot=ballot, actor=None)
    ballot.refresh_from_db()
    entries = list(RollEntry.objects.filter(ballot=ballot).select_related("member__user")[: args.voters])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    t = time.perf_counter()
    with mp.get_context("fork").Pool(2) as pool:
        ballots = pool.map(_encrypt, [(manifest, joint, e.alias, i) for i, e in enumerate(entries)], chunksize=200)
    encrypt_s = time.perf_counter() - t

    csrf, cookies = _django.session_cookies(e.member.user for e in entries)

    with _django.Gunicorn(args.workers) as port:
        server_pid = _django.Gunicorn.last_pid
        latencies, statuses, trackers = [], {}, {}
        lock = threading.Lock()
        next_index = iter(range(len(entries)))
        deadline = time.perf_counter() + args.seconds
        path = f"/ballots/{ballot.slug}/cast/"

        def client():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.perf_counter() < deadline:
                with lock:
                    i = next(next_index, None)
                if i is None:
                    return
                body = json.dumps(ballots[i])
                start = time.perf_counter()
                conn.request("POST", path, body=body, headers={"Content-Type": "application/json", "Cookie": cookies[i], "X-CSRFToken": csrf, "Host": "127.0.0.1"})
                response = conn.getresponse()
                answer = response.read()
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    latencies.append(elapsed)
                    statuses[response.status] = statuses.get(response.status, 0) + 1
                    if response.status == 200:
                        trackers[entries[i].alias] = json.loads(answer)["tracker"]

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        database = connection.settings_dict["NAME"]
        cpu_before = server_cpu_seconds(server_pid, database)
        began = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - began
        cpu_after = server_cpu_seconds(server_pid, database)
        app_cpu, db_cpu = (after - before for after, before in zip(cpu_after, cpu_before))
        server_cpu = app_cpu + db_cpu
    # Board, receipts and roll must agree exactly.
    cast = dict(Cast.objects.filter(ballot=ballot, superseded=False).values_list("roll_entry__alias", "tracker"))
    voted = RollEntry.objects.filter(ballot=ballot, voted_at__isnull=False).count()
    latencies.sort()
    accepted = statuses.get(200, 0)
    print(json.dumps({
        "bench": "casting",
        "engine": "postgres",
        "gunicorn_workers": args.workers,
        "client_threads": args.clients,
        "pre_encrypt_s": round(encrypt_s, 1),
        "seconds": round(wall, 1),
        "accepted": accepted,
        "statuses": statuses,
        "accepted_per_s": round(accepted / wall, 1),
        "voters_ran_out": len(latencies) == len(entries),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(latencies[math.ceil(len(latencies) * 0.99) - 1], 1) if latencies else None,
        "redis": bool(os.environ.get("REDIS_URL")),
        "server_cpu_s": round(server_cpu, 1),
        "server_cpu_ms_per_accepted_cast": round(server_cpu * 1000 / accepted, 2) if accepted else None,
        "gunicorn_cpu_ms_per_accepted_cast": round(app_cpu * 1000 / accepted, 2) if accepted else None,
        "postgres_cpu_ms_per_accepted_cast": round(db_cpu * 1000 / accepted, 2) if accepted else None,
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "board_equals_receipts": cast == trackers,
        "roll_voted_equals_board": voted == len(cast),
        "goal": ">= 200 accepted/s for 60 s, p99 <= 300 ms, server CPU <= 5 ms per accepted cast",
    }))  # fmt: skip


if __name__ == "__main__":
    main()
