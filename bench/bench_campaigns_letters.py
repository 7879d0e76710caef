"""Benchmark a campaign's letters at scale; prints ONE JSON object.

The workload: one campaign to members' MPs with N letters already sent
(default 20,000; --quick 2,000), each of its own words (random sentences
from a 2,000-word vocabulary) from a member at a real postcode sector, with
their sketches. Then W more members (default 200) each write a letter and
confirm it from the emailed link, as the pages do (letter_write then
letter_confirm, each one transaction with its audit entries and outbox
mail); one in ten of them copies a letter already sent, which must be held.

The letters already sent have writers in --branches branches (default 40),
one in four asked about a reply and one in ten reporting one, one in 200
sharing its text, each with its outbox message (one in 500 bounced); the
campaign's kept counts (tallies.py) are rebuilt once after the bulk insert.

Figures: p50 and p95 milliseconds of writing, of confirming, and of the
near-duplicate check alone that confirming runs against every letter sent
(two queries however many there are), queries per confirm, whether every copy was held and no
own letter was; and the officers' report (the count by constituency and
the hex map) in milliseconds; and the officers' campaign page itself
(GET /campaigns/manage/<slug>/ through Django's test client, signed in as
HQ): the first request (where members live not yet cached), then p50/p95 of
--page-requests more, with the queries each page makes. On SQLite, and on PostgreSQL when a server
answers (BENCH_POSTGRES, default postgres://postgres@127.0.0.1:5432).

Usage: python bench/bench_campaigns_letters.py [--quick] [--engine sqlite|postgres]
       [--letters N] [--writers W] [--branches B] [--no-sketches] [--page-requests R]

The page at 100,000 letters without the writers' part (sketches are only
for the near-duplicate check):
    python bench/bench_campaigns_letters.py --engine postgres --letters 100000 --writers 0 --no-sketches
"""

import argparse
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _django  # noqa: E402


