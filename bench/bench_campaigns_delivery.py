"""10,000 campaign letters confirmed at once, delivered to an SMTP sink on
loopback (aiosmtpd, unionhall.mailsink) through the outbox and the task
queue (the database backend, with db_worker processes). Issue 11's goal:
delivered in at most 3 minutes, peak memory reported. Prints ONE JSON object.

The workload: one campaign to members' MPs; N members (default 10,000) at
real postcode sectors each have a letter of their own words waiting to be
confirmed (saved as letter_write saves it: unconfirmed, with the hash of
its emailed link; writing is timed in bench_campaigns_letters). Then:

1. the first --confirm-sample letters (default 300) are confirmed through
   services.letter_confirm, as the confirm button does (the near-duplicate
   check, the sketch, the kept counts, the letter and the writer's copy
   queued in the outbox, the delivery task enqueued), timed: confirms/s;
2. the rest are put in the state a confirm leaves them in, in bulk: marked
   sent, their two emails queued through the same services._queue_quietly
   a confirm calls, the kept counts recounted. (On 2 shared cores at load
   8 a confirm takes 100-400 ms, so 10,000 through the service would take
   most of an hour; what the goal measures is delivery.) No worker runs
   during 1 and 2: the burst is all queued at once;
3. W db_worker processes start, and the clock runs until every letter and
   copy is sent (none queued or sending) and written to the sink.

Letters go to <constituency>.<letter>@letters.invalid (CAMPAIGNS_DELIVER_LETTERS
off), so nothing could reach a real MP even with a real SMTP server.

    python bench/bench_campaigns_delivery.py [--letters N] [--workers W] [--engine postgres|sqlite]
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _django  # noqa: E402
from bench_bulletin_delivery import cpu_seconds, free_port, peak_rss_kb  # noqa: E402

TIMEOUT_S = 1800


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--confirm-sample", type=int, default=300)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="postgres")
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


def run(engine: str, args, port: int) -> None:
    from django.db.models import Count
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from unionhall.campaigns import constituencies, services
    from unionhall.campaigns.models import Campaign, Letter
    from unionhall.campaigns.tallies import tallies_check
    from unionhall.mailsink import start_sink
    from unionhall.members.models import Branch, Employer, Member, User
    from unionhall.outbox.models import Message

    n = args.letters
    rng = random.Random(11)
    vocabulary = [f"{rng.choice('bcdfghklmnprstvw')}{rng.choice('aeiou')}{rng.choice('bcdfghklmnprstvw')}{rng.choice('aeiou')}{i}" for i in range(3000)]
    reps = constituencies.representatives()
    sectors = [s for s, rows in constituencies.sectors().items() if len(rows) == 1 and reps[rows[0][0]].email]

    t = time.perf_counter()
    employer = Employer.objects.create(name="Bench employer", code="bench", kind=Employer.Kind.NATIONAL)
    branches = Branch.objects.bulk_create([Branch(name=f"Bench {b:02d}", code=f"bench{b}", employer=employer) for b in range(20)])
    users = User.objects.bulk_create([User(email=f"w{i}@bench.example") for i in range(n)], batch_size=2000)
    members = Member.objects.bulk_create([
        Member(membership_number=f"W{i:07d}", user=users[i], first_name="Writer", last_name=f"N{i}", first_name_key="writer",
               last_name_key=f"n{i}", email=f"w{i}@bench.example", employer=employer, branch=branches[i % len(branches)],
               postcode=f"{rng.choice(sectors)}AB", address_line1=f"{i} Bench Road")
        for i in range(n)
    ], batch_size=2000)  # fmt: skip
    now = timezone.now()
    campaign = Campaign.objects.create(title="Fund safe caseloads", slug="bench", summary="s", brief="b", points="p",
                                       model_letter="Dear [representative],\n[your story]", subject="Safe caseloads",
                                       status=Campaign.Status.OPEN, created_by=users[0], created_at=now)  # fmt: skip
    tokens, letters = [], []
    for member in members:
        rep = reps[constituencies.find(member.postcode).candidates[0].representative.code]
        story = " ".join(" ".join(rng.choices(vocabulary, k=rng.randint(8, 16))).capitalize() + "." for _ in range(rng.randint(6, 10)))
        token = secrets.token_urlsafe(24)
        tokens.append(token)
        letters.append(Letter(campaign=campaign, member=member, constituency_code=rep.code, constituency_name=rep.constituency,
                              recipient_name=rep.title, recipient_email=rep.email, body=f"Dear {rep.title},\n\n{story}\n\nYours sincerely,\n{member.full_name}",
                              signed_name=member.full_name, address=f"{member.address_line1}\n{member.postcode}",
                              token_hash=hashlib.sha256(token.encode()).hexdigest(), written_at=now))  # fmt: skip
    Letter.objects.bulk_create(letters, batch_size=2000)
    build_s = time.perf_counter() - t

    # 1. Confirms through the service, no worker yet: the outbox fills.
    sample = min(args.confirm_sample, n)
    t = time.perf_counter()
    held = 0
    for token in tokens[:sample]:
        held += services.letter_confirm(token=token).status == Letter.Status.HELD
    confirm_s = time.perf_counter() - t
    # 2. The rest, in bulk, queued by the confirm's own queueing function.
    from django.db import transaction

    from unionhall.campaigns.tallies import tallies_rebuild

    t = time.perf_counter()
    rest = list(Letter.objects.filter(campaign=campaign, status=Letter.Status.UNCONFIRMED).select_related("campaign", "member").order_by("pk"))
    for start in range(0, len(rest), 250):
        with transaction.atomic():
            chunk = rest[start : start + 250]
            stamp = timezone.now()
            Letter.objects.filter(pk__in=[l.pk for l in chunk]).update(status=Letter.Status.SENT, confirmed_at=stamp, sent_at=stamp, token_hash="", likeness=0.0)
            for letter in chunk:
                to = f"{letter.constituency_code}.{letter.pk}@{services.NOT_DELIVERED_DOMAIN}"
                body = services._letter_email_body(letter)
                services._queue_quietly(subject=campaign.subject, body=body, to=to, topic=services.TOPIC_LETTER,
                                        key=f"{services.TOPIC_LETTER}:{letter.pk}", reply_to=letter.member.email, letter=letter)  # fmt: skip
                services._queue_quietly(subject=f"Sent: your letter to {letter.recipient_name}", to=letter.member.email, member_id=letter.member_id,
                                        topic=services.TOPIC_COPY, key=f"{services.TOPIC_COPY}:{letter.pk}", letter=letter,
                                        body=f"Your letter to {letter.recipient_name} went today. This is your copy.\n\n{body}")  # fmt: skip
    with transaction.atomic():
        services.deliver_soon(campaign.pk)  # as the first confirm of a burst does (one is waiting already from step 1)
    tallies_rebuild(campaign)
    bulk_s = time.perf_counter() - t
    topics = (services.TOPIC_LETTER, services.TOPIC_COPY)
    emails = Message.objects.filter(topic__in=topics)
    expected = emails.count()
    tasks = DBTaskResult.objects.count()

    # 2. Delivery: the workers drain the queue into the sink.
    sink_dir = Path(tempfile.mkdtemp(prefix="unionhall-sink-"))
    sink = start_sink(sink_dir, port=port)
    load_at_start = os.getloadavg()
    main_cpu_at_start = cpu_seconds(os.getpid())
    t0 = time.perf_counter()
    workers = [
        subprocess.Popen([sys.executable, str(_django.REPO / "manage.py"), "db_worker", "--no-startup-delay", "--interval", "0.2"],
                         cwd=_django.REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        for _ in range(args.workers)
    ]
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            if not emails.filter(status__in=["queued", "sending"]).exists():
                break
            failed = DBTaskResult.objects.filter(status="FAILED").values_list("task_path", "exception_class_path").first()
            if failed:
                raise SystemExit(f"a task failed: {failed}")
            time.sleep(0.25)
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
    counts = dict(emails.values_list("status").annotate(n=Count("pk")))
    letters_sent = Message.objects.filter(topic=services.TOPIC_LETTER, status="sent").count()
    files = replying = 0
    for eml in sink_dir.glob("*.eml"):
        files += 1
        head = eml.read_text(errors="replace").split("\n\n", 1)[0]
        replying += "\nReply-To: w" in head and "@letters.invalid" in head  # a letter, answering to its writer

    shutil.rmtree(sink_dir)
    print(json.dumps({
        "bench": "campaigns_delivery",
        "engine": engine,
        "letters": n,
        "held_as_near_copies": held,
        "workers": args.workers,
        "build_s": round(build_s, 1),
        "confirmed_through_service": sample,
        "confirm_s": round(confirm_s, 1),
        "confirms_per_s": round(sample / confirm_s, 1) if confirm_s else None,
        "queued_in_bulk": len(rest),
        "bulk_queue_s": round(bulk_s, 1),
        "emails_queued": expected,
        "send_tasks_queued": tasks,
        "outbox_messages": counts,
        "files_in_sink": files,
        "letters_in_sink_with_reply_to_the_writer": replying,
        "seconds_to_deliver": round(seconds, 1),
        "letters_per_s": round(letters_sent / seconds, 1) if seconds else None,
        "emails_per_s": round(counts.get("sent", 0) / seconds, 1) if seconds else None,
        "peak_rss_mb_main_and_sink": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_mb_worker": round(worker_peak_kb / 1024, 1),
        "cpu_s_workers": round(worker_cpu_s, 1),
        "cpu_s_main_and_sink": round(main_cpu_s, 1),
        "tallies_equal_a_recount": tallies_check(campaign),
        "cpus": os.cpu_count(),
        "load_average_1_5_15_at_start": [round(x, 2) for x in load_at_start],
        "load_average_1_5_15_at_end": [round(x, 2) for x in load_at_end],
        "goal": "10,000 letters delivered in <= 180 s",
    }))  # fmt: skip


if __name__ == "__main__":
    main()
