"""A reminder to 60,000 non-voters through the outbox, sent to an SMTP sink on
loopback (issue: queued and sent in at most 5 minutes). Builds a union, opens
a ballot whose roll is everyone, schedules one reminder and times it end to
end: ``send_due_reminders`` reading the roll in batches and queueing one
outbox message per member, then db_worker processes sending them over SMTP
to an aiosmtpd sink that counts what it receives. Prints one JSON object,
with the machine's load.

    python bench/bench_reminders.py [--members 63000] [--workers 2] [--postgres]
"""

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import _django  # noqa: E402

TIMEOUT_S = 1800


class Counter:
    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        self.received += 1
        return "250 OK"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=63000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--postgres", action="store_true")
    args = ap.parse_args()
    port = _django.free_port()
    os.environ.update({
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false", "BASE_URL": "https://hall.example.org", "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "SMS_BACKEND": "unionhall.sms.LocmemBackend",
    })  # fmt: skip
    engine = _django.setup("postgres" if args.postgres and _django.postgres_available() else "sqlite")
    try:
        run(args, engine, port)
    finally:
        _django.teardown(engine)


def run(args, engine, port):
    from aiosmtpd.controller import Controller
    from django.db.models import Count
    from django.utils import timezone

    from unionhall.ballots.models import Ballot, Question, Reminder, RollEntry
    from unionhall.ballots.reminders import schedule_reminder, send_due_reminders
    from unionhall.ballots.setup import ballot_open
    from unionhall.members.demo.builder import build_demo_union
    from unionhall.outbox.models import Message

    build_demo_union(members=args.members, seed=5)
    now = timezone.now()
    ballot = Ballot.objects.create(slug="remind", title="Reminder test", opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=7),
                                   manifest={"questions": []}, joint_key="00" * 32)  # the roll is what matters here  # fmt: skip
    Question.objects.create(ballot=ballot, position=1, key="q1", text="Yes or no?")
    ballot_open(ballot=ballot, actor=None)
    # The invitations queued at opening would go first: time one reminder alone.
    Reminder.objects.filter(ballot=ballot, kind=Reminder.Kind.INVITATION).update(status=Reminder.Status.CANCELLED)
    waiting = RollEntry.objects.filter(ballot=ballot, voted_at__isnull=True).count()

    sink = Counter()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    reminder = schedule_reminder(ballot=ballot, send_at=now, actor=None, now=now)
    emails = Message.objects.filter(about_type="ballots.reminder", about_id=reminder.pk, channel="email")
    # The workers run throughout, as in production: sending starts with the first batch queued.
    workers = [
        subprocess.Popen([sys.executable, str(_django.REPO / "manage.py"), "db_worker", "--no-startup-delay", "--interval", "0.2"],
                         cwd=_django.REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        for _ in range(args.workers)
    ]
    time.sleep(3)  # their start-up is not the reminder's time
    load_at_start = os.getloadavg()
    start = time.perf_counter()
    try:
        [reminder] = send_due_reminders()
        queued_s = time.perf_counter() - start
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline and emails.filter(status__in=["queued", "sending"]).exists():
            time.sleep(0.5)
        seconds = time.perf_counter() - start
        load_at_end = os.getloadavg()
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    time.sleep(0.5)
    controller.stop()
    counts = dict(emails.values_list("status").annotate(n=Count("pk")))
    print(json.dumps({
        "bench": "reminders", "database": engine, "members": args.members, "non_voters": waiting, "workers": args.workers,
        "emailed": reminder.emailed, "texted": reminder.texted, "unreachable": reminder.unreachable, "outbox_emails": counts,
        "received_by_sink": sink.received, "seconds_to_queue": round(queued_s, 1), "seconds_end_to_end": round(seconds, 1),
        "per_second": round(counts.get("sent", 0) / seconds), "peak_rss_mb_main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "cpus": os.cpu_count(), "load_average_1_5_15_at_start": [round(x, 2) for x in load_at_start],
        "load_average_1_5_15_at_end": [round(x, 2) for x in load_at_end], "goal_seconds": 300,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
