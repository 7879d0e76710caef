"""Benchmark finding a member's MP from a postcode, offline; prints ONE JSON object.

The workload: N postcodes (default 200,000; fixed seed) made from the
postcode sectors in the campaigns app's data, a unit added to each, 5% of
them typed in lower case without the space and 5% in districts the sector
table lacks, as members type them. Figures: the time to read the data files
(once per process), lookups per second on one core, and how many postcodes
gave one constituency, a choice (a split sector, or Northern Ireland), or
none.

Usage: python bench/bench_campaigns_lookup.py [--quick]   (--quick: 20,000)
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from unionhall.campaigns import constituencies  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n = 20_000 if args.quick else 200_000
    t = time.perf_counter()
    sectors = list(constituencies.sectors())
    constituencies.districts()
    constituencies.representatives()
    load_s = time.perf_counter() - t
    rng = random.Random(11)
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    postcodes = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.05:
            postcodes.append(f"bt{rng.randint(1, 94)}{rng.randint(0, 9)}{rng.choice(letters)}{rng.choice(letters)}".lower())
        else:
            sector = rng.choice(sectors)
            code = f"{sector}{rng.choice(letters)}{rng.choice(letters)}"
            postcodes.append(code.replace(" ", "").lower() if roll > 0.95 else code)
    outcome = {"one": 0, "choice": 0, "none": 0}
    t = time.perf_counter()
    for postcode in postcodes:
        found = constituencies.find(postcode)
        outcome["none" if found is None or not found.candidates else "choice" if found.needs_choice else "one"] += 1
    elapsed = time.perf_counter() - t
    print(json.dumps({
        "bench": "campaigns_lookup",
        "postcodes": n,
        "data_load_ms": round(load_s * 1000, 1),
        "lookups_per_s": round(n / elapsed),
        "us_per_lookup": round(elapsed / n * 1e6, 2),
        "outcome": outcome,
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
    }))  # fmt: skip


if __name__ == "__main__":
    main()
