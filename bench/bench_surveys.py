"""A survey's results pages at scale (issue 12: 50,000 responses to a
10-question survey, a results page with three breakdowns and suppression,
at most 300 ms p95 on PostgreSQL, bounded queries).

The register is the demo union (12 branches of 3 employers, 7 grades); the
responses (anonymous, so tied to no member) take their employer, branch and
grade from it. Closing the run works out and protects every table once (30
tables: by answer, by employer x branch x answer and by grade x answer for
each question, means for the number questions, respondents); the pages then
read the stored publication. Requests go through the whole stack (remit,
audit entry, template) with Django's test client, signed in as HQ: the
officers' page broken down by employer, by branch and by grade, and the
members' union-wide page. Prints one JSON object.

    python bench/bench_surveys.py [--responses 50000] [--engine sqlite|postgres] [--repeat 30]
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
from bench_turnout import signed_in  # noqa: E402

QUESTIONS = [
    {"kind": "number", "text": "Caseload", "label": "Caseload", "unit": "cases", "min_value": 0, "max_value": 500},
    {"kind": "number", "text": "Workload measure", "label": "Workload measure", "unit": "%", "min_value": 0, "max_value": 300, "required": False},
    {"kind": "number", "text": "Extra hours last week", "label": "Extra hours", "unit": "hours", "min_value": 0, "max_value": 80},
    {"kind": "scale", "text": "I can manage my workload", "label": "Manageable"},
    {"kind": "scale", "text": "My manager supports me", "label": "Support"},
    {"kind": "single", "text": "Do you intend to leave?", "label": "Leaving", "choices": "Yes\nNo\nNot sure"},
    {"kind": "single", "text": "Unrealistic time pressures", "label": "Time pressure", "choices": "Never\nSeldom\nSometimes\nOften\nAlways"},
    {"kind": "single", "text": "Days off sick", "label": "Sickness", "choices": "None\n1-2\n3-5\n6 or more"},
    {"kind": "multiple", "text": "What takes your time?", "label": "Time goes on", "choices": "Recording\nCourt\nVisits\nMeetings", "required": False},
    {"kind": "text", "text": "Anything else?", "label": "Comments", "required": False, "breakdown": False},
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=50_000)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    engine = _django.setup(args.engine)
    try:
        run(engine, args)
    finally:
        _django.teardown(engine)


def answers(rng, questions):
    out = {}
    for q in questions:
        if q["kind"] == "number":
            if q.get("required", True) or rng.random() < 0.6:
                out[q["key"]] = str(max(0, round(rng.gauss(35 if q["label"] == "Caseload" else 8, 8))))
        elif q["kind"] in ("scale", "single"):
            out[q["key"]] = rng.choice(q["options"])
        elif q["kind"] == "multiple":
            if rng.random() < 0.8:
                out[q["key"]] = [c for c in q["options"] if rng.random() < 0.4]
        elif rng.random() < 0.02:
            out[q["key"]] = "A comment"
    return out


def run(engine, args):
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from unionhall.members.demo.builder import build_demo_union
    from unionhall.members.models import Member, User
    from unionhall.members.remit import remit_for
    from unionhall.surveys import services
    from unionhall.surveys.models import Response

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = False
    settings.UNIONHALL_BASE_URL = settings.UNIONHALL_BASE_URL or "https://bench.example"
    t = time.perf_counter()
    build_demo_union(members=args.members, seed=1)
    admin = User.objects.get(email="admin@demo.unionhall.test")
    now = timezone.now()
    survey = services.survey_create(by=admin, remit=remit_for(admin), title="Bench survey", questions=QUESTIONS, now=now - dt.timedelta(days=20),
                                    open_now=False)  # fmt: skip
    run_ = services.run_open(survey, now=now - dt.timedelta(days=20), invite=False)
    run_.invited = args.responses * 2
    run_.save()
    qs = [{**q, "key": f"q{i}", "options": [c for c in q.get("choices", "").split("\n") if c] or
           ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]} for i, q in enumerate(QUESTIONS, start=1)]  # fmt: skip
    people = list(Member.objects.values_list("employer__code", "branch__code", "grade"))
    rng = random.Random(12)
    rows = []
    for _ in range(args.responses):
        e, b, g = rng.choice(people)
        rows.append(Response(run=run_, answered_on=now.date(), employer=e, branch=b, grade=g, answers=answers(rng, qs)))
    Response.objects.bulk_create(rows, batch_size=5000)
    build_s = time.perf_counter() - t
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    t = time.perf_counter()
    run_ = services.run_close(run_, now=run_.closes_at)
    close_s = time.perf_counter() - t
    client = signed_in("admin@demo.unionhall.test")
    member = signed_in("member@demo.unionhall.test")
    pages = {f"officer by {by}": (client, f"/surveys/manage/runs/{run_.pk}/?by={by}") for by in ("employer", "branch", "grade")}
    pages["members' results"] = (member, f"/surveys/runs/{run_.pk}/results/")
    out, everything = {}, []
    for name, (c, url) in pages.items():
        c.get(url)  # warm
        queries = []
        with connection.execute_wrapper(lambda execute, sql, params, many, context: queries.append(sql) or execute(sql, params, many, context)):
            assert c.get(url).status_code == 200, url
        timings = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            c.get(url)
            timings.append((time.perf_counter() - t) * 1000)
        timings.sort()
        everything += timings
        out[name] = {"p50_ms": round(statistics.median(timings), 1), "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
                     "queries": len(queries)}  # fmt: skip
    everything.sort()
    results = run_.results
    print(json.dumps({
        "benchmark": "surveys", "engine": engine, "responses": args.responses, "questions": len(QUESTIONS), "members": args.members,
        "tables": len(results["tables"]), "cells": results["cells"], "hidden": results["hidden"], "audit_passed": results["audit_passed"],
        "build_s": round(build_s, 1), "close_and_protect_s": round(close_s, 2), "pages": out,
        "p95_ms_all_pages": round(everything[max(0, int(len(everything) * 0.95) - 1)], 1),
        "load_after": os.getloadavg()[0],
    }))  # fmt: skip


if __name__ == "__main__":
    main()
