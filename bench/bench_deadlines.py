"""Benchmark the deadlines package; prints ONE JSON object of figures to stdout.

The workload: N deadlines (default 100,000; fixed seed), each worked out in
full with its steps as the API returns it to a caller:
- 70% employment tribunal limits with an ACAS early conciliation period
  (acts over 2024-2028; Day A 0-120 days after the act, so some after the
  limit; certificates 0-84 days after Day A), a third of them with the
  Employment Rights Act 2025 six months switched on;
- 10% right-to-be-accompanied dates (working days);
- 10% subject access requests (months, rolled to a working day);
- 10% appeals under an employer policy of 5 working days, with closures.
Nations are mixed 80/12/8 (England and Wales, Scotland, Northern Ireland).

Figures: total seconds and deadlines per second for the mix and for each
kind (one process, one core), and what that means for recomputing every open
case's deadlines nightly in a union of 1,000,000 members (the figure assumes
one deadline per member, far more than there are open cases).

Also the date-only working-day arithmetic (``deadlines.fast``) that lists and
nightly recomputation use: N additions of -300..300 working days and N s10
companion dates, mixed nations, one core (issue 14's figure: at least 100,000
computations a second).

Usage: python bench/bench_deadlines.py [--quick]   (--quick: 10,000 deadlines)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import sys
import time
from collections import Counter, defaultdict

from deadlines import Nation, PolicyRule, deadline
from deadlines.fast import add_working_days, companion_date
from deadlines.workdays import holiday_package_version

POLICY = PolicyRule.from_dict({"code": "appeal-5wd", "title": "Appeal within 5 working days of the outcome letter", "count": 5,
                               "unit": "working-days", "event": "the date of the outcome letter", "source": "employer policy"})  # fmt: skip
CLOSURES = [dt.date(y, 12, d) for y in range(2024, 2030) for d in (29, 30, 31)]
MEMBERS = 1_000_000


def workload(n: int, seed: int = 14) -> list[tuple[str, dict]]:
    """``n`` deadline requests as (kind, keyword arguments for ``deadline``)."""
    rng = random.Random(seed)
    first, span = dt.date(2024, 1, 1), (dt.date(2028, 12, 31) - dt.date(2024, 1, 1)).days
    nations = rng.choices(list(Nation), weights=[80, 12, 8], k=n)
    jobs = []
    for nation in nations:
        start = first + dt.timedelta(days=rng.randrange(span))
        roll = rng.random()
        if roll < 0.7:
            day_a = start + dt.timedelta(days=rng.randrange(121))
            extra = {"acas_from": day_a, "acas_cert": day_a + dt.timedelta(days=rng.randrange(85))}
            if rng.random() < 1 / 3:
                extra["era2025_commenced"] = dt.date(2026, 10, 1)
            jobs.append(("tribunal", {"rule": "tribunal", "start": start, "nation": nation, "extra": extra}))
        elif roll < 0.8:
            jobs.append(("companion", {"rule": "companion", "start": start, "nation": nation}))
        elif roll < 0.9:
            jobs.append(("sar", {"rule": "sar", "start": start, "nation": nation}))
        else:
            jobs.append(("policy", {"rule": POLICY, "start": start, "nation": nation, "closures": CLOSURES}))
    return jobs


def fast_arithmetic(n: int) -> tuple[float, float]:
    """Computations a second of the date-only arithmetic: working days added, and s10 dates."""
    rng = random.Random(15)
    first, span = dt.date(2024, 1, 1), (dt.date(2028, 12, 31) - dt.date(2024, 1, 1)).days
    nations = list(Nation)
    jobs = [(first + dt.timedelta(days=rng.randrange(span)), rng.randint(-300, 300), rng.choice(nations)) for _ in range(n)]
    for nation in nations:  # build each nation's index once, as a long-running process has it
        add_working_days(first, 1, nation)
    began = time.perf_counter()
    for day, count, nation in jobs:
        add_working_days(day, count, nation)
    added = n / (time.perf_counter() - began)
    began = time.perf_counter()
    for day, _, nation in jobs:
        companion_date(day, nation)
    return added, n / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n = 10_000 if args.quick else 100_000
    jobs = workload(n)
    for _, kwargs in jobs[:200]:  # warm the bank holiday cache, as a long-running process would have it
        deadline(**kwargs)
    seconds: dict[str, float] = defaultdict(float)
    kinds = Counter(kind for kind, _ in jobs)
    steps = 0
    began = time.perf_counter()
    for kind, kwargs in jobs:
        t0 = time.perf_counter()
        found = deadline(**kwargs)
        seconds[kind] += time.perf_counter() - t0
        steps += len(found.steps)
    total = time.perf_counter() - began
    rate = n / total
    fast_rate, companion_rate = fast_arithmetic(max(n, 100_000))
    print(json.dumps({
        "bench": "deadlines",
        "deadlines": n,
        "mix": dict(kinds),
        "seconds": round(total, 3),
        "deadlines_per_second": round(rate),
        "per_kind_per_second": {k: round(kinds[k] / seconds[k]) for k in sorted(kinds)},
        "steps_per_deadline": round(steps / n, 1),
        "working_day_arithmetic_per_second": round(fast_rate),
        "companion_dates_per_second": round(companion_rate),
        "goal": "working-day arithmetic >= 100,000 computations/s on one core",
        "nightly_1m_members_one_deadline_each_seconds_one_core": round(MEMBERS / rate, 1),
        "python": platform.python_version(),
        "holidays_package": holiday_package_version(),
    }))  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
