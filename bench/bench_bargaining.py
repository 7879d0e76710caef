"""Benchmark the commitments tracker; prints ONE JSON object to stdout.

The workload: the demo union's register (300 members), one national body and
one per employer, 5,000 commitments spread over them (due dates over ten
years, a fifth delivered, some broken or superseded) and 50,000 dated updates.
A member of the largest employer opens the tracker through Django's test
client as in production (middleware, session, template): each sort (most late
first, by due date, by latest update) and filter (open, overdue, delivered,
all), first and later pages, ``--repeat`` times each.

Figures: p50 and p95 per view and overall (goal: p95 <= 150 ms on
PostgreSQL), the CPU the Django process spent per request (the database's is
apart), a near-empty member page for comparison (the framework, the session
and the layout), and the number of queries per request (bounded: the same for
any number of commitments). Report the load beside them: on a shared machine
wall times follow it.

Usage: python bench/bench_bargaining.py [--engine sqlite|postgres] [--commitments 5000] [--updates 50000] [--repeat 20]
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--commitments", type=int, default=5000)
    parser.add_argument("--updates", type=int, default=50000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    engine = _django.setup(args.engine)
    try:
        run(engine, args)
    finally:
        _django.teardown(engine)


def build(args):
    from unionhall.bargaining.models import Agreement, Commitment, CommitmentUpdate, NegotiatingBody
    from unionhall.members.models import Employer

    rng = random.Random(13)
    today = dt.date.today()
    bodies = [NegotiatingBody.objects.create(name="National council", slug="national", level="national", parties="x", status_on=dt.date(2015, 1, 1))]
    for e in Employer.objects.order_by("pk"):
        bodies.append(NegotiatingBody.objects.create(name=f"{e.name} council", slug=f"council-{e.code}", level="employer", employer=e, parties="x",
                                                     status_on=dt.date(2018, 1, 1)))  # fmt: skip
    agreements = [Agreement.objects.create(body=b, title=f"Agreement {i} of {b.name}", agreed_on=dt.date(2016 + i, 3, 1), signatories="x")
                  for b in bodies for i in range(10)]  # fmt: skip
    statuses = ["not_started"] * 5 + ["in_progress"] * 7 + ["delivered"] * 5 + ["broken", "superseded"]
    rows = []
    for i in range(args.commitments):
        a = rng.choice(agreements)
        due = today - dt.timedelta(days=rng.randint(-900, 3000))
        status = rng.choice(statuses)
        rows.append(Commitment(agreement=a, employer_id=a.body.employer_id, title=f"Commitment {i}: {rng.choice(['pay', 'grading', 'JE', 'manual'])}",
                               delivered_means="x", due_on=due, status=status, status_on=min(today, due + dt.timedelta(days=rng.randint(0, 400)))))  # fmt: skip
    Commitment.objects.bulk_create(rows, batch_size=1000)
    ids = list(Commitment.objects.values_list("pk", flat=True))
    updates = [CommitmentUpdate(commitment_id=rng.choice(ids), status="in_progress", on=today - dt.timedelta(days=rng.randint(0, 3000)), note="An update")
               for _ in range(args.updates)]  # fmt: skip
    CommitmentUpdate.objects.bulk_create(updates, batch_size=2000)


def run(engine, args):
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from unionhall.members.demo.builder import build_demo_union
    from unionhall.members.models import User

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = False
    t = time.perf_counter()
    build_demo_union(members=300, seed=1)
    build(args)
    build_s = time.perf_counter() - t
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(User.objects.get(email="member@demo.unionhall.test"), backend="unionhall.members.backends.ModelBackend")
    views = [f"?sort={s}&show={f}" for s in ("late", "due", "recent") for f in ("open", "overdue", "delivered", "all")] + ["?sort=late&show=all&page=20"]
    results, everything, queries, cpu_all = {}, [], set(), []
    baseline = []
    for _ in range(args.repeat):  # a near-empty member page: the cost of the framework, the session and the layout
        start = time.perf_counter()
        client.get("/bargaining/disputes/")
        baseline.append((time.perf_counter() - start) * 1000)
    for v in views:
        url = "/bargaining/commitments/" + v
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        queries.add(len(ctx))
        timings, cpu = [], []
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200
        timings.sort()
        everything += timings
        cpu_all += cpu
        results[v] = {"p50_ms": round(statistics.median(timings), 1), "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
                      "django_cpu_p50_ms": round(statistics.median(cpu), 1)}  # fmt: skip
    everything.sort()
    print(json.dumps({
        "bench": "bargaining_tracker", "engine": engine, "commitments": args.commitments, "updates": args.updates,
        "build_s": round(build_s, 1), "goal": "p95 <= 150 ms on PostgreSQL, bounded queries",
        "p95_ms": round(everything[int(len(everything) * 0.95) - 1], 1), "p50_ms": round(statistics.median(everything), 1),
        "queries_per_request": sorted(queries), "django_cpu_p50_ms": round(statistics.median(cpu_all), 1),
        "baseline_page_p50_ms": round(statistics.median(baseline), 1), "by_view": results, "load_after": os.getloadavg(),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
