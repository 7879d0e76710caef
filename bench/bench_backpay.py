"""Benchmark the backpay package; prints ONE JSON object of figures to stdout.

The workload (fixed seed): 10,000 members of one employer, each with a history
over six years (72 monthly periods) of one to three periods (changes of hours,
part-time members), half of them progressing one point a year on an anniversary
date; an old scale and a new one of 6 bands × 8 points, each with a yearly
uplift (a rate change on 1 April every year, so April splits no month but every
rate is looked up by day). Every member's back pay is worked out in full, with
its steps, in the monthly convention; then again in the daily one.

Figure: seconds for all members, one process, one core (target ≤ 5 s).

Usage: python bench/bench_backpay.py [--members N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from backpay import History, Period, Rate, Scale, calculate  # noqa: E402

START, END = dt.date(2019, 4, 1), dt.date(2025, 3, 31)  # six years, 72 months


def scales() -> tuple[Scale, Scale]:
    old, new = [], []
    for band in range(1, 7):
        for point in range(1, 9):
            base = 20_000 + band * 4_000 + point * 650
            for year in range(2018, 2026):
                start = dt.date(year, 4, 1)
                old.append(Rate("pps", str(band), point, Decimal(base * (100 + 2 * (year - 2018))) / 100, start))
                new.append(Rate("pps", str(band), point, Decimal(base * (100 + 3 * (year - 2018)) + 17) / 100, start))
    return Scale(old, "old"), Scale(new, "new")


def members(n: int, seed: int = 13) -> list[History]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        band, point = str(rng.randint(1, 6)), rng.randint(1, 5)
        cuts = sorted(rng.sample(range(1, (END - START).days), rng.randint(0, 2)))
        edges = [START, *(START + dt.timedelta(days=c) for c in cuts), END + dt.timedelta(days=1)]
        periods = tuple(
            Period(a, b - dt.timedelta(days=1), band, point, Decimal(rng.choice([3700, 3700, 3700, 2960, 1850])) / 100, Decimal(37))
            for a, b in zip(edges, edges[1:])
        )
        anniversary = dt.date(2015, rng.randint(1, 12), rng.randint(1, 28)) if i % 2 else None
        out.append(History(f"E{i:06d}", "pps", periods, anniversary))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    args = parser.parse_args()
    old, new = scales()
    people = members(args.members)
    figures = {"bench": "backpay", "members": args.members, "months": 72, "python": platform.python_version()}
    for convention in ("monthly", "daily"):
        started = time.process_time()
        wall = time.perf_counter()
        total, periods, steps = Decimal(0), 0, 0
        for history in people:
            result = calculate(old=old, new=new, history=history, start=START, end=END, convention=convention)
            total += result.total
            periods += len(result.periods)
            steps += sum(len(p.steps) for p in result.periods)
        figures[convention] = {
            "cpu_seconds": round(time.process_time() - started, 3), "wall_seconds": round(time.perf_counter() - wall, 3),
            "periods": periods, "steps": steps, "total_owed": str(total),
        }  # fmt: skip
    figures["target_seconds"] = 5
    figures["load_after"] = os.getloadavg()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