def p(values, q):
    values = sorted(values)
    return round(values[max(0, int(len(values) * q) - 1)], 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--letters", type=int)
    parser.add_argument("--writers", type=int, default=200)
    parser.add_argument("--branches", type=int, default=40)
    parser.add_argument("--no-sketches", action="store_true", help="skip the letters' sketches (the page does not read them)")
    parser.add_argument("--page-requests", type=int, default=40)
    args = parser.parse_args()
    n = args.letters or (2_000 if args.quick else 20_000)
    engine = _django.setup(args.engine)
    try:
        run(engine, n, args.writers, branches=args.branches, sketches=not args.no_sketches, page_requests=args.page_requests)
    finally:
        _django.teardown(engine)


def run(engine: str, n: int, writers: int, *, branches: int = 40, sketches: bool = True, page_requests: int = 40) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from unionhall.campaigns import constituencies, likeness, services
    from unionhall.campaigns.mapping import hex_map
    from unionhall.campaigns.models import Campaign, Letter, LetterSketch
    from unionhall.members.models import Branch, Employer, Member, User
    from unionhall.campaigns.tallies import tallies_check, tallies_rebuild
    from unionhall.outbox.models import Content, Message

    settings.UNIONHALL_BASE_URL = "https://hall.example.org"
    rng = random.Random(7)
    vocabulary = [f"{rng.choice('bcdfghklmnprstvw')}{rng.choice('aeiou')}{rng.choice('bcdfghklmnprstvw')}{rng.choice('aeiou')}{i}" for i in range(2000)]
    sectors = [s for s, rows in constituencies.sectors().items() if len(rows) == 1 and constituencies.representatives()[rows[0][0]].email]

    def own_text(name: str) -> str:
        sentences = [" ".join(rng.choices(vocabulary, k=rng.randint(8, 16))).capitalize() + "." for _ in range(rng.randint(6, 10))]
        return "Dear MP,\n\n" + " ".join(sentences) + f"\n\nYours sincerely,\n{name}"

    t0 = time.perf_counter()
    employer = Employer.objects.create(name="Bench employer", code="bench", kind=Employer.Kind.NATIONAL)
    branch_list = Branch.objects.bulk_create([Branch(name=f"Bench {b:02d}", code=f"bench{b}", employer=employer) for b in range(max(1, branches))])
    total = n + writers
    users = User.objects.bulk_create([User(email=f"m{i}@bench.example") for i in range(total)], batch_size=2000)
    members = Member.objects.bulk_create([
        Member(membership_number=f"B{i:07d}", user=users[i], first_name="Member", last_name=f"N{i}", first_name_key="member",
               last_name_key=f"n{i}", email=f"m{i}@bench.example", employer=employer, branch=branch_list[i % len(branch_list)],
               postcode=f"{rng.choice(sectors)}AB", address_line1=f"{i} Bench Road")
        for i in range(total)
    ], batch_size=2000)  # fmt: skip
    admin = users[0]
    now = timezone.now()
    campaign = Campaign.objects.create(title="Bench", slug="bench", summary="s", brief="b", points="p", model_letter="Dear [representative],\n[your story]",
                                       subject="Bench", status=Campaign.Status.OPEN, created_by=admin, created_at=now)  # fmt: skip
    reps = constituencies.representatives()
    letters, texts = [], []
    for i, member in enumerate(members[:n]):
        rep = reps[constituencies.find(member.postcode).candidates[0].representative.code]
        body = own_text(member.full_name)
        texts.append(body)
        asked, got = i % 4 == 0, i % 10 == 0
        letters.append(Letter(campaign=campaign, member=member, status=Letter.Status.SENT, constituency_code=rep.code, constituency_name=rep.constituency,
                              recipient_name=rep.title, recipient_email=rep.email, body=body, signed_name=member.full_name,
                              address="1 Bench Road", written_at=now - dt.timedelta(days=2), sent_at=now - dt.timedelta(days=2),
                              reply_asked_at=now if asked else None, got_reply=True if got else (False if asked else None),
                              reply_after_days=rng.randint(2, 30) if got else None, reply_answered=rng.choice(["yes", "partly", "no"]) if got else "",
                              reply_text="Thank you for your letter." if i % 200 == 0 else "", reply_recorded_at=now if asked or got else None))  # fmt: skip
    Letter.objects.bulk_create(letters, batch_size=2000)
    if sketches:
        LetterSketch.objects.bulk_create(
            (LetterSketch(campaign=campaign, letter=letter, hash=h) for letter in letters for h in services.sketch_of(letter)),
            batch_size=5000,
        )  # fmt: skip
    content = Content.objects.create(subject="Bench", text="A letter.", created_at=now)
    Message.objects.bulk_create((
        Message(key=f"{services.TOPIC_LETTER}:{letter.pk}", topic=services.TOPIC_LETTER, status="bounced" if i % 500 == 7 else "sent",
                address=f"{letter.constituency_code}.{letter.pk}@letters.invalid", content=content, about_type=Letter._meta.label_lower,
                about_id=letter.pk, queued_at=now, next_attempt_at=now, sent_at=now, last_error="550 no such user" if i % 500 == 7 else "")
        for i, letter in enumerate(letters)
    ), batch_size=5000)  # fmt: skip
    tallies_rebuild(campaign)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    build_s = time.perf_counter() - t0

    write_ms, confirm_ms, check_ms, queries = [], [], [], []
    copies = held_copies = own_held = 0
    for i, member in enumerate(members[n:]):
        copy = i % 10 == 9
        body = texts[rng.randrange(n)].replace("Yours sincerely,\n", "Yours sincerely,\nX ") if copy else own_text(member.full_name)
        draft = services.LetterDraft(body=body, signed_name=member.full_name, address="1 Bench Road", postcode=member.postcode)
        t = time.perf_counter()
        services.letter_write(member=member, campaign=campaign, draft=draft)
        write_ms.append((time.perf_counter() - t) * 1000)
        written = Letter.objects.get(campaign=campaign, member=member)
        t = time.perf_counter()
        services.most_alike(written)
        check_ms.append((time.perf_counter() - t) * 1000)
        text = Message.objects.get(topic=services.TOPIC_CONFIRM, member=member).content.text
        token = re.search(r"/campaigns/confirm/([^/]+)/", text).group(1)
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            letter = services.letter_confirm(token=token)
            confirm_ms.append((time.perf_counter() - t) * 1000)
        queries.append(len(ctx))
        copies += copy
        held_copies += copy and letter.status == Letter.Status.HELD
        own_held += (not copy) and letter.status == Letter.Status.HELD

    from unionhall.campaigns import replies
    from unionhall.members.remit import Remit

    page = page_timings(campaign, members[0], page_requests)
    report_ms, full_report_ms, parts_ms = [], [], {}
    for _ in range(10):
        t = time.perf_counter()
        counts = services.letter_counts(campaign)
        hex_map({c.code: c.letters for c in counts})
        report_ms.append((time.perf_counter() - t) * 1000)
        # Everything else the page computes: by branch, responsiveness, undelivered, MPs not reached (HQ's remit: every member).
        for name, part in (("branch_counts", lambda: services.branch_counts(campaign)), ("responsiveness", lambda: replies.responsiveness(campaign)),
                           ("undelivered", lambda: services.undelivered(campaign)),
                           ("mps_not_reached", lambda: services.mps_not_reached(remit=Remit(everyone=True), campaign=campaign))):  # fmt: skip
            t_part = time.perf_counter()
            part()
            parts_ms.setdefault(name, []).append((time.perf_counter() - t_part) * 1000)
        full_report_ms.append((time.perf_counter() - t) * 1000)

    def q(values, at):
        return p(values, at) if values else None

    print(json.dumps({
        "bench": "campaigns_letters",
        "engine": engine,
        "letters_sent_before": n,
        "sketch_rows": LetterSketch.objects.count(),
        "build_s": round(build_s, 1),
        "writers": writers,
        "write_ms": {"p50": q(write_ms, 0.5), "p95": q(write_ms, 0.95)},
        "confirm_ms": {"p50": q(confirm_ms, 0.5), "p95": q(confirm_ms, 0.95)},
        "likeness_check_ms": {"p50": q(check_ms, 0.5), "p95": q(check_ms, 0.95)},
        "queries_per_confirm": {"min": min(queries, default=None), "max": max(queries, default=None)},
        "copies_held": f"{held_copies}/{copies}",
        "own_letters_held": own_held,
        "report_ms": {"p50": p(report_ms, 0.5), "max": round(max(report_ms), 1)},
        "report_parts_p50_ms": {name: p(values, 0.5) for name, values in parts_ms.items()},
        "full_report_ms": {"p50": p(full_report_ms, 0.5), "p95": p(full_report_ms, 0.95), "max": round(max(full_report_ms), 1)},
        "constituencies": len(counts),
        "branches": len(branch_list),
        "tallies_equal_a_recount": tallies_check(campaign),
        "officers_page": page,
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
    }))  # fmt: skip


def page_timings(campaign, officer, requests: int) -> dict:
    """The officers' campaign page as HQ sees it, through the whole stack
    (middleware, the view, the template): the first request with nothing
    cached, then ``requests`` more; milliseconds and queries per page."""
    import time as _time

    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY, AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.totp.internal.auth import TOTP
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from unionhall.members.models import Office, Role, SecondFactorApproval

    settings.ALLOWED_HOSTS = ["testserver"]
    Office.objects.create(member=officer, role=Role.HQ_ADMIN, starts_on=dt.date(2025, 1, 1))
    user = officer.user
    authenticator = TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").instance
    stamp = timezone.now()
    SecondFactorApproval.objects.create(user=user, code_hash="!", expires_at=stamp, redeemed_at=stamp, authenticator_id=authenticator.pk)
    client = Client()
    client.force_login(user, backend="unionhall.members.backends.ModelBackend")
    session = client.session
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": _time.time(), "email": user.email},
                                                   {"method": "mfa", "at": _time.time(), "type": "totp"}]  # fmt: skip
    session.save()
    url = reverse("campaigns_report", args=[campaign.slug])
    cache.clear()

    def one() -> tuple[float, int]:
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            response = client.get(url, secure=True)
            ms = (time.perf_counter() - t) * 1000
        assert response.status_code == 200, response.status_code
        return ms, len(ctx)

    first_ms, first_queries = one()
    timings, queries = [], set()
    for _ in range(requests):
        ms, n = one()
        timings.append(ms)
        queries.add(n)
    return {
        "first_ms": round(first_ms, 1), "first_queries": first_queries, "requests": requests,
        "p50_ms": p(timings, 0.5), "p95_ms": p(timings, 0.95), "max_ms": round(max(timings), 1),
        "queries_per_page": sorted(queries), "goal": "p95 <= 150 ms",
    }  # fmt: skip


if __name__ == "__main__":
    main()
