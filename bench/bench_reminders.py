"""Reminders to 60,000 non-voters, sent to an SMTP sink on loopback (issue:
queued and sent in at most 5 minutes). Builds a union, opens a ballot whose
roll is everyone, schedules one reminder and times ``send_due_reminders``
end to end: reading the roll in batches, building each message, SMTP to an
aiosmtpd sink that counts what it receives. Prints one JSON object.

    python bench/bench_reminders.py [--members 63000] [--postgres]
"""

import argparse
import datetime as dt
import json
import resource
import socket
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import _django  # noqa: E402


class Counter:
    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 OK"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=63000)
    ap.add_argument("--postgres", action="store_true")
    args = ap.parse_args()
    engine = _django.setup("postgres" if args.postgres and _django.postgres_available() else "sqlite")
    try:
        run(args, engine)
    finally:
        _django.teardown(engine)


def run(args, engine):
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.utils import timezone

    from unionhall.ballots.models import Ballot, Question, Reminder, RollEntry
    from unionhall.ballots.reminders import schedule_reminder, send_due_reminders
    from unionhall.ballots.services import ballot_open
    from unionhall.members.demo.builder import build_demo_union
    from unionhall.members.models import Member

    build_demo_union(members=args.members, seed=5)
    Member.objects.update(wants_email=True)
    now = timezone.now()
    ballot = Ballot.objects.create(slug="remind", title="Reminder test", opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=7),
                                   manifest={"questions": []}, joint_key="00" * 32)  # the roll is what matters here  # fmt: skip
    Question.objects.create(ballot=ballot, position=1, key="q1", text="Yes or no?")
    ballot_open(ballot=ballot, actor=None)
    # The invitations queued at opening would go first: time one reminder alone.
    Reminder.objects.filter(ballot=ballot, kind=Reminder.Kind.INVITATION).update(status=Reminder.Status.CANCELLED)
    waiting = RollEntry.objects.filter(ballot=ballot, voted_at__isnull=True).count()

    sink = Counter()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.SMS_BACKEND = "unionhall.sms.LocmemBackend"
    schedule_reminder(ballot=ballot, send_at=now, actor=None, now=now)
    start = time.perf_counter()
    [reminder] = send_due_reminders()
    seconds = time.perf_counter() - start
    time.sleep(0.5)
    controller.stop()
    print(json.dumps({
        "bench": "reminders", "database": engine, "members": args.members, "non_voters": waiting,
        "emailed": reminder.emailed, "texted": reminder.texted, "unreachable": reminder.unreachable,
        "received_by_sink": sink.received, "seconds": round(seconds, 1), "per_second": round(reminder.emailed / seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "goal_seconds": 300,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
