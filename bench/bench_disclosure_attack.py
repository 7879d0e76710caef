"""Secondary suppression against an attacker with a linear-programming solver.

Two figures (issue 12), printed as one JSON object:

1. ``protect`` on a 50 x 20 count table (1,071 cells with its margins)
   shaped like a union's small groups: most cells under the threshold in
   some rows, large in others. Goal: at most 1 s (wall time and CPU time
   are both reported: on a shared machine the first mostly measures the
   other jobs).
2. The attack: for random tables (one-table 2-D, and pairs linked through a
   shared row dimension, as branch x grade and branch x answer are), protect
   them, then for every hidden cell solve, with scipy's HiGHS
   (``scipy.optimize.linprog``, independent of the package's own exact
   simplex), the least and greatest value it can take given every published
   figure, every additive equation and non-negativity. Count the hidden
   cells pinned to one exact value (goal: none) and the sensitive cells
   whose feasible range does not stretch from 0 to the threshold (the
   package's protection promise; goal: none).

    python bench/bench_disclosure_attack.py [--tables 40] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import numpy as np  # noqa: E402
from scipy.optimize import linprog  # noqa: E402

from disclosure import TOTAL, Table, protect  # noqa: E402
from disclosure.status import Status  # noqa: E402

EPS = 1e-6


def random_counts(rng: random.Random, rows: int, cols: int, row_dim="row", col_dim="col", row_sizes=None):
    """Counts with a mix of small and large cells, by row size (a small office, a big one)."""
    sizes = row_sizes or [rng.choice((3, 8, 20, 60, 150)) for _ in range(rows)]
    counts = {}
    for r in range(rows):
        for c in range(cols):
            counts[(f"r{r}", f"c{c}")] = max(0, int(rng.expovariate(1 / sizes[r])))
    return counts, sizes


def attack(protected, threshold: int) -> dict:
    """Every hidden cell's feasible range by linear programming over all the
    tables of ``protected`` together (shared margins are one variable)."""
    variables: dict[tuple, int] = {}
    known: dict[tuple, int] = {}
    equations: list[list[tuple]] = []

    def ref(t, key):
        # Linked tables share their row margins and grand total: one figure each.
        if key[1] == TOTAL:
            return ("shared", key[0])
        return (t.name, key)

    sensitive = set()
    for pt in protected.tables:
        for cell in pt.cells:
            name = ref(pt.table, cell.key)
            if cell.status.suppressed:
                variables.setdefault(name, len(variables))
                if cell.status is Status.PRIMARY:
                    sensitive.add(name)
            else:
                known[name] = int(cell.value)
        rows, cols = pt.table.categories
        for r in (*rows, TOTAL):
            equations.append([(ref(pt.table, (r, TOTAL)), -1)] + [(ref(pt.table, (r, c)), 1) for c in cols])
        for c in (*cols, TOTAL):
            equations.append([(ref(pt.table, (TOTAL, c)), -1)] + [(ref(pt.table, (r, c)), 1) for r in rows])
    n = len(variables)
    if n == 0:
        return {"hidden": 0, "pinned": 0, "underprotected": 0}
    a, b = [], []
    for eq in equations:
        row, rhs = np.zeros(n), 0.0
        for name, coef in eq:
            if name in variables:
                row[variables[name]] += coef
            else:
                rhs -= coef * known[name]
        if row.any():
            a.append(row)
            b.append(rhs)
    a_eq, b_eq = np.array(a), np.array(b)
    pinned = under = 0
    for name, i in variables.items():
        c = np.zeros(n)
        c[i] = 1
        lo = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert lo.status == 0, lo.message
        low = lo.fun
        high = -hi.fun if hi.status == 0 else float("inf")  # status 3: unbounded above
        if high - low < EPS:
            pinned += 1
        if name in sensitive and not (low <= EPS and high >= threshold - EPS):
            under += 1
    return {"hidden": n, "pinned": pinned, "underprotected": under}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=int, default=10)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    t = args.threshold

    counts, _ = random_counts(rng, 50, 20)
    big = Table.frequency("50 x 20", ("row", "col"), counts)
    start, cpu = time.perf_counter(), time.process_time()
    big_result = protect([big], threshold=t)
    big_s, big_cpu = time.perf_counter() - start, time.process_time() - cpu
    big_cells = big_result.tables[0].cells
    big_attack = attack(big_result, t)

    totals = {"tables": 0, "hidden": 0, "pinned": 0, "underprotected": 0, "linked_pairs": 0}
    protect_s = attack_s = 0.0
    for i in range(args.tables):
        rows, c1, c2 = rng.randint(3, 15), rng.randint(2, 8), rng.randint(2, 6)
        a_counts, sizes = random_counts(rng, rows, c1)
        tables = [Table.frequency(f"a{i}", ("row", "col"), a_counts)]
        if i % 2:  # a linked pair: the same people by row, split by another question
            row_totals = {r: sum(v for (rr, _), v in a_counts.items() if rr == r) for r in {k[0] for k in a_counts}}
            b_counts = {}
            for r, total in row_totals.items():
                split = [rng.random() for _ in range(c2)]
                parts = [int(total * s / sum(split)) for s in split]
                parts[0] += total - sum(parts)
                for c, v in enumerate(parts):
                    b_counts[(r, f"d{c}")] = v
            tables.append(Table.frequency(f"b{i}", ("row", "other"), b_counts, categories=[tables[0].categories[0], [f"d{c}" for c in range(c2)]]))
            totals["linked_pairs"] += 1
        s = time.perf_counter()
        result = protect(tables, threshold=t)
        protect_s += time.perf_counter() - s
        s = time.perf_counter()
        found = attack(result, t)
        attack_s += time.perf_counter() - s
        totals["tables"] += len(tables)
        for k in ("hidden", "pinned", "underprotected"):
            totals[k] += found[k]

    print(json.dumps({
        "benchmark": "disclosure attack",
        "threshold": t,
        "secondary_50x20": {
            "cells": len(big_cells), "hidden": sum(c.status.suppressed for c in big_cells),
            "primary": sum(c.status is Status.PRIMARY for c in big_cells), "protect_s": round(big_s, 3), "protect_cpu_s": round(big_cpu, 3), **{f"lp_{k}": v for k, v in big_attack.items()},
        },
        "random_tables": {**totals, "protect_s": round(protect_s, 2), "lp_attack_s": round(attack_s, 2)},
        "goal": "pinned == 0 and underprotected == 0",
        "load": os.getloadavg()[0],
    }))  # fmt: skip


if __name__ == "__main__":
    main()
