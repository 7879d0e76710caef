"""100 members posting comments at once for 60 s (issue: no lost comment, no
error). gunicorn serves the real app on loopback against PostgreSQL; each
client thread is one signed-in member posting under one bulletin, as fast as
the per-member limits allow, with replies to others' comments mixed in.
Afterwards every comment the server acknowledged must be in the database,
once, and nothing else. Prints one JSON object.

    python bench/bench_comment_posting.py [--seconds 60] [--members 100] [--workers 3]
"""

import argparse
import http.client
import json
import math
import re
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import _django  # noqa: E402


PACE = 13  # seconds between one member's comments: inside 5 a minute and, over 60 s, 30 an hour


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--members", type=int, default=100)
    ap.add_argument("--workers", type=int, default=3)
    _django.run_on_postgres("comment_posting", run, ap.parse_args())


def run(args):
    import datetime as dt

    from django.utils import timezone

    from unionhall.bulletins.models import Comment, Series
    from unionhall.bulletins.publishing import BulletinDraft, do_publish_bulletin, do_write_bulletin
    from unionhall.members.demo.builder import build_demo_union
    from unionhall.members.models import Member, Office, Role

    build_demo_union(members=max(300, args.members * 3), seed=4)
    hq = Office.objects.current().filter(role=Role.HQ_ADMIN).select_related("member__user").first().member.user
    series = Series.objects.create(slug="load", name="Load test")
    draft = BulletinDraft(series=series, title="Talk to us", summary="A test.", body="Comments, please.", publish_at=timezone.now(), by_email=False)
    bulletin = do_publish_bulletin(bulletin=do_write_bulletin(user=hq, draft=draft), user=hq)
    long_ago = dt.date(2000, 1, 1)  # members of long standing: no first comment is held
    members = list(Member.objects.filter(status=Member.Status.ACTIVE, user__isnull=False).order_by("pk")[: args.members])
    Member.objects.filter(pk__in=[m.pk for m in members]).update(joined_on=long_ago)
    csrf, cookies = _django.session_cookies(m.user for m in members)
    path = f"/bulletins/{series.slug}/{bulletin.number}/comments/"
    acknowledged, statuses, latencies = [], {}, []
    lock = threading.Lock()

    with _django.Gunicorn(args.workers, BASE_URL="http://127.0.0.1") as port:
        deadline = time.perf_counter() + args.seconds

        def client(i: int):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            time.sleep(PACE * i / len(members))  # members come and go at their own times, not in step
            n = 0
            while time.perf_counter() < deadline:
                n += 1
                body = f"Member {i}, comment {n}: caseloads at my office are over the weighting again."
                form = {"body": body, "post_as": "name", "csrfmiddlewaretoken": csrf}
                with lock:  # now and then, a reply to someone's comment
                    if acknowledged and n % 3 == 0:
                        form["parent"] = acknowledged[-1][1]
                start = time.perf_counter()
                conn.request("POST", path, body=urllib.parse.urlencode(form),
                             headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies[i], "Host": "127.0.0.1",
                                      "Referer": "http://127.0.0.1/", "X-CSRFToken": csrf})  # fmt: skip
                response = conn.getresponse()
                response.read()
                location = response.getheader("Location") or ""
                with lock:
                    latencies.append((time.perf_counter() - start) * 1000)
                    posted = re.search(r"/bulletins/comments/(\d+)/", location)
                    key = f"{response.status} {'posted' if posted else 'refused'}"
                    statuses[key] = statuses.get(key, 0) + 1
                    if posted:
                        acknowledged.append((body, int(posted.group(1))))
                # Stay inside the per-member limits (5 a minute, 30 an hour): a
                # refusal would be the limit doing its job, not a lost comment.
                time.sleep(max(0.0, PACE - (time.perf_counter() - start)))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(len(members))]
        began = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - began

    stored = dict(Comment.objects.filter(bulletin=bulletin).values_list("pk", "body"))
    latencies.sort()
    print(json.dumps({
        "bench": "comment_posting", "engine": "postgres", "gunicorn_workers": args.workers, "members": len(members),
        "seconds": round(wall, 1), "statuses": statuses, "acknowledged": len(acknowledged), "stored": len(stored),
        "every_acknowledged_comment_stored_once": all(stored.get(pk) == body for body, pk in acknowledged) and len(stored) == len(acknowledged),
        "server_errors": sum(n for k, n in statuses.items() if k.startswith("5")),
        "p50_ms": round(latencies[len(latencies) // 2], 1) if latencies else None,
        "p99_ms": round(latencies[math.ceil(len(latencies) * 0.99) - 1], 1) if latencies else None,
        "goal": "100 members for 60 s: no lost comment, no error",
    }))  # fmt: skip


if __name__ == "__main__":
    main()
