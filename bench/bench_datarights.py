"""Benchmark members' data rights (issue 17); prints ONE JSON object to stdout.

1. "My data" for a member with ten years of history: 120 ballot rolls (a
   dozen ballots a year, voted in most), 600 comments, 4,000 messages, 300
   looks at their record in an audit log of 20,000 entries, an office.
   Letters and cases belong to apps still being built (campaigns, casework),
   not yet declared: not counted. Figures: seconds to gather the data, to
   write the JSON and the PDF (target: the whole export in at most 2 s), and
   "who has looked".
2. A retention run over a register of --members members (default 100,000;
   the issue's figure is 1,000,000, run with --members 1000000), 10% of them
   lapsed more than six years ago, and as many delivery records a year old.
   Figures: seconds, rows per second, peak memory (resident set size), and
   that a run stopped half way resumes and finishes with the same counts.

Usage: python bench/bench_datarights.py [--engine sqlite|postgres] [--members N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import _django  # noqa: E402


LOG = 20_000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--members", type=int, default=100_000)
    args = parser.parse_args()
    engine = _django.setup(args.engine)
    try:
        figures = {"engine": engine, "python": platform.python_version()}
        figures["my_data"] = bench_export()
        figures["retention"] = bench_retention(args.members)
        figures["load_after"] = os.getloadavg()
        figures["cpus"] = os.cpu_count()
        print(json.dumps(figures, indent=1, default=str))
    finally:
        _django.teardown(engine)


def _union():
    from unionhall.members.models import Branch, Employer, Workplace

    employer = Employer.objects.create(name="Bench Probation", code="bench", kind="national")
    branch = Branch.objects.create(name="Bench branch", code="bench", employer=employer)
    return employer, branch, Workplace.objects.create(name="Bench office", branch=branch)


def bench_export() -> dict:
    from django.utils import timezone

    from unionhall.audit.models import Action
    from unionhall.audit.services import audit_record
    from unionhall.ballots.models import Ballot, Cast, RollEntry
    from unionhall.bulletins.models import Bulletin, Comment, Series
    from unionhall.datarights import export, looks
    from unionhall.members.models import Member, Office, User
    from unionhall.outbox.models import Message

    employer, branch, workplace = _union()
    rng = random.Random(17)
    now = timezone.now()
    user = User.objects.create_user("ten.years@example.org")
    member = Member.objects.create(membership_number="T10", first_name="Ten", last_name="Years", email=user.email, user=user,
                                   employer=employer, branch=branch, workplace=workplace, joined_on=dt.date(2016, 1, 1))  # fmt: skip
    officer_user = User.objects.create_user("officer@example.org")
    officer = Member.objects.create(membership_number="O1", first_name="Officer", last_name="Bench", user=officer_user,
                                    employer=employer, branch=branch)  # fmt: skip
    Office.objects.create(member=officer, role="branch_secretary", branch=branch, starts_on=dt.date(2016, 1, 1))
    days = [now - dt.timedelta(days=rng.randrange(3650)) for _ in range(5000)]
    ballots = Ballot.objects.bulk_create([
        Ballot(slug=f"b{i}", title=f"Ballot {i}", opens_at=days[i] - dt.timedelta(days=14), closes_at=days[i], status="closed")
        for i in range(120)
    ])  # fmt: skip
    entries = RollEntry.objects.bulk_create([
        RollEntry(ballot=b, member=member, alias=f"A{b.pk}", area="Bench branch", voted_at=b.closes_at if rng.random() < 0.7 else None)
        for b in ballots
    ])  # fmt: skip
    Cast.objects.bulk_create([Cast(ballot_id=e.ballot_id, roll_entry=e, content={"c": "secret"}, tracker=f"t{e.pk}") for e in entries if e.voted_at])
    series = Series.objects.create(name="Bench", slug="bench")
    bulletins = Bulletin.objects.bulk_create([
        Bulletin(series=series, title=f"Bulletin {i}", summary="s", body="b", publish_at=days[i], written_by=officer_user, written_at=days[i])
        for i in range(200)
    ])  # fmt: skip
    Comment.objects.bulk_create([
        Comment(bulletin=rng.choice(bulletins), author=member, author_label="Ten Years", body="My caseload " * 20, posted_at=days[i])
        for i in range(600)
    ])  # fmt: skip
    Message.objects.bulk_create([
        Message(key=f"m{i}", topic="bulletin", status="sent", member=member, address=user.email, queued_at=days[i], next_attempt_at=days[i], sent_at=days[i])
        for i in range(4000)
    ])  # fmt: skip
    for i in range(LOG):  # the union's log: one look in 66 at this member, the rest at others
        subject = member if i % 66 == 0 else ("members.member", str(100_000 + i))
        audit_record(actor=officer_user, action=Action.VIEW, subject=subject, detail={"page": "member detail"})

    t0 = time.perf_counter()
    data = export.member_data(member)
    t1 = time.perf_counter()
    as_json = export.as_json(data)
    t2 = time.perf_counter()
    as_pdf = export.as_pdf(data)
    t3 = time.perf_counter()
    found = looks.looks_at(member)
    t4 = time.perf_counter()
    from unionhall import personal_data

    slowest = []
    for item in personal_data.declarations():
        start = time.perf_counter()
        export._rows(item, member.pk, False)
        slowest.append((round(time.perf_counter() - start, 4), item.model))
    return {
        "slowest_kinds_s": sorted(slowest, reverse=True)[:4],
        "rows": data.row_count,
        "gather_s": round(t1 - t0, 3),
        "json_s": round(t2 - t1, 3),
        "pdf_s": round(t3 - t2, 3),
        "export_total_s": round(t3 - t0, 3),
        "target_s": 2.0,
        "json_bytes": len(as_json),
        "pdf_bytes": len(as_pdf),
        "who_looked_s": round(t4 - t3, 3),
        "looks_shown": len(found.officers),
        "audit_log_entries": LOG,
    }


def bench_retention(n: int) -> dict:
    from django.utils import timezone

    from unionhall.datarights import retention
    from unionhall.members.models import Branch, Member, Workplace
    from unionhall.outbox.models import Message

    branch = Branch.objects.get(code="bench")
    workplace = Workplace.objects.get(branch=branch)
    rng = random.Random(23)
    long_ago, now = dt.date(2018, 6, 30), timezone.now()
    old = now - dt.timedelta(days=400)
    t0 = time.perf_counter()
    for start in range(0, n, 10_000):
        batch = []
        for i in range(start, min(n, start + 10_000)):
            gone = rng.random() < 0.10
            batch.append(Member(
                membership_number=f"R{i:07d}", first_name=f"First{i}", last_name=f"Last{i}", first_name_key=f"first{i}",
                last_name_key=f"last{i}", email=f"r{i}@example.org", postcode="AB1 2CD", employer_id=branch.employer_id,
                branch=branch, workplace=workplace, status="lapsed" if gone else "active", lapsed_on=long_ago if gone else None,
            ))  # fmt: skip
        Member.objects.bulk_create(batch, batch_size=2000)
    members = Member.objects.filter(membership_number__startswith="R").order_by("pk").values_list("pk", flat=True)
    ids = list(members[: n // 10])
    Message.objects.bulk_create([
        Message(key=f"r{i}", topic="bulletin", status="sent", member_id=pk, address="x@example.org", queued_at=old, next_attempt_at=old, sent_at=old)
        for i, pk in enumerate(ids)
    ], batch_size=2000)  # fmt: skip
    build_s = time.perf_counter() - t0
    due_members = Member.objects.filter(status="lapsed", membership_number__startswith="R").count()

    t0 = time.perf_counter()
    dry = {f"{d.key}:{d.model}": d.count for d in retention.retention_dry_run()}
    dry_s = time.perf_counter() - t0
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    half = retention.retention_run(stop_after=max(1, (due_members + len(ids)) // retention.BATCH // 2))
    stopped = dict(half.counts)
    run = retention.retention_run()  # resumes the stopped run
    run_s = time.perf_counter() - t0
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    changed = sum(run.counts.values())
    return {
        "register": n,
        "lapsed_due": due_members,
        "messages_due": len(ids),
        "build_s": round(build_s, 1),
        "dry_run_s": round(dry_s, 2),
        "dry_run": dry,
        "stopped_half_way_at": stopped,
        "resumed_same_run": half.pk == run.pk,
        "counts": run.counts,
        "all_due_done": run.counts == {k: v for k, v in dry.items() if v},
        "run_s": round(run_s, 2),
        "rows_per_s": round(changed / run_s) if run_s else None,
        "projected_1m_register_s": round(run_s * 1_000_000 / n, 1),
        "target_1m_s": 600,
        "peak_rss_mb_before_run": round(rss_before / 1024, 1),
        "peak_rss_mb_after_run": round(rss_after / 1024, 1),
    }


if __name__ == "__main__":
    main()
