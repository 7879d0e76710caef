"""Benchmark disclosure control; prints ONE JSON object of figures to stdout.

A synthetic workload survey (fixed seed) of a 9,000-member union with 60
branches and of a 1,000,000-member one with 600 (branch sizes falling off
as in a Zipf law, so both have small branches), 6 grades, 8
employers, answers on workload, stress and intent to leave, and each
respondent's caseload. Eight breakdowns are published together, linked
through their shared dimensions: seven counts (branch × grade, branch ×
employer, branch × workload, branch × leaving, grade × workload, employer ×
grade, grade × stress) and the mean caseload by branch × grade (a magnitude
table, its contributors counted in the same respondents layer). For each
survey: seconds to build the tables from the answers, to protect them and to
audit the result, cells, cells hidden (primary, dominance, secondary) and
whether the audit passed. Then Fisher's exact test on the largest groups.

Usage: python bench/bench_disclosure.py [--quick]   (--quick: 9,000 only)
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter

from disclosure import Table, audit, failures, protect
from disclosure.equality import GroupOutcome, equality, fisher_exact

GRADES = ("PO", "PSO", "SPO", "AP worker", "admin", "manager")
GRADE_WEIGHTS = (40, 30, 8, 8, 10, 4)
EMPLOYERS = tuple(f"employer {i + 1}" for i in range(8))
LIKERT = ("strongly agree", "agree", "neither", "disagree", "strongly disagree")
LEAVING = ("yes", "no", "not sure")


def survey(n: int, n_branches: int, seed: int = 12) -> list[tuple[str, str, str, str, str, str, int]]:
    """``n`` respondents: (branch, grade, employer, workload, leaving, stress, caseload)."""
    rng = random.Random(seed)
    branches = [f"branch {i + 1:03d}" for i in range(n_branches)]
    sizes = [1 / (i + 1) ** 0.9 for i in range(n_branches)]
    home = {b: EMPLOYERS[i % 8] for i, b in enumerate(branches)}
    out = []
    b_draw = rng.choices(branches, sizes, k=n)
    g_draw = rng.choices(GRADES, GRADE_WEIGHTS, k=n)
    for b, g in zip(b_draw, g_draw):
        e = home[b] if rng.random() < 0.9 else rng.choice(EMPLOYERS)
        w = rng.choices(LIKERT, (30, 35, 15, 12, 8))[0]
        leaving = rng.choices(LEAVING, (25, 50, 25))[0]
        s = rng.choices(LIKERT, (25, 35, 20, 12, 8))[0]
        caseload = max(0, int(rng.gauss(45 if g in ("PO", "PSO") else 12, 12)))
        if rng.random() < 0.0005:
            caseload *= 20  # an occasional outlier, for the dominance rules
        out.append((b, g, e, w, leaving, s, caseload))
    return out


def breakdowns(people) -> list[Table]:
    def counts(name, dims, pick):
        return Table.frequency(name, dims, Counter(pick(p) for p in people))

    return [
        counts("branch by grade", ("branch", "grade"), lambda p: (p[0], p[1])),
        counts("branch by employer", ("branch", "employer"), lambda p: (p[0], p[2])),
        counts("branch by workload", ("branch", "workload"), lambda p: (p[0], p[3])),
        counts("branch by leaving", ("branch", "leaving"), lambda p: (p[0], p[4])),
        counts("grade by workload", ("grade", "workload"), lambda p: (p[1], p[3])),
        counts("employer by grade", ("employer", "grade"), lambda p: (p[2], p[1])),
        counts("grade by stress", ("grade", "stress"), lambda p: (p[1], p[5])),
        Table.magnitude(
            "caseload by branch and grade", ("branch", "grade"),
            (((p[0], p[1]), p[6]) for p in people), measure="caseload", count_measure="respondents",
        ),
    ]


def run(n: int, n_branches: int) -> dict:
    people = survey(n, n_branches)
    t0 = time.perf_counter()
    tables = breakdowns(people)
    t1 = time.perf_counter()
    result = protect(tables)
    t2 = time.perf_counter()
    findings = audit(result)
    t3 = time.perf_counter()
    statuses = Counter()
    cells = 0
    for pt in result.tables:
        for c in pt.cells:
            cells += 1
            statuses[c.status.value] += 1
    return {
        "respondents": n,
        "branches": n_branches,
        "tables": len(tables),
        "cells": cells,
        "hidden": {k: v for k, v in sorted(statuses.items()) if k != "published"},
        "build_s": round(t1 - t0, 3),
        "protect_s": round(t2 - t1, 3),
        "audit_s": round(t3 - t2, 3),
        "audit_passed": not failures(findings),
        "suppressed_cells_audited": sum(1 for f in findings if f.interval is not None),
        "fallbacks": list(result.notes),
    }


def fisher_figures() -> dict:
    t0 = time.perf_counter()
    report = equality(
        [GroupOutcome("group A", 600_000, 11_000), GroupOutcome("group B", 250_000, 5_600),
         GroupOutcome("group C", 150_000, 3_900)],
    )
    t1 = time.perf_counter()
    small = fisher_exact(((1, 9), (11, 3)))
    return {
        "equality_1m_groups_s": round(t1 - t0, 3),
        "groups_shown": [g.group for g in report.groups],
        "fisher_small_p": float(small),
    }


def main() -> None:
    quick = "--quick" in sys.argv
    figures = {"surveys": [run(9_000, 60)] + ([] if quick else [run(1_000_000, 600)])}
    figures.update(fisher_figures())
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
