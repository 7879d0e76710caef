"""Text and JSON views of protected tables, audits and equality reports.

The *publication* (``publication``, and the tables in ``render_protected``)
shows every hidden cell as ``[c]`` and nothing else about it. The
*publisher's notes* say which rule hid each cell: they are kept apart and
headed as not for publication, because a reader who knew which cells were
hidden by the threshold rule would know those hold fewer than the threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

from .audit import FAIL, OK, WARNING, Finding
from .equality import EqualityReport
from .protect import SUPPRESSED, Protected, ProtectedTable, format_number
from .tables import TOTAL

NOT_FOR_PUBLICATION = "For the publisher only; do not publish (it tells a reader which hidden cells are small):"
LEGEND = f"{SUPPRESSED} = confidential: hidden so that no one can be identified."


def _grid(corner: str, rows: Sequence[str], cols: Sequence[str], cell: Callable[[str, str], str]) -> str:
    table = [[corner, *cols]] + [[r, *(cell(r, c) for c in cols)] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    out = []
    for line in table:
        out.append("  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(line, widths))))
    return "\n".join(x.rstrip() for x in out)


def _grids(pt: ProtectedTable, show: Callable[[tuple], str]) -> str:
    t = pt.table
    axes = [list(c) + [TOTAL] for c in t.categories]
    if len(t.dims) == 1:
        return _grid(t.dims[0], axes[0], ["value"], lambda r, _: show((r,)))
    if len(t.dims) == 2:
        return _grid(f"{t.dims[0]} / {t.dims[1]}", axes[0], axes[1], lambda r, c: show((r, c)))
    blocks = []
    for first in axes[0]:
        blocks.append(f"{t.dims[0]} = {first}")
        blocks.append(_grid(f"{t.dims[1]} / {t.dims[2]}", axes[1], axes[2], lambda r, c, f=first: show((f, r, c))))
    return "\n".join(blocks)


def _count(pt: ProtectedTable, key) -> str:
    c = pt.cell(key)
    return SUPPRESSED if c.count_status.suppressed else str(c.count)


def _mean(pt: ProtectedTable, key) -> str:
    m = pt.cell(key).mean
    return SUPPRESSED if m is None else f"{float(m):.1f}"


def render_protected(result: Protected, notes: bool = True) -> str:
    """The safe tables as text, then (unless ``notes`` is False) the publisher's notes."""
    out = []
    for pt in result.tables:
        t = pt.table
        if t.kind == "frequency":
            out.append(f"{t.name} (count of {t.measure})")
            out.append(_grids(pt, pt.shown))
        else:
            out.append(f"{t.name}: sum of {t.measure}")
            out.append(_grids(pt, pt.shown))
            out.append(f"{t.name}: number of contributors")
            out.append(_grids(pt, lambda k, pt=pt: _count(pt, k)))
            out.append(f"{t.name}: mean {t.measure} (shown only where the sum and the number are)")
            out.append(_grids(pt, lambda k, pt=pt: _mean(pt, k)))
        out.append("")
    out.append(LEGEND)
    if notes:
        out.append("")
        out.append(NOT_FOR_PUBLICATION)
        hidden = 0
        for pt in result.tables:
            for c in pt.cells:
                for part, st, why in (("", c.status, c.reason), (" (number of contributors)", c.count_status, c.count_reason)):
                    if st is not None and st.suppressed:
                        hidden += 1
                        out.append(f"  {pt.name}: {' × '.join(c.key)}{part}: {st.value}: {why}")
        if not hidden:
            out.append("  nothing was hidden")
        for n in result.notes:
            out.append(f"  note: {n}")
    return "\n".join(out)


def _json_number(v):
    if isinstance(v, Fraction) and v.denominator != 1:
        return format_number(v)
    return int(v)


def publication(result: Protected) -> dict:
    """The publishable view as JSON-ready data: hidden figures are "[c]"."""
    tables = []
    for pt in result.tables:
        t = pt.table
        cells = []
        for c in pt.cells:
            item = {"cell": list(c.key), "value": SUPPRESSED if c.status.suppressed else _json_number(c.value)}
            if t.kind == "magnitude":
                item["contributors"] = SUPPRESSED if c.count_status.suppressed else c.count
                m = c.mean
                item["mean"] = SUPPRESSED if m is None else f"{float(m):.1f}"
            cells.append(item)
        tables.append(
            {"name": t.name, "kind": t.kind, "measure": t.measure, "dimensions": list(t.dims),
             "categories": [list(cs) for cs in t.categories], "cells": cells}
        )
    return {"symbol": SUPPRESSED, "tables": tables}


