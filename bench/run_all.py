"""Run every bench in bench/ at its default settings, one after another, and
print one JSON line per bench: whether it ran to the end, how long it took,
the machine's load before it, and the JSON it printed (its last line).

    python bench/run_all.py [--only NAME ...] [--skip NAME ...] [--timeout SECONDS]

The issue's rule is that every bench runs to the end at its defaults; this
checks it. A bench that needs PostgreSQL reports itself skipped where none
listens. Benches share the machine with whatever else runs: read the load.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def last_json(out: str):
    """The last JSON object a bench printed: on one line, or indented over several."""
    lines = out.splitlines()
    for start in range(len(lines) - 1, -1, -1):
        if lines[start].startswith("{"):
            try:
                return json.loads("\n".join(lines[start:]))
            except ValueError:
                continue
    return None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*", default=[], help="bench names (bench_x or x) to run, and no others")
    ap.add_argument("--skip", nargs="*", default=[], help="bench names to leave out")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds before a bench counts as not finishing (default %(default)s)")
    args = ap.parse_args()
    names = lambda xs: {x if x.startswith("bench_") else f"bench_{x}" for x in xs}  # noqa: E731
    only, skip = names(args.only), names(args.skip)
    failed = 0
    for path in sorted(HERE.glob("bench_*.py")):
        if (only and path.stem not in only) or path.stem in skip:
            continue
        load = [round(x, 2) for x in os.getloadavg()]
        started = time.monotonic()
        try:
            done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=args.timeout)
            code, out, err = done.returncode, done.stdout, done.stderr
        except subprocess.TimeoutExpired as exc:
            code, out, err = None, exc.stdout or "", f"did not finish in {args.timeout} s"
            out = out.decode() if isinstance(out, bytes) else out
        result = last_json(out)
        ok = code == 0 and result is not None
        failed += not ok
        print(json.dumps({"bench": path.stem, "ran_to_the_end": ok, "exit": code, "seconds": round(time.monotonic() - started, 1),
                          "load_before": load, "result": result, **({} if ok else {"stderr_tail": err[-800:]})}), flush=True)  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
