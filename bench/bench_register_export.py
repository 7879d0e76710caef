"""Benchmark for issue 17's register-export lists and the retention job's
indexes; prints ONE JSON object to stdout. PostgreSQL only.

1. A register export of --members members (default 100,000), as
   members.views.register_export does it: before (count, audit entry, CSV)
   and after (the list of who is in it written by INSERT ... SELECT, its
   SHA-256, audit entry, CSV from the list). Alternated, median of --repeat.
2. The retention job's due queries (members.lapsed_due, outbox.messages_due)
   with EXPLAIN ANALYZE, without and with the new indexes (member_lapsed_on,
   outbox_message_queued): once with a backlog (10% due) and once in the
   steady state (the backlog done, nothing due).

3. With --part gin: "Who has looked" finding the register searches that
   showed a member (detail["shown"] @> [number]) among --searches search
   entries of 50 members each, without and with a partial GIN index on
   detail->'shown' (the audit app's to add, if the figure says so).

Usage: python bench/bench_register_export.py [--members N] [--repeat R] [--part all|export|gin] [--searches S]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import _django  # noqa: E402

INDEXES = {
    "member_lapsed_on": 'CREATE INDEX "member_lapsed_on" ON "members_member" ("lapsed_on") WHERE "lapsed_on" IS NOT NULL',
    "outbox_message_queued": 'CREATE INDEX "outbox_message_queued" ON "outbox_message" ("queued_at")',
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--part", choices=["all", "export", "gin"], default="all")
    parser.add_argument("--searches", type=int, default=200_000)
    args = parser.parse_args()
    engine = _django.setup("postgres")
    if args.part == "gin":
        try:
            print(json.dumps({"engine": engine, "load_before": os.getloadavg(), "searches": bench_gin(args.searches),
                              "load_after": os.getloadavg(), "cpus": os.cpu_count()}, indent=1, default=str))
        finally:
            _django.teardown(engine)
        return
    try:
        build_s = build(args.members, messages=args.part == "all")
        figures = {"engine": engine, "members": args.members, "build_s": build_s, "load_before": os.getloadavg()}
        figures["register_export"] = bench_export(args.repeat)
        if args.part == "all":
            figures["due_queries"] = bench_due()
        figures["load_after"] = os.getloadavg()
        figures["cpus"] = os.cpu_count()
        print(json.dumps(figures, indent=1, default=str))
    finally:
        _django.teardown(engine)


def build(n: int, messages: bool = True) -> float:
    from django.db import connection
    from django.utils import timezone

    from unionhall.members.models import Branch, Employer, Member, Workplace
    from unionhall.outbox.models import Message

    t0 = time.perf_counter()
    employer = Employer.objects.create(name="Bench Probation", code="bench", kind="national")
    branch = Branch.objects.create(name="Bench branch", code="bench", employer=employer)
    workplace = Workplace.objects.create(name="Bench office", branch=branch)
    for start in range(0, n, 10_000):
        Member.objects.bulk_create([
            Member(membership_number=f"R{i:07d}", first_name=f"First{i}", last_name=f"Last{i}", first_name_key=f"first{i}",
                   last_name_key=f"last{i}", email=f"r{i}@example.org", postcode="AB1 2CD", employer=employer, branch=branch,
                   workplace=workplace, status="lapsed" if i % 10 == 0 else "active", lapsed_on=dt.date(2018, 6, 30) if i % 10 == 0 else None)
            for i in range(start, min(n, start + 10_000))
        ], batch_size=5000)  # fmt: skip
    ids = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    # Three messages a member: one 400 days old (due), two recent.
    for start in range(0, len(ids) if messages else 0, 10_000):
        Message.objects.bulk_create([
            Message(key=f"m{k}-{pk}", topic="bulletin", status="sent", member_id=pk, address="x@example.org",
                    queued_at=now - dt.timedelta(days=400 if k == 0 else k), next_attempt_at=now, sent_at=now)
            for k in range(3) for pk in ids[start:start + 10_000]
        ], batch_size=5000)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return round(time.perf_counter() - t0, 1)


def _stream(members) -> int:
    from unionhall.members.views import EXPORT_FIELDS

    out, lines = io.StringIO(), 0
    writer = csv.writer(out)
    for row in members.values_list(*EXPORT_FIELDS).iterator(chunk_size=2000):
        writer.writerow(row)
        lines += 1
        if out.tell() > 1 << 20:
            out.seek(0)
            out.truncate()
    return lines


def bench_export(repeat: int) -> dict:
    from unionhall import personal_data
    from unionhall.audit.models import Action
    from unionhall.audit.services import audit_record
    from unionhall.members.models import Member

    def before():
        members = Member.objects.filter(branch__code="bench")
        audit_record(actor=None, action=Action.EXPORT, subject=("members.register", "export"), detail={"count": members.count()})
        return _stream(members)

    def after():
        members, listed = personal_data.register_export_list(actor=None, members=Member.objects.filter(branch__code="bench"))
        audit_record(actor=None, action=Action.EXPORT, subject=("members.register", "export"), detail=listed)
        return _stream(members)

    def list_only():
        personal_data.register_export_list(actor=None, members=Member.objects.filter(branch__code="bench"))

    times = {"before": [], "after": [], "list_only": []}
    rows = {}
    for _ in range(repeat):
        for name, run in (("before", before), ("after", after), ("list_only", list_only)):
            t0 = time.perf_counter()
            rows[name] = run()
            times[name].append(time.perf_counter() - t0)
    medians = {name: round(statistics.median(ts), 3) for name, ts in times.items()}
    return {
        "rows": rows["before"],
        "same_rows": rows["before"] == rows["after"],
        "median_s": medians,
        "all_s": {name: [round(t, 3) for t in ts] for name, ts in times.items()},
        "slower_by": round(medians["after"] / medians["before"] - 1, 3),
    }


def _explain(rows) -> dict:
    from django.db import connection

    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]

    def nodes(node):
        yield f"{node['Node Type']}{' on ' + node['Relation Name'] if 'Relation Name' in node else ''}{' using ' + node['Index Name'] if 'Index Name' in node else ''}"
        for child in node.get("Plans", []):
            yield from nodes(child)

    top = plan["Plan"]
    return {"ms": round(plan["Execution Time"], 2), "plan": list(nodes(top)), "rows": top.get("Actual Rows"),
            "shared_buffers_read_or_hit": top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)}


def bench_due() -> dict:
    from django.db import connection
    from django.utils import timezone

    from unionhall.members.models import Member
    from unionhall.members.personal_data import ANONYMOUS_PREFIX, LEFT, member_anonymise
    from unionhall.outbox.models import Message
    from unionhall.outbox.personal_data import UNFINISHED, messages_delete

    before = timezone.localdate() - dt.timedelta(days=6 * 365)
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate() - dt.timedelta(days=365), dt.time.min))

    def lapsed():
        return (Member.objects.filter(status__in=LEFT, lapsed_on__lt=before, pk__gt=0).exclude(membership_number__startswith=ANONYMOUS_PREFIX)
                .order_by("pk").values_list("pk", flat=True)[:1000])  # fmt: skip

    def messages():
        return Message.objects.filter(queued_at__lt=start, pk__gt=0).exclude(status__in=UNFINISHED).order_by("pk").values_list("pk", flat=True)[:1000]

    def measure(label: str) -> dict:
        found = {}
        for index in INDEXES:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP INDEX IF EXISTS "{index}"')
        found["without_indexes"] = {"lapsed_due": _explain(lapsed()), "messages_due": _explain(messages())}
        with connection.cursor() as cursor:
            for create in INDEXES.values():
                cursor.execute(create)
            cursor.execute("ANALYZE members_member")
            cursor.execute("ANALYZE outbox_message")
        found["with_indexes"] = {"lapsed_due": _explain(lapsed()), "messages_due": _explain(messages())}
        return found

    figures = {"backlog": measure("backlog")}
    # Work the backlog off, as the first nightly run would; then nothing is due.
    while ids := list(lapsed()):
        member_anonymise(ids)
    while ids := list(messages()):
        messages_delete(ids)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE members_member")
        cursor.execute("VACUUM ANALYZE outbox_message")
    figures["steady_state"] = measure("steady")
    return figures


def bench_gin(n: int) -> dict:
    import random

    from django.db import connection
    from django.utils import timezone

    from unionhall.audit.models import AuditEntry
    from unionhall.datarights.looks import SEARCH

    rng = random.Random(5)
    now = timezone.now()
    t0 = time.perf_counter()
    for start in range(0, n, 10_000):
        AuditEntry.objects.bulk_create([
            AuditEntry(seq=i + 1, chain=9, chain_seq=i + 1, at=now, action="view", subject_type=SEARCH[0], subject_id=SEARCH[1],
                       detail={"filters": {}, "shown": [f"R{rng.randrange(1_000_000):07d}" for _ in range(50)]},
                       prev_digest="0" * 64, digest=f"{i:064x}")
            for i in range(start, min(n, start + 10_000))
        ], batch_size=5000)  # fmt: skip
    build_s = round(time.perf_counter() - t0, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditentry")
    number = AuditEntry.objects.filter(seq=n // 2).get().detail["shown"][0]
    rows = AuditEntry.objects.filter(subject_type=SEARCH[0], subject_id=SEARCH[1], detail__shown__contains=[number]).order_by("-seq")[:200]
    found = {"entries": n, "build_s": build_s, "without_gin": _explain(rows), "cte_without_gin": _explain_sql(*_cte(number))}
    with connection.cursor() as cursor:
        t0 = time.perf_counter()
        cursor.execute("CREATE INDEX audit_search_shown ON audit_auditentry USING gin ((detail -> 'shown') jsonb_path_ops) "
                       "WHERE subject_type = 'members.register' AND subject_id = 'search'")
        found["gin_build_s"] = round(time.perf_counter() - t0, 1)
        cursor.execute("SELECT pg_relation_size('audit_search_shown'), pg_relation_size('audit_auditentry')")
        found["gin_bytes"], found["table_bytes"] = cursor.fetchone()
        cursor.execute("ANALYZE audit_auditentry")
    found["with_gin"] = _explain(rows)
    found["cte_with_gin"] = _explain_sql(*_cte(number))
    return found


def _cte(number: str):
    """The query looks._searches_naming sends on PostgreSQL: the match first, then the order."""
    from unionhall.datarights.looks import searches_naming_sql

    return searches_naming_sql(number, since=None, limit=200)


def _explain_sql(sql: str, params: list) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]

    def nodes(node):
        yield f"{node['Node Type']}{' on ' + node['Relation Name'] if 'Relation Name' in node else ''}{' using ' + node['Index Name'] if 'Index Name' in node else ''}"
        for child in node.get("Plans", []):
            yield from nodes(child)

    return {"ms": round(plan["Execution Time"], 2), "plan": list(nodes(plan["Plan"])), "rows": plan["Plan"].get("Actual Rows")}


if __name__ == "__main__":
    main()
