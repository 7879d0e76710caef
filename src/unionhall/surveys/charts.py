"""Charts drawn on the server as SVG: bars for a distribution, a line for a
trend. No script; each chart has a title and description for screen readers,
and every page that shows one also shows its numbers in a table. Labels are
escaped here because the SVG is marked safe in the template."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH = 360
BAR_H = 22
GAP = 8
LABEL_W = 150
LABEL_CHARS = 24  # what fits in LABEL_W at the chart's font size


def bars(title: str, items: list[tuple[str, float | None]], *, unit: str = "%") -> str:
    """Horizontal bars, one per (label, value); a hidden value is drawn as a
    dashed outline labelled "[c]", so the chart never shows more than the table."""
    shown = [v for _, v in items if v is not None]
    top = max(shown) if shown else 1
    top = top or 1
    height = len(items) * (BAR_H + GAP) + GAP
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    span = WIDTH - LABEL_W - 50
    for i, (label, value) in enumerate(items):
        y = GAP + i * (BAR_H + GAP)
        # A long label is cut with an ellipsis, whole in its tooltip (and in the table beside every chart).
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"
        parts.append(f'<text x="0" y="{y + 15}" font-size="12"><title>{escape(label)}</title>{escape(short)}</text>')
        if value is None:
            parts.append(f'<rect x="{LABEL_W}" y="{y}" width="{span}" height="{BAR_H}" fill="none" stroke="#999" stroke-dasharray="4 3"/>')
            parts.append(f'<text x="{LABEL_W + 4}" y="{y + 15}" font-size="12" fill="#555">[c]</text>')
        else:
            w = max(1, round(span * value / top))
            parts.append(f'<rect x="{LABEL_W}" y="{y}" width="{w}" height="{BAR_H}" fill="#3b5bdb"/>')
            parts.append(f'<text x="{LABEL_W + w + 4}" y="{y + 15}" font-size="12">{escape(_num(value))}{escape(unit)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line(title: str, points: list[tuple[str, float | None]], *, unit: str = "") -> str:
    """A trend line through the published points; a gap where a run hid its figure."""
    height, left, right, top_pad, bottom = 180, 40, 10, 10, 30
    shown = [v for _, v in points if v is not None]
    if not shown:
        return ""
    hi = max(shown) * 1.1 or 1
    n = len(points)
    step = (WIDTH - left - right) / max(1, n - 1)

    def xy(i, v):
        return left + i * step, top_pad + (height - top_pad - bottom) * (1 - v / hi)

    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{height - bottom}" x2="{WIDTH - right}" y2="{height - bottom}" stroke="#999"/>',
        f'<text x="0" y="{top_pad + 10}" font-size="11">{escape(_num(hi))}</text><text x="0" y="{height - bottom}" font-size="11">0</text>',
    ]
    segment: list[str] = []
    for i, (label, v) in enumerate(points):
        x = left + i * step
        parts.append(f'<text x="{x:.0f}" y="{height - 10}" font-size="11" text-anchor="middle">{escape(label)}</text>')
        if v is None:
            if len(segment) > 1:
                parts.append(f'<polyline fill="none" stroke="#3b5bdb" stroke-width="2" points="{" ".join(segment)}"/>')
            segment = []
            continue
        px, py = xy(i, v)
        segment.append(f"{px:.1f},{py:.1f}")
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="#3b5bdb"/>')
        parts.append(f'<text x="{px:.1f}" y="{py - 6:.1f}" font-size="11" text-anchor="middle">{escape(_num(v))}{escape(unit)}</text>')
    if len(segment) > 1:
        parts.append(f'<polyline fill="none" stroke="#3b5bdb" stroke-width="2" points="{" ".join(segment)}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _num(v: float) -> str:
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}"
