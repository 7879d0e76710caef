"""The turnout dashboard of a large open ballot (issue 4: a 100,000-member
ballot with 40% voted, p95 at most 200 ms per view). Requests go through the
whole stack (middleware, remit, audit entry, template) with Django's test
client, for HQ (everyone), a branch secretary and a workplace rep, for an
ordinary and a statutory ballot. Prints one JSON object: p50 and p95 wall
times per view, the mean CPU per request (this process, and on PostgreSQL its
backend), which the machine's load does not inflate, and the load average.

    python bench/bench_turnout.py [--members N] [--voted 0.4] [--engine sqlite|postgres] [--repeat R]
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import _django  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--voted", type=float, default=0.4)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    engine = _django.setup(args.engine)
    try:
        run(engine, args)
    finally:
        _django.teardown(engine)


def open_ballot(voted: float):
    """An open ballot of every active member, with ``voted`` of them voted over
    the days so far (no cryptography: the dashboard reads only who voted on
    which day, stored as casting stores it)."""
    from django.utils import timezone

    from unionhall.ballots.models import Ballot, RollEntry
    from unionhall.ballots.roll import eligible_members, new_alias

    now = timezone.now()
    ballot = Ballot.objects.create(slug="bench-turnout", title="Bench turnout", status=Ballot.Status.OPEN, opens_at=now - dt.timedelta(days=7),
                                   closes_at=now + dt.timedelta(days=7), roll_frozen_at=now - dt.timedelta(days=7))  # fmt: skip
    rng = random.Random(4)
    entries = []
    for member in eligible_members(ballot).only("pk", "employer_id", "branch_id", "workplace_id").iterator(chunk_size=5000):
        at = ballot.opens_at + dt.timedelta(days=7 * rng.random() ** 2) if rng.random() < voted else None
        if at is not None:  # as casting stores it: the day only, at noon (ballots.casting.do_cast_ballot)
            at = timezone.localtime(at).replace(hour=12, minute=0, second=0, microsecond=0)
        entries.append(RollEntry(ballot=ballot, member=member, alias=new_alias(), area="All", voted_at=at, employer_id=member.employer_id,
                                 branch_id=member.branch_id, workplace_id=member.workplace_id))  # fmt: skip
    RollEntry.objects.bulk_create(entries, batch_size=5000)
    return ballot, len(entries)


def make_statutory(ballot):
    from unionhall.mandates.models import Profile, StatutoryBallot
    from unionhall.members.models import Employer

    StatutoryBallot.objects.create(ballot=ballot, profile=Profile.objects.get(code="statutory-industrial-action"), dispute="Bench",
                                   employer=Employer.objects.first(), employer_address="Bench", authorised_to_call="Bench",
                                   employer_email_domains="work.example")  # fmt: skip


def signed_in(email: str):
    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY, AUTHENTICATION_METHODS_SESSION_KEY
    from django.test import Client

    from unionhall.members.models import User

    client = Client()
    user = User.objects.get(email=email)
    client.force_login(user, backend="unionhall.members.backends.ModelBackend")
    session = client.session
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "mfa", "at": time.time(), "type": "totp"}]
    session.save()
    return client


def server_cpu_s() -> float:
    """CPU seconds used so far by this process and, on PostgreSQL, by its
    database backend (from /proc, so on this machine only): the work a view
    costs whatever else the machine is doing, where wall time counts the wait."""
    from django.db import connection

    used = time.process_time()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
        except OSError:  # the server is elsewhere: this process only
            pass
    return used


def measure(client, url: str, repeat: int) -> tuple[list[float], float]:
    """Wall times of ``repeat`` requests after one untimed one, and their mean CPU time in ms."""
    timings = []
    assert client.get(url).status_code == 200  # untimed: a server that has run a while has its templates compiled and its code loaded
    cpu = server_cpu_s()
    for _ in range(repeat):
        t = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings, (server_cpu_s() - cpu) * 1000 / repeat


def run(engine, args):
    from django.conf import settings
    from django.db import connection

    from unionhall.ballots.models import RollEntry
    from unionhall.members.demo.builder import build_demo_union

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = False
    t = time.perf_counter()
    build_demo_union(members=args.members, seed=1)
    ballot, roll = open_ballot(args.voted)
    build_s = time.perf_counter() - t
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    url = f"/ballots/{ballot.slug}/turnout/"
    results, everything = {}, []
    for kind in ("ordinary", "statutory"):
        if kind == "statutory":
            make_statutory(ballot)
        for who in ("admin", "secretary", "rep"):
            timings, cpu_ms = measure(signed_in(f"{who}@demo.unionhall.test"), url, args.repeat)
            timings.sort()
            everything += timings
            results[f"{kind}/{who}"] = {"p50_ms": round(statistics.median(timings), 1), "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
                                        "cpu_ms": round(cpu_ms, 1)}  # fmt: skip
    everything.sort()
    print(json.dumps({
        "bench": "turnout_dashboard",
        "engine": engine,
        "roll": roll,
        "voted": RollEntry.objects.filter(ballot=ballot, voted_at__isnull=False).count(),
        "build_s": round(build_s, 1),
        "goal": "p95 <= 200 ms per view",
        "p95_ms": round(everything[int(len(everything) * 0.95) - 1], 1),
        "load": [round(x, 2) for x in os.getloadavg()],
        "by_view": results,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
