"""The officers' report's long parts, written as HTML in Python: the 650
hexagons of the map and the tables with a row a constituency or recipient.
Django's template engine spends about 0.3 ms a row on them (a form with
its CSRF token in each responsiveness row), which at 650 rows was most of
the page's time; joining escaped strings takes a few milliseconds. Every
value from the database or the data files goes through ``escape``
(the standard library's, quotes included: as Django's, without its
lazy-string wrapper, which cost more than the rest)."""

import html

from django.utils.safestring import SafeString, mark_safe

from unionhall.campaigns.mapping import HexMap


def escape(value) -> str:
    return html.escape(str(value), quote=True)


def hex_polygons(hexmap: HexMap) -> SafeString:
    return mark_safe("".join(
        f'<polygon class="s{h.shade}" points="{h.points}"><title>{escape(h.label)}</title></polygon>' for h in hexmap.hexagons
    ))  # fmt: skip


def count_rows(rows, *, empty: str) -> SafeString:
    """Rows of (name, count) as <tr>s; ``empty`` when there are none."""
    if not rows:
        return mark_safe(f'<tr><td colspan="2">{escape(empty)}</td></tr>')
    return mark_safe("".join(f'<tr><td>{escape(name)}</td><td class="num">{escape(n)}</td></tr>' for name, n in rows))


def responsiveness_rows(rows: list[dict], *, action: str, csrf_token: str, mark: bool) -> SafeString:
    """The responsiveness table's rows; with ``mark``, each MP's form to mark
    them as supporting (or unmark), posting to ``action``."""
    if not rows:
        return mark_safe('<tr><td colspan="7">No letters sent yet.</td></tr>')
    token = escape(csrf_token)
    out = []
    for r in rows:
        cells = [escape(r["name"])]
        if r["now"]:
            cells.append(f' <span class="tag">MP now: {escape(r["now"])}</span>')
        if r["constituency"]:
            cells.append(f'<br><span class="hint">{escape(r["constituency"])}</span>')
        days = f"{r['mean_days']:.0f}" if r["mean_days"] is not None else "—"
        line = (f'<tr><td>{"".join(cells)}</td><td class="num">{escape(r["sent"])}</td><td class="num">{escape(r["asked"])}</td>'
                f'<td class="num">{escape(r["replies"])}</td><td class="num">{escape(r["answered_points"])}</td><td class="num">{days}</td>')  # fmt: skip
        if mark:
            form = ""
            if r["code"]:
                button = ('<span class="tag">Supporting</span> <button type="submit" name="supporting" value="no" class="btn-secondary">Unmark</button>'
                          if r["supporting"] else
                          '<button type="submit" name="supporting" value="yes" class="btn-secondary">Already supports</button>')  # fmt: skip
                form = (f'<form method="post" action="{escape(action)}"><input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
                        f'<input type="hidden" name="code" value="{escape(r["code"])}">{button}</form>')  # fmt: skip
            line += f"<td>{form}</td>"
        out.append(line + "</tr>")
    return mark_safe("".join(out))
