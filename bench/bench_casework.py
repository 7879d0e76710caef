"""The branch's casework deadlines page with 20,000 open cases (issue 14:
p95 at most 150 ms on PostgreSQL, bounded queries). Requests go through the
whole stack (middleware, second factor, remit, template) with Django's test
client, for the branch secretary (all the cases are in their branch: the
worst case for a branch) and HQ (everyone), on the deadlines page (next four
weeks) and the dashboard (caseload per rep, cases by type and employer,
deadlines this week). Cases are written in bulk, their summaries sealed as
the service seals them; each has one to three deadlines over the next 90
days. Prints one JSON object.

    python bench/bench_casework.py [--cases 20000] [--members 3000] [--engine sqlite|postgres] [--repeat 30]
"""

import argparse
import base64
import datetime as dt
import json
import os
import random
import statistics
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import _django  # noqa: E402
from bench_turnout import signed_in  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--members", type=int, default=3_000)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    # Production settings refuse to seal without a key: give the run a throwaway one.
    os.environ.setdefault("CASEWORK_KEYS", base64.urlsafe_b64encode(os.urandom(32)).decode())
    engine = _django.setup(args.engine)
    try:
        run(engine, args)
    finally:
        _django.teardown(engine)


def open_cases(n: int):
    """``n`` open cases in the demo secretary's branch, with deadlines."""
    from django.utils import timezone

    from unionhall.casework.models import Case, CaseDeadline, CaseType
    from unionhall.members.models import Member, Office, Role
    from unionhall.members.remit import remit_for

    rng = random.Random(14)
    now = timezone.now()
    today = timezone.localdate()
    secretary = Member.objects.get(user__email="secretary@demo.unionhall.test")
    branch = secretary.branch
    members = list(Member.objects.filter(branch=branch).values_list("pk", flat=True))
    reps = list(Office.objects.current().filter(role=Role.WORKPLACE_REP, workplace__branch=branch).values_list("member_id", flat=True)) or [secretary.pk]
    kinds = list(CaseType.values)
    batch = []
    for i in range(n):
        case = Case(member_id=rng.choice(members), employer_id=branch.employer_id, branch_id=branch.pk, kind=rng.choice(kinds),
                    status=Case.Status.OPEN, rep_id=rng.choice(reps), rep_accepted_at=now, opened_at=now, last_activity_at=now)  # fmt: skip
        case.seal("summary", f"Bench case {i}: what happened, in the member's words.")
        batch.append(case)
    Case.objects.bulk_create(batch, batch_size=2000)
    deadlines = []
    for case in Case.objects.filter(branch=branch).only("pk").iterator(chunk_size=5000):
        for code in rng.sample(["tribunal", "appeal", "companion-1", "policy-statement"], rng.randint(1, 3)):
            deadlines.append(CaseDeadline(case_id=case.pk, branch_id=branch.pk, employer_id=branch.employer_id, code=code,
                                          title=f"Bench deadline {code}", due_on=today + dt.timedelta(days=rng.randrange(90)),
                                          source="bench", steps=["Step one.", "Step two.", "Step three."]))  # fmt: skip
    CaseDeadline.objects.bulk_create(deadlines, batch_size=5000)
    assert remit_for(secretary.user).branch_ids == {branch.pk}
    return len(deadlines)


def measure(client, url: str, repeat: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(repeat):
        t = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return timings, len(queries)


def deadlines_query_ms(repeat: int) -> dict:
    """The deadlines list's one query on its own (the database's share of the page)."""
    from django.utils import timezone

    from unionhall.casework.queries import deadlines_within
    from unionhall.members.models import User
    from unionhall.members.remit import remit_for

    remit = remit_for(User.objects.get(email="secretary@demo.unionhall.test"))
    timings = []
    for _ in range(repeat):
        t = time.perf_counter()
        rows = deadlines_within(remit, timezone.localdate(), days=28)
        timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    return {"rows": len(rows), "p50_ms": round(statistics.median(timings), 1), "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1)}


def run(engine, args):
    from django.conf import settings
    from django.db import connection

    from unionhall.members.demo.builder import build_demo_union

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = False
    t = time.perf_counter()
    build_demo_union(members=args.members, seed=1)
    deadlines = open_cases(args.cases)
    build_s = time.perf_counter() - t
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    results, pages = {}, []
    for page, url in (("deadlines", "/casework/deadlines/"), ("dashboard", "/casework/branch/")):
        for who in ("secretary", "admin"):
            timings, queries = measure(signed_in(f"{who}@demo.unionhall.test"), url, args.repeat)
            timings.sort()
            if page == "deadlines":
                pages += timings
            results[f"{page}/{who}"] = {"p50_ms": round(statistics.median(timings), 1), "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
                                        "queries": queries}  # fmt: skip
    pages.sort()
    query_ms = deadlines_query_ms(args.repeat)
    print(json.dumps({
        "bench": "casework_deadlines_page",
        "engine": engine,
        "open_cases": args.cases,
        "deadlines": deadlines,
        "build_s": round(build_s, 1),
        "goal": "deadlines page p95 <= 150 ms on PostgreSQL, bounded queries",
        "deadlines_page_p95_ms": round(pages[int(len(pages) * 0.95) - 1], 1),
        "by_view": results,
        "deadlines_query_alone": query_ms,
        "load_after": os.getloadavg()[0],
    }))  # fmt: skip


if __name__ == "__main__":
    main()