def publisher_notes(result: Protected) -> dict:
    hidden = []
    for pt in result.tables:
        for c in pt.cells:
            if c.status.suppressed:
                hidden.append({"table": pt.name, "cell": list(c.key), "status": c.status.value, "reason": c.reason})
            if c.count_status is not None and c.count_status.suppressed:
                hidden.append({"table": pt.name, "cell": list(c.key), "part": "contributors",
                               "status": c.count_status.value, "reason": c.count_reason})
    return {"warning": NOT_FOR_PUBLICATION, "rules": result.rules.to_dict(), "hidden": hidden, "notes": list(result.notes)}


def render_findings(findings: Sequence[Finding], verbose: bool = False) -> str:
    """A summary line, then every failure and warning (and with ``verbose`` every check)."""
    fails = [f for f in findings if f.severity == FAIL]
    warns = [f for f in findings if f.severity == WARNING]
    checked = sum(1 for f in findings if f.interval is not None)
    out = []
    for f in findings:
        if f.severity == OK and not verbose:
            continue
        where = f"{f.table}: {' × '.join(f.key)}" if f.table else f.measure
        out.append(f"{f.severity.upper()} {f.check}: {where}: {f.message}")
    head = (
        f"Audit: {checked} hidden cell(s) checked; "
        + ("every one protected" if not fails else f"{len(fails)} failure(s)")
        + (f", {len(warns)} warning(s)" if warns else "")
        + "."
    )
    return "\n".join([head, *out])


def _pct(f: Fraction) -> str:
    return f"{float(f) * 100:.1f}%"


def render_equality(report: EqualityReport, headings: tuple[str, str, str] = ("group", "people", "outcome")) -> str:
    g_head, n_head, k_head = headings
    out = []
    if report.withheld:
        out.append("Nothing can be shown group by group: too few people or outcomes.")
    else:
        rows = []
        for g in report.groups:
            ratio = "reference" if g.group == report.reference else (
                "" if g.impact_ratio is None else f"{float(g.impact_ratio):.3f}" + (" *" if g.below_four_fifths else "")
            )
            p = "" if g.p_value is None else f"{float(g.p_value):.4g}"
            rows.append([g.group, str(g.total), str(g.outcome), _pct(g.rate), ratio, p])
        header = [g_head, n_head, k_head, "rate", "impact ratio", "Fisher p"]
        table = [header, *rows]
        widths = [max(len(r[i]) for r in table) for i in range(len(header))]
        for r in table:
            out.append("  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths))).rstrip())
        out.append("")
        kind = "adverse" if report.outcome_is_adverse else "favourable"
        out.append(
            f"The counted outcome is {kind}. Impact ratio: each group's favourable rate over the reference "
            "group's; * marks one below four-fifths (the US four-fifths rule, 29 CFR 1607.4(D))."
        )
        out.append("Fisher p: Fisher's exact test (two-sided) against the reference group; no correction for several groups.")
        for g in report.groups:
            if len(g.members) > 1:
                out.append(f"{g.group} = {', '.join(g.members)}: too few to show one by one.")
    if report.total is not None:
        overall = f"Overall: {report.total} people"
        if report.outcome is not None:
            overall += f", {report.outcome} with the outcome ({_pct(Fraction(report.outcome, report.total))})"
        out.append(overall + ".")
    for n in report.notes:
        out.append(f"Note: {n}.")
    return "\n".join(out)


def equality_json(report: EqualityReport) -> dict:
    def frac(f):
        return None if f is None else float(f)

    return {
        "threshold": report.threshold,
        "outcome_is_adverse": report.outcome_is_adverse,
        "reference": report.reference,
        "groups": [
            {"group": g.group, "members": list(g.members), "total": g.total, "outcome": g.outcome,
             "rate": frac(g.rate), "favourable_rate": frac(g.favourable), "impact_ratio": frac(g.impact_ratio),
             "below_four_fifths": g.below_four_fifths, "fisher_p": frac(g.p_value)}
            for g in report.groups
        ],
        "merged": list(report.merged),
        "total": report.total,
        "outcome": report.outcome,
        "notes": list(report.notes),
    }
