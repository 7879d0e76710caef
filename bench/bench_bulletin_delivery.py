"""Deliver one bulletin to every member through the outbox and the task
queue (the database backend, with db_worker processes) to an SMTP sink on
loopback (aiosmtpd), end to end: publish, release, fan-out into outbox
messages, send, every message on disk. Issue goal: 100,000 members in at
most 5 minutes. Prints one JSON object, with the machine's load.

    python bench/bench_bulletin_delivery.py [--members N] [--workers W] [--engine sqlite|postgres]
"""

import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import _django  # noqa: E402

TIMEOUT_S = 1800


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_kb(pid: int) -> int:
    """A running process's peak resident memory (VmHWM), in kB. (RUSAGE_CHILDREN
    would report the parent's size at fork for a child that never grew past it.)"""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """A running process's CPU time so far (user and system), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    port = free_port()
    os.environ.update({
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false", "BASE_URL": "https://hall.example.org", "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    })  # fmt: skip
    engine = _django.setup(args.engine)
    try:
        run(engine, args, port)
    finally:
        _django.teardown(engine)


def run(engine, args, port):
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult
    from django.utils import timezone

    from unionhall.bulletins.delivery import email_recipients
    from unionhall.bulletins.models import Audience, Bulletin, Series
    from unionhall.bulletins.publishing import BulletinDraft, do_publish_bulletin, do_write_bulletin
    from unionhall.mailsink import start_sink
    from unionhall.members.demo.builder import build_demo_union
    from unionhall.members.models import Member, Office, Role
    from unionhall.outbox.models import Message

    t = time.perf_counter()
    build_demo_union(members=args.members, seed=1)
    build_s = time.perf_counter() - t
    sink_dir = Path(tempfile.mkdtemp(prefix="unionhall-sink-"))
    sink = start_sink(sink_dir, port=port)
    hq = Office.objects.current().filter(role=Role.HQ_ADMIN).select_related("member__user").first().member.user
    series = Series.objects.create(name="Bench bulletins", slug="bench")
    draft = BulletinDraft(series=series, title="Pay offer", summary="The employer made an offer.", body="Details *here*.\n\n- one\n- two",
                          publish_at=timezone.now(), audience=Audience.ALL)  # fmt: skip

    t0 = time.perf_counter()
    bulletin = do_publish_bulletin(bulletin=do_write_bulletin(user=hq, draft=draft), user=hq)
    expected = email_recipients(bulletin).count()
    workers = [
        subprocess.Popen([sys.executable, str(_django.REPO / "manage.py"), "db_worker", "--no-startup-delay", "--interval", "0.2"],
                         cwd=_django.REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        for _ in range(args.workers)
    ]
    load_at_start = os.getloadavg()
    main_cpu_at_start = cpu_seconds(os.getpid())
    fanned_out_s = None
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            released = Bulletin.objects.filter(pk=bulletin.pk, released_at__isnull=False).exists()
            emails = Message.objects.filter(about_type="bulletins.bulletin", about_id=bulletin.pk, channel="email")
            written = emails.count()
            if fanned_out_s is None and written == expected:
                fanned_out_s = time.perf_counter() - t0
            if released and written == expected and not emails.filter(status__in=["queued", "sending"]).exists():
                break
            failed = DBTaskResult.objects.filter(status="FAILED").values_list("task_path", "exception_class_path").first()
            if failed:
                raise SystemExit(f"a task failed: {failed}")
            time.sleep(0.5)
        seconds = time.perf_counter() - t0
        load_at_end = os.getloadavg()
        worker_peak_kb = max(peak_rss_kb(worker.pid) for worker in workers)
        worker_cpu_s = sum(cpu_seconds(worker.pid) for worker in workers)
        main_cpu_s = cpu_seconds(os.getpid()) - main_cpu_at_start
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    sink.stop()
    counts = dict(Message.objects.filter(about_type="bulletins.bulletin", about_id=bulletin.pk).values_list("status").annotate(n=Count("pk")))
    files = sum(1 for _ in sink_dir.glob("*.eml"))
    shutil.rmtree(sink_dir)
    print(json.dumps({
        "bench": "bulletin_delivery",
        "engine": engine,
        "members": Member.objects.count(),
        "workers": args.workers,
        "build_demo_s": round(build_s, 1),
        "email_recipients": expected,
        "outbox_messages": counts,
        "files_in_sink": files,
        "seconds_to_fan_out": round(fanned_out_s, 1) if fanned_out_s is not None else None,
        "seconds_end_to_end": round(seconds, 1),
        "emails_per_second": round(counts.get("sent", 0) / seconds, 1) if seconds else None,
        "peak_rss_mb_main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_mb_worker": round(worker_peak_kb / 1024, 1),
        "cpu_s_workers": round(worker_cpu_s, 1),
        "cpu_s_main_and_sink": round(main_cpu_s, 1),
        "cpus": os.cpu_count(),
        "load_average_1_5_15_at_start": [round(x, 2) for x in load_at_start],
        "load_average_1_5_15_at_end": [round(x, 2) for x in load_at_end],
        "goal": "100,000 members in <= 300 s",
    }))  # fmt: skip


if __name__ == "__main__":
    main()
