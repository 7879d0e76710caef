"""Import 100,000 members from CSV (issue: at most 30 s and 500 MB peak memory
on 2 cores, on SQLite and on PostgreSQL). Each measurement runs in a fresh
process so its peak memory is its own. Prints one JSON object.

    python bench/bench_import.py [--members N]
"""

import argparse
import csv
import io
import json
import random
import resource
import subprocess
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import _django  # noqa: E402


def make_csv(branches: list[tuple[str, str, list[str]]], members: int, seed: int, changed_share: float = 0.0) -> bytes:
    """A register export: ``branches`` is [(employer code, branch code, [workplace names])]."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["membership_number", "first_name", "last_name", "email", "phone", "address_line1", "town",
                     "postcode", "employer", "branch", "workplace", "grade", "status", "joined_on"])  # fmt: skip
    for i in range(members):
        employer, branch, workplaces = branches[i % len(branches)]
        last = f"Surname{i % 5000}" + ("-Changed" if rng.random() < changed_share else "")
        writer.writerow([f"X{500000 + i}", f"First{i % 700}", last, f"member{i}@example.org", "07700 900123",
                         f"{i % 200 + 1} Mill Road", "Elmwood", "NE1 4AB", employer, branch, workplaces[i % len(workplaces)],
                         ("PO", "PSO", "SPO")[i % 3], "active", "2015-06-01"])  # fmt: skip
    return out.getvalue().encode()


def worker(engine: str, members: int) -> dict:
    label = _django.setup(engine)
    try:
        from unionhall.members.demo.builder import build_demo_union
        from unionhall.members.importer import member_import
        from unionhall.members.models import Branch

        build_demo_union(members=100, seed=1)
        branches = [(b.employer.code, b.code, [w.name for w in b.workplaces.all()]) for b in Branch.objects.select_related("employer")]
        first = make_csv(branches, members, seed=1)
        second = make_csv(branches, members, seed=2, changed_share=0.1)

        t = time.perf_counter()
        dry = member_import(data=first, dry_run=True, full=False)
        dry_s = time.perf_counter() - t
        t = time.perf_counter()
        report = member_import(data=first, dry_run=False, full=False)
        apply_s = time.perf_counter() - t
        assert report.applied and report.added == members, report.as_dict()
        t = time.perf_counter()
        again = member_import(data=second, dry_run=False, full=True)
        reimport_s = time.perf_counter() - t
        assert again.applied and again.updated > 0 and again.lapsed > 0, again.as_dict()
        return {
            "engine": label,
            "members": members,
            "csv_mb": round(len(first) / 1_048_576, 1),
            "dry_run_s": round(dry_s, 2),
            "import_new_s": round(apply_s, 2),
            "reimport_10pct_changed_s": round(reimport_s, 2),
            "reimport_updated": again.updated,
            "reimport_lapsed": again.lapsed,
            "dry_run_errors": dry.error_count,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
    finally:
        _django.teardown(engine)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--worker", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.members)))
        return
    engines = ["sqlite"] + (["postgres"] if _django.postgres_available() else [])
    results = {}
    for engine in engines:
        out = subprocess.run([sys.executable, __file__, "--worker", engine, "--members", str(args.members)],
                             capture_output=True, text=True, check=True)  # fmt: skip
        results[engine] = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps({"bench": "import_members", "goal": "<= 30 s and <= 500 MB per 100,000", "results": results}))


if __name__ == "__main__":
    main()
