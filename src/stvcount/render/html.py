"""A standalone HTML page for a count, with an inline SVG bar chart."""

from __future__ import annotations

from html import escape

from ..result import Result

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .2em .5em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.elected td:first-child { font-weight: bold; }
"""


def render_html(result: Result) -> str:
    """A complete HTML document: summary, SVG chart, stage table, decisions and ties."""
    title = escape(result.title or "Election")
    elected = set(result.winners)
    shown = [c for c in range(len(result.candidates)) if c not in result.withdrawn]
    head = "".join(f"<th>Stage {s.number}</th>" for s in result.stages)
    rows = []
    for c in shown:
        cells = "".join(f'<td class="num">{result.value(s.totals[c])}</td>' for s in result.stages)
        cls = ' class="elected"' if c in elected else ""
        rows.append(f"<tr{cls}><td>{c + 1}. {escape(result.candidates[c])}</td>{cells}</tr>")
    for label, attr in (("Non-transferable", "exhausted"), ("Lost to rounding", "lost")):
        cells = "".join(f'<td class="num">{result.value(getattr(s, attr))}</td>' for s in result.stages)
        rows.append(f"<tr><td>{label}</td>{cells}</tr>")
    actions = "".join(f"<li>{escape(s.action)}</li>" for s in result.stages)
    decisions = "".join(
        f"<li>{escape(kind)}: {d.candidate + 1}. {escape(result.candidates[d.candidate])} "
        f"at stage {d.stage} &mdash; {escape(d.reason)}</li>"
        for kind, ds in (("Elected", result.elected), ("Excluded", result.excluded))
        for d in ds
    )
    ties = "".join(
        f"<li>Stage {t.stage}, {escape(t.purpose)}: among {', '.join(str(c + 1) for c in t.candidates)} "
        f"chose {t.chosen + 1} by {escape(t.method)}</li>"
        for t in result.ties
    ) or "<li>none</li>"
    quota = f" &middot; Quota {result.value(result.quota)}" if result.quota is not None else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title><style>{_STYLE}</style></head>
<body>
<h1>{title}</h1>
<p>Rule: {escape(result.rule)} &middot; Seats {result.seats} &middot; Valid poll {result.valid}{quota}</p>
{_chart(result, shown)}
<table><thead><tr><th>Candidate</th>{head}</tr></thead><tbody>
{chr(10).join(rows)}
</tbody></table>
<h2>Stages</h2><ol>{actions}</ol>
<h2>Decisions</h2><ul>{decisions}</ul>
<h2>Ties</h2><ul>{ties}</ul>
</body></html>
"""


def _chart(result: Result, shown: list[int]) -> str:
    """Horizontal bars: first-stage (light) and final-stage (dark) votes, quota as a line."""
    if not result.stages:
        return ""
    first, last = result.stages[0].totals, result.stages[-1].totals
    top = max([1, *(first[c] for c in shown), *(last[c] for c in shown), result.quota or 0])
    label_w, bar_w, row_h = 260, 420, 28
    height = row_h * len(shown) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 110}" height="{height}" role="img">']
    for i, c in enumerate(shown):
        y = 5 + i * row_h
        name = escape(f"{c + 1}. {result.candidates[c]}")
        parts.append(f'<text x="0" y="{y + 17}" font-size="12">{name}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{first[c] * bar_w // top}" height="10" fill="#9ecae1"/>')
        parts.append(f'<rect x="{label_w}" y="{y + 13}" width="{last[c] * bar_w // top}" height="10" fill="#3182bd"/>')
        parts.append(f'<text x="{label_w + bar_w + 5}" y="{y + 22}" font-size="11">{result.value(last[c])}</text>')
    if result.quota is not None:
        x = label_w + result.quota * bar_w // top
        parts.append(f'<line x1="{x}" y1="0" x2="{x}" y2="{height}" stroke="#d62728" stroke-dasharray="4 2"/>')
    parts.append("</svg>")
    return "\n".join(parts)
