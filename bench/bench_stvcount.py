"""Benchmark stvcount; prints ONE JSON object of figures to stdout.

Figures: slowest 2017 Scottish ward (read + count, best of 5) and which one,
total seconds to read and count all 349 wards (and to count them by ERS97,
best of 3), and a synthetic election of 1,000,000 ballots (30 candidates,
10 seats; Plackett-Luce over Zipf-like weights with truncated ballot
lengths, fixed seed) counted by the Scottish rules, by ERS97 and by Meek,
with the time to group identical ballots shown apart.

The reference: votekit (PyPI, pinned below) in its own virtual environment,
made by this script in var/bench/votekit-venv on first use (or the Python in
env VOTEKIT_PYTHON). It reads and counts all 349 wards in a subprocess, in the
same run, with votekit's fastest count (FastSTV, its NumPy one, not its
reference STV class), and both counters' winners are compared with the
official results.
Without network access to install it, "votekit" says why.

Usage: python bench/bench_stvcount.py [--quick] [--no-votekit]   (--quick: 100,000 ballots)
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
VOTEKIT_VERSION = "3.5.0"
VOTEKIT_VENV = Path(__file__).resolve().parent.parent / "var" / "bench" / "votekit-venv"


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
    elections = [read_blt(f) for f in files]
    ers97 = min(_timed(lambda: [count(e, "ers97") for e in elections]) for _ in range(3))
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
        "all_wards_count_ers97_s": round(ers97, 3),
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
    for rule in ("scottish", "ers97", "meek"):
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
from votekit.elections import FastSTV

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

out, seconds, slowest = {}, 0.0, (0.0, "")
for path in json.loads(sys.stdin.read()):
    start = time.perf_counter()
    profile, seats = load(path)
    election = FastSTV(profile, n_seats=seats, tiebreak="random", rng_seed=0)
    out[path] = sorted(c for group in election.get_elected() for c in group)
    took = time.perf_counter() - start
    seconds += took
    slowest = max(slowest, (took, path))
print(json.dumps({"seconds": seconds, "slowest": slowest, "elected": out}))
"""


def votekit_python() -> tuple[str | None, str]:
    """A Python with votekit, making the venv on first use; or None and why."""
    if os.environ.get("VOTEKIT_PYTHON"):
        return os.environ["VOTEKIT_PYTHON"], "VOTEKIT_PYTHON"
    python = VOTEKIT_VENV / "bin" / "python"
    if not python.exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(VOTEKIT_VENV)], check=True, capture_output=True)
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"votekit=={VOTEKIT_VERSION}"],
                           check=True, capture_output=True, timeout=900)  # fmt: skip
        except (subprocess.SubprocessError, OSError) as error:
            return None, f"could not install votekit {VOTEKIT_VERSION}: {type(error).__name__}"
    return str(python), f"votekit {VOTEKIT_VERSION} in {VOTEKIT_VENV}"


def bench_votekit() -> dict | str:
    python, where = votekit_python()
    if python is None:
        return where
    official = {DATA / w["file"]: w for w in json.loads((DATA / "official-2017.json").read_text())["wards"]}
    files = sorted(official)
    run = None
    try:
        run = subprocess.run([python, "-c", VOTEKIT_SCRIPT], input=json.dumps([str(f) for f in files]),
                             capture_output=True, text=True, timeout=1800)  # fmt: skip
        theirs = json.loads(run.stdout)
    except (subprocess.SubprocessError, json.JSONDecodeError) as error:
        return {"error": f"{type(error).__name__}: {(run.stderr if run else '')[-300:]}"}
    ours, our_seconds, our_slowest = {}, 0.0, (0.0, "")
    for f in files:
        start = time.perf_counter()
        election = read_blt(f)
        ours[str(f)] = count(election, "scottish").winners
        took = time.perf_counter() - start
        our_seconds += took
        our_slowest = max(our_slowest, (took, f.name))
        names = election.candidates
        ours[str(f)] = sorted(names[c] for c in ours[str(f)])
        official[f]["names"] = sorted(names[c - 1] for c in official[f]["elected"])
    wrong = lambda result: sorted(Path(f).name for f in files if result.get(str(f)) != official[f]["names"])  # noqa: E731
    return {
        "reference": where,
        "wards": len(files),
        "votekit_read_and_count_s": round(theirs["seconds"], 3),
        "votekit_slowest_ward": [round(theirs["slowest"][0] * 1000, 1), Path(theirs["slowest"][1]).name],
        "votekit_wards_not_matching_official": wrong(theirs["elected"]),
        "stvcount_read_and_count_s": round(our_seconds, 3),
        "stvcount_slowest_ward": [round(our_slowest[0] * 1000, 1), our_slowest[1]],
        "stvcount_wards_not_matching_official": wrong(ours),
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
    figures["votekit"] = "skipped (--no-votekit)" if "--no-votekit" in sys.argv else bench_votekit()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
