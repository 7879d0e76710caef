"""Breakdown tables as HTML, built in Python: a page of ten breakdowns has
about a thousand cells, which Django's template loops take tens of
milliseconds to draw. Every label and figure is escaped here."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

HIDDEN = "[c]"


def _v(value) -> str:
    return HIDDEN if value is None else escape(str(value))


def breakdown_table(table: dict, *, by: str, caption: str, unit: str = "") -> SafeString:
    """``table`` as ``results.breakdown_rows`` gives it, in a scrolling wrapper."""
    head: list[str]
    body: list[str] = []
    if table["kind"] == "magnitude":
        head = [escape(by), "Mean" + (f" ({escape(unit)})" if unit else ""), "Answers"]
        for r in table["rows"]:
            body.append(_row(r, [_v(r["mean"]), _v(r["count"])]))
    elif table["answers"]:
        head = [escape(by), *(escape(a) for a in table["answers"]), "Total"]
        for r in table["rows"]:
            body.append(_row(r, [*(_v(v) for v in r["values"]), _v(r["row_total"])]))
    else:
        head = [escape(by), "Respondents"]
        for r in table["rows"]:
            body.append(_row(r, [_v(r["values"][0])]))
    thead = "".join(f'<th scope="col">{h}</th>' for h in head)
    note = ""
    if _nothing_shown(table):
        note = '<p class="hint">This breakdown cannot be published safely: its groups are too small, so every figure for a group with anyone in it is hidden.</p>'
    return mark_safe(
        f'{note}<div class="table-wrap"><table><caption>{escape(caption)}</caption><thead><tr>{thead}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _row(r: dict, cells: list[str]) -> str:
    cls = ' class="total"' if r.get("total") else ""
    return f'<tr{cls}><th scope="row">{escape(r["label"])}</th>' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _nothing_shown(table: dict) -> bool:
    """Every group with anyone in it is hidden (empty groups show 0)."""
    rows = [r for r in table["rows"] if not r.get("total")]
    if table["kind"] == "magnitude":
        figures = [v for r in rows for v in (r["count"],)]
    else:
        figures = [v for r in rows for v in r["values"]]
    return None in figures and all(v in (None, 0) for v in figures)
