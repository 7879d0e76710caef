"""Benchmark stvcount; prints ONE JSON object of figures to stdout.

Figures: slowest 2017 Scottish ward (read + count, best of 5) and which one,
total seconds to read and count all 349 wards, and a synthetic election of
1,000,000 ballots (30 candidates, 10 seats; Plackett-Luce over Zipf-like
weights with truncated ballot lengths, fixed seed) counted by the Scottish
rules and by Meek, with the time to group identical ballots shown apart.

If a Python with ``votekit`` is found (env VOTEKIT_PYTHON, or
/tmp/votekit-venv/bin/python) the same wards are counted by votekit's STV in
a subprocess, to compare winners and time; otherwise "votekit": "not installed".

Usage: python bench/bench_stvcount.py [--quick]   (--quick: 100,000 ballots)
"""

from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from stvcount import Election, count, read_blt

DATA = Path(os.environ.get("STV_DATA", "/work/shared/data/scotland-stv"))
VOTEKIT_CANDIDATES = [os.environ.get("VOTEKIT_PYTHON", ""), "/tmp/votekit-venv/bin/python"]


def synthetic_ballots(n_ballots: int, n_candidates: int = 30, seed: int = 2017) -> list[tuple[int, tuple[int, ...]]]:
    """``n_ballots`` single papers: Plackett-Luce rankings over Zipf weights.

    Ballot lengths follow a truncated geometric law (mean about 4), so most
    voters rank a few candidates, as in real STV elections.
    """
    rng = random.Random(seed)
    candidates = list(range(n_candidates))
    rng.shuffle(candidates)
    cum = list(itertools.accumulate(1 / (i + 1) ** 1.1 for i in range(n_candidates)))
    lengths = rng.choices(range(1, n_candidates + 1), [0.75**k for k in range(n_candidates)], k=n_ballots)
    draws = iter(rng.choices(candidates, cum_weights=cum, k=int(sum(lengths) * 1.6) + 1000))
    ballots = []
    for length in lengths:
        ranking: list[int] = []
        while len(ranking) < length:
            c = next(draws, None)
            if c is None:
                draws = iter(rng.choices(candidates, cum_weights=cum, k=100_000))
                continue
            if c not in ranking:
                ranking.append(c)
        ballots.append((1, tuple(ranking)))
    return ballots


def bench_wards() -> dict:
    files = sorted((DATA / "2017").glob("*.blt"))
    start = time.perf_counter()
    for f in files:
        count(read_blt(f), "scottish")
    total = time.perf_counter() - start
    timings = []
    for f in files:
        best = min(_timed(lambda: count(read_blt(f), "scottish")) for _ in range(5))
        timings.append((best, f.name))
    worst, worst_name = max(timings)
    largest = max(files, key=lambda f: read_blt(f).valid_poll)
    election = read_blt(largest)
    return {
        "wards": len(files),
        "all_wards_read_and_count_s": round(total, 3),
        "slowest_ward": worst_name,
        "slowest_ward_read_and_count_ms": round(worst * 1000, 2),
        "largest_ward": largest.name,
        "largest_ward_ballots": election.valid_poll,
        "largest_ward_read_and_count_ms": round(
            min(_timed(lambda: count(read_blt(largest), "scottish")) for _ in range(5)) * 1000, 2
        ),
        "largest_ward_count_only_ms": round(min(_timed(lambda: count(election, "scottish")) for _ in range(5)) * 1000, 2),
    }


def bench_synthetic(n_ballots: int) -> dict:
    ballots = synthetic_ballots(n_ballots)
    names = [f"Candidate {i + 1}" for i in range(30)]
    start = time.perf_counter()
    election = Election.of(names, 10, ballots)
    group_s = time.perf_counter() - start
    figures = {"ballots": n_ballots, "distinct_rankings": len(election.rankings), "group_s": round(group_s, 3)}
    for rule in ("scottish", "meek"):
        start = time.perf_counter()
        result = count(election, rule)
        seconds = time.perf_counter() - start
        figures[rule] = {
            "count_s": round(seconds, 3),
            "group_and_count_s": round(seconds + group_s, 3),
            "stages": len(result.stages),
            "elected": [c + 1 for c in result.winners],
        }
    return figures


VOTEKIT_SCRIPT = r"""
import json, sys, time
from votekit.ballot import RankBallot
from votekit.pref_profile import RankProfile
from votekit.elections import STV

def load(path):
    lines = [l.strip() for l in open(path, encoding="utf-8") if l.strip()]
    n, seats = map(int, lines[0].split())
    end = lines.index("0")
    names = [l.strip('"') for l in lines[end + 1 : end + 1 + n]]
    ballots = []
    for line in lines[1:end]:
        nums = list(map(int, line.split()))
        ranking = tuple(frozenset({names[c - 1]}) for c in nums[1:-1])
        ballots.append(RankBallot(ranking=ranking, weight=nums[0]))
    return RankProfile(ballots=tuple(ballots), candidates=tuple(names)).group_ballots(), seats

out = {}
seconds = 0.0
for path in json.loads(sys.stdin.read()):
    profile, seats = load(path)
    start = time.perf_counter()
    election = STV(profile, n_seats=seats, tiebreak="random", rng_seed=0)
    out[path] = sorted(c for group in election.get_elected() for c in group)
    seconds += time.perf_counter() - start
print(json.dumps({"seconds": seconds, "elected": out}))
"""


def bench_votekit(limit: int = 40) -> dict | str:
    python = next((p for p in VOTEKIT_CANDIDATES if p and Path(p).exists()), None)
    if python is None:
        return "not installed"
    files = sorted((DATA / "2017").glob("*.blt"))[:limit]
    run = None
    try:
        run = subprocess.run(
            [python, "-c", VOTEKIT_SCRIPT],
            input=json.dumps([str(f) for f in files]),
            capture_output=True,
            text=True,
            timeout=600,
        )
        theirs = json.loads(run.stdout)
    except (subprocess.SubprocessError, json.JSONDecodeError) as error:
        return {"error": f"{type(error).__name__}: {(run.stderr if run else '')[-300:]}"}
    start = time.perf_counter()
    ours = {}
    for f in files:
        election = read_blt(f)
        ours[str(f)] = sorted(election.candidates[c] for c in count(election, "scottish").winners)
    our_seconds = time.perf_counter() - start
    # votekit's STV is fractional (Gregory) with exact fractions, not the Scottish
    # 5-decimal truncation, so a few close wards may legitimately differ.
    differ = [Path(f).name for f, names in theirs["elected"].items() if sorted(names) != ours[f]]
    return {
        "wards": len(files),
        "votekit_count_s": round(theirs["seconds"], 3),
        "stvcount_read_and_count_s": round(our_seconds, 3),
        "winners_differ": differ,
    }


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    quick = "--quick" in sys.argv
    figures = {"python": sys.version.split()[0]}
    figures.update(bench_wards())
    figures["synthetic"] = bench_synthetic(100_000 if quick else 1_000_000)
    figures["votekit"] = bench_votekit()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
