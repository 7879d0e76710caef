"""A stage-by-stage text table of a count."""

from __future__ import annotations

from ..result import Result


def render_text(result: Result) -> str:
    """The count as a fixed-width table, then elections, exclusions and ties."""
    shown = [c for c in range(len(result.candidates)) if c not in result.withdrawn]
    lines = [
        f"{result.title or 'Election'} -- rule: {result.rule}",
        f"Seats: {result.seats}   Valid poll: {result.valid}"
        + (f"   Quota: {result.value(result.quota)}" if result.quota is not None else ""),
        "",
    ]
    rows = [["Candidate"] + [f"Stage {s.number}" for s in result.stages]]
    for c in shown:
        rows.append([f"{c + 1}. {result.candidates[c]}"] + [result.value(s.totals[c]) for s in result.stages])
    rows.append(["Non-transferable"] + [result.value(s.exhausted) for s in result.stages])
    rows.append(["Lost to rounding"] + [result.value(s.lost) for s in result.stages])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        lines.append("  ".join([row[0].ljust(widths[0])] + [v.rjust(w) for v, w in zip(row[1:], widths[1:])]))
    lines.append("")
    lines.append("Stages:")
    for s in result.stages:
        lines.append(f"  {s.number}. {s.action}")
    lines.append("Elected:")
    for d in result.elected:
        lines.append(f"  {d.candidate + 1}. {result.candidates[d.candidate]} (stage {d.stage}): {d.reason}")
    if result.excluded:
        lines.append("Excluded:")
        for d in result.excluded:
            lines.append(f"  {d.candidate + 1}. {result.candidates[d.candidate]} (stage {d.stage}): {d.reason}")
    if result.ties:
        lines.append("Ties:")
        for t in result.ties:
            among = ", ".join(str(c + 1) for c in t.candidates)
            lines.append(f"  stage {t.stage}, {t.purpose}: among {among} chose {t.chosen + 1} by {t.method}")
    return "\n".join(lines) + "\n"
