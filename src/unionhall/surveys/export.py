"""The results pack for bargaining: CSV, XLSX and PDF, each stating the
method, the dates, the response rate and the suppression rules. Only the
published figures go in; hidden ones are written "[c]"."""

import csv
import io

from fpdf import FPDF
from openpyxl import Workbook

from unionhall.surveys.models import QuestionKind, Run
from unionhall.surveys.results import breakdown_rows, overall_rows, response_rate

SUPPRESSED = "[c]"


def method_lines(run: Run) -> list[str]:
    r = run.results
    survey = run.survey
    rate = response_rate(r)
    return [
        f"Survey: {survey.title} (run {run.number})",
        f"Open from {run.opens_at:%-d %B %Y} to {run.closes_at:%-d %B %Y}; results worked out {run.results_at:%-d %B %Y}.",
        f"Invited: {r['invited']} members; answered: {r['respondents'] if r['respondents'] is not None else SUPPRESSED}"
        + (f" (response rate {rate}%)." if rate else "."),
        f"Kind: {survey.get_kind_display().split(':')[0]}. Answers carry only the member's "
        + ", ".join(survey.attribute_list or ["no attributes"]) + ", copied from the register when they answered.",
        f"Disclosure control: no count of fewer than {r['threshold']} people is shown (primary suppression); other cells are hidden "
        "so that no hidden figure can be worked out from totals or from the other tables of this run (secondary suppression, "
        "all tables protected together and checked by solving the attacker's linear programme); sums and means are hidden where "
        "one or two people make up most of a total (dominance: (2, 85) and p% = 10 rules); percentages and means are never given "
        f"for a group of fewer than {r['threshold']}. Hidden figures are shown as {SUPPRESSED}.",
        f"Audit of this publication: {'passed' if r.get('audit_passed') else 'FAILED - do not publish'}.",
    ]


def _fmt(v) -> str:
    return SUPPRESSED if v is None else str(v)


def pack_rows(run: Run, *, allowed=None) -> list[list[str]]:
    """Every published table as rows of text (a blank row between tables)."""
    out: list[list[str]] = [[line] for line in method_lines(run)] + [[]]
    for q in run.survey.questions.all():
        if q.kind == QuestionKind.TEXT:
            continue
        rows = overall_rows(run.results, q)
        out.append([f"{q.short}: all respondents"])
        if rows and "mean" in rows[0]:
            out.append(["", "mean" + (f" ({q.unit})" if q.unit else ""), "answers"])
            out += [[r["label"], _fmt(r["mean"]), _fmt(r["count"])] for r in rows]
        else:
            out.append(["answer", "count", "per cent"])
            out += [[r["label"], _fmt(r["count"]), "" if r.get("total") else _fmt(r["percent"])] for r in rows]
        for by in run.survey.attribute_list if q.breakdown else []:
            table = breakdown_rows(run.results, q, by, allowed=allowed)
            if table is None:
                continue
            out.append([f"{q.short} by {by}"])
            if table["kind"] == "magnitude":
                out.append([by, "mean", "answers"])
                out += [[r["label"], _fmt(r["mean"]), _fmt(r["count"])] for r in table["rows"]]
            else:
                out.append([by, *table["answers"], "Total"])
                out += [[r["label"], *(_fmt(v) for v in r["values"]), _fmt(r["row_total"])] for r in table["rows"]]
        out.append([])
    return out


def pack_csv(run: Run, *, allowed=None) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in pack_rows(run, allowed=allowed):
        # A leading = + - @ would be read as a formula by spreadsheets.
        writer.writerow([("'" + c) if c[:1] in "=+-@" else c for c in row])
    return buf.getvalue()


def pack_xlsx(run: Run, *, allowed=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Results"
    for row in pack_rows(run, allowed=allowed):
        ws.append([int(c) if c.isdigit() else c for c in row])
    method = wb.create_sheet("Method")
    for line in method_lines(run):
        method.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _latin(text: str) -> str:
    # The core PDF fonts are Latin-1: replace what they cannot draw.
    return text.replace("×", "x").replace("“", '"').replace("”", '"').replace("’", "'").replace("–", "-").encode("latin-1", "replace").decode("latin-1")


def pack_pdf(run: Run, *, allowed=None) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, _latin(f"{run.survey.title}: results of run {run.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    for line in method_lines(run):
        pdf.multi_cell(0, 5, _latin(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    for row in pack_rows(run, allowed=allowed)[len(method_lines(run)) + 1:]:
        if not row:
            pdf.ln(3)
            continue
        if len(row) == 1:
            pdf.set_font("Helvetica", "B", 10)
            pdf.multi_cell(0, 6, _latin(row[0]), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", size=8)
            continue
        width = (pdf.w - pdf.l_margin - pdf.r_margin) / len(row)
        for cell in row:
            pdf.cell(width, 5, _latin(cell)[:28], border=1)
        pdf.ln(5)
    return bytes(pdf.output())
