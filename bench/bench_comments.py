"""A bulletin page with many comments (issue goal: 2,000 comments, p95 at
most 200 ms, and a number of SQL queries that does not grow with the
comments). Requests go through the whole stack with Django's test client.
Prints one JSON object.

    python bench/bench_comments.py [--comments N] [--engine sqlite|postgres] [--repeat R]
"""

import argparse
import json
import statistics
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import _django  # noqa: E402

REPLY_EVERY = 4  # every fourth comment is a reply to the one before it


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=2000)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    engine = _django.setup(args.engine)
    try:
        run(engine, args)
    finally:
        _django.teardown(engine)


def add_comments(bulletin, members, count, start):
    from unionhall.bulletins.models import Comment

    parent = None
    for i in range(count):
        member = members[i % len(members)]
        is_reply = parent is not None and i % REPLY_EVERY == 0
        comment = Comment(
            bulletin=bulletin, author=member, as_pseudonym=i % 2 == 0, author_label=f"Member {i % len(members)}",
            body=f"Comment {i}: *caseloads* are too high at [our office](https://example.org/{i}).", posted_at=start,
            parent=parent if is_reply else None,
        )  # fmt: skip
        comment.save()
        if not is_reply:
            parent = comment


def measure(client, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            t = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.status_code
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(int(len(timings) * 0.95) - 1, 0)], 1),
        "queries": len(queries),
    }


def run(engine, args):
    from django.conf import settings
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from unionhall.bulletins.models import Comment, Series
    from unionhall.bulletins.publishing import BulletinDraft, do_publish_bulletin, do_write_bulletin
    from unionhall.members.demo.builder import build_demo_union
    from unionhall.members.models import Member, Office, Role

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = False
    build_demo_union(members=500, seed=1)
    hq = Office.objects.current().filter(role=Role.HQ_ADMIN).first().member.user
    series = Series.objects.create(name="Bench", slug="bench")
    draft = BulletinDraft(series=series, title="Caseloads", summary="Count them.", body="Tell us.", publish_at=timezone.now(), by_email=False)
    bulletin = do_publish_bulletin(bulletin=do_write_bulletin(user=hq, draft=draft), user=hq)
    members = list(Member.objects.filter(user__isnull=False)[:200])
    reader = Member.objects.get(email__startswith="member@")
    client = Client()
    client.force_login(reader.user, backend="unionhall.members.backends.ModelBackend")
    url = f"/bulletins/{series.slug}/{bulletin.number}/"

    results = {}
    done = 0
    for size in sorted({min(200, args.comments), args.comments}):
        with transaction.atomic():
            add_comments(bulletin, members, size - done, timezone.now())
        done = size
        client.get(url)  # warm up
        results[str(size)] = measure(client, url, args.repeat)
    print(json.dumps({
        "bench": "bulletin_comments",
        "engine": engine,
        "comments": Comment.objects.filter(bulletin=bulletin).count(),
        "goal": "p95 <= 200 ms at 2,000 comments; queries do not grow with comments",
        "by_comment_count": results,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
