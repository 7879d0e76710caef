"""The statutory documents, each built once as plain content (a ``Doc``) and
rendered from it as HTML (a page to print or send) and as PDF (fpdf2 with a
core font), so both always state the same figures and dates.

Issuing a document records when and by whom, with a digest of its HTML and
the facts it states, and sets the date the matching notice was sent."""

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from fpdf import FPDF

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.ballots import api
from unionhall.mandates.models import Document, StatutoryBallot
from unionhall.mandates.services import (
    POSTAL_CHANNELS,
    asked_questions,
    ballot_of,
    constituency,
    earliest_action_start,
    mandate,
    paper,
    paper_problems,
    resolution,
    result_figures,
)  # fmt: skip
from unionhall.refusals import Refused


@dataclass
class Doc:
    kind: str
    title: str
    to: list[str]
    date: dt.date
    blocks: list[tuple] = field(default_factory=list)  # ("h", text) | ("p", text) | ("table", headers, rows)
    facts: dict = field(default_factory=dict)

    def h(self, text):
        self.blocks.append(("h", text))

    def p(self, text):
        self.blocks.append(("p", text))

    def table(self, headers, rows):
        self.blocks.append(("table", list(headers), [[str(c) for c in row] for row in rows]))


def _d(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


def _pct(value: float) -> str:
    return f"{value:.1f}%"


def _yes(flag: bool | None) -> str:
    return "not applicable" if flag is None else ("met" if flag else "NOT met")


def _header(sb: StatutoryBallot, kind: str, today: dt.date, to: list[str]) -> Doc:
    return Doc(kind, f"{Document.Kind(kind).label}: {ballot_of(sb).title}", to, today)


def _employer(sb: StatutoryBallot) -> list[str]:
    return [str(sb.employer), *[line for line in sb.employer_address.splitlines() if line.strip()]]


def ballot_notice(sb: StatutoryBallot, today: dt.date) -> Doc:
    res, c = resolution(sb), constituency(sb)
    doc = _header(sb, Document.Kind.BALLOT_NOTICE, today, _employer(sb))
    doc.p(f"The union intends to hold a ballot on industrial action. The ballot opens on {_d(sb.opens_on)} and closes on {_d(sb.closes_on)}.")
    doc.p(f"The dispute: {sb.dispute}")
    doc.p(f"The union reasonably believes that {c.total} of your employees will be entitled to vote. The figures below are taken from the union's register of members.")
    doc.h("Categories of employee")
    doc.table(["Category", "Number"], c.categories + [("Total", c.total)])
    doc.h("Workplaces")
    doc.table(["Workplace", "Number"], c.workplaces + [("Total", c.total)])
    doc.p(f"The ballot is conducted by {'post' if sb.channel == 'postal' else sb.get_channel_display().lower()}, under the supervision of the independent scrutineer {sb.scrutineer_name} ({sb.scrutineer_firm}).")
    doc.p(f"This notice is given under {res.applies['ballot-notice'].rule.source}." if "ballot-notice" in res else "")
    doc.facts = {"opens_on": str(sb.opens_on), "entitled": c.total, "categories": dict(c.categories), "workplaces": dict(c.workplaces)}
    return doc


def sample_paper(sb: StatutoryBallot, today: dt.date) -> Doc:
    res = resolution(sb)
    doc = _header(sb, Document.Kind.SAMPLE_PAPER, today, _employer(sb))
    doc.p("SAMPLE: each member's paper carries its own number from one consecutive series.")
    doc.p(f"Independent scrutineer: {sb.scrutineer_name}, {sb.scrutineer_firm}.")
    if sb.channel in POSTAL_CHANNELS:
        doc.p(f"Return this paper to: {' '.join(sb.return_address.split())}, to arrive by {_d(sb.closes_on)}.")
    if "voting-paper-summary" in res:
        doc.p(f"The matters in issue: {sb.dispute}")
        doc.p(f"When the action is expected to take place: {sb.action_period}")
        if sb.asos_question_id:
            doc.p(f"The action short of a strike would be: {sb.asos_types}")
    on_paper = paper(sb)
    for key, label in asked_questions(sb):
        doc.h(label)
        doc.p(f"{on_paper[key].text}   YES [  ]   NO [  ]")
    doc.p(f"If the vote is in favour, the action may be called by: {sb.authorised_to_call}.")
    if "voting-paper-particulars" in res:
        doc.p(res.param("voting-paper-particulars", "statement", ""))
    doc.facts = {"scrutineer": sb.scrutineer_name, "questions": [k for k, _ in asked_questions(sb)], "return_by": str(sb.closes_on)}
    return doc


def result_notice(sb: StatutoryBallot, today: dt.date) -> Doc:
    r = result_figures(sb)
    doc = _header(sb, Document.Kind.RESULT_NOTICE, today, ["All members entitled to vote", *_employer(sb)])
    doc.p(f"The ballot closed on {_d(sb.closes_on)}. The independent scrutineer was {sb.scrutineer_name} ({sb.scrutineer_firm}).")
    doc.table(["", "Online", "Postal", "Combined"], [
        ["Entitled to vote", "", "", r.entitled],
        ["Votes cast", r.cast_online, r.cast_postal, r.cast],
    ])  # fmt: skip
    for q in r.questions:
        doc.h(f"{q.label}: {q.text}")
        doc.table(["", "Online", "Postal", "Combined"], [
            ["Yes", q.online.yes, q.postal.yes, q.combined.yes],
            ["No", q.online.no, q.postal.no, q.combined.no],
            ["Spoiled or invalid", q.online.spoiled, q.postal.spoiled, q.combined.spoiled],
        ])  # fmt: skip
        doc.p(f"A majority voted {'Yes' if q.majority else 'No (or the vote was tied)'}.")
        if q.support_met is not None:
            doc.p(f"Yes votes were {_pct(q.support_percent)} of those entitled to vote: the {r.support_required}% support threshold was {_yes(q.support_met)}.")
    if r.turnout_required is not None:
        doc.p(f"Turnout was {_pct(r.turnout_percent)} ({r.cast} of {r.entitled}): the {r.turnout_required}% turnout threshold was {_yes(r.turnout_met)}.")
    else:
        doc.p(f"Turnout was {_pct(r.turnout_percent)} ({r.cast} of {r.entitled}); no turnout threshold applies to this ballot.")
    doc.facts = {
        "entitled": r.entitled, "cast": r.cast, "cast_online": r.cast_online, "cast_postal": r.cast_postal,
        "turnout_met": r.turnout_met,
        "questions": {q.key: {"yes": q.combined.yes, "no": q.combined.no, "spoiled": q.combined.spoiled, "support_met": q.support_met} for q in r.questions},
    }  # fmt: skip
    return doc


def mandate_document(sb: StatutoryBallot, today: dt.date) -> Doc:
    r, m = result_figures(sb), mandate(sb)
    if not r.mandate_for:
        raise Refused("The ballot gave no mandate: no question met every threshold that applies.", status=409)
    doc = _header(sb, Document.Kind.MANDATE, today, ["The union's officers and members entitled to vote"])
    doc.p(f"The ballot that closed on {_d(m.ballot_date)} supports: {', '.join(q.label.lower() for q in r.mandate_for)}.")
    doc.p(f"The mandate lasts {m.months} months from the date of the ballot: action must take place by {_d(m.expires_on)} ({m.source}).")
    doc.p("Action after that date needs a new ballot. HQ is warned by email before the mandate lapses.")
    doc.facts = {"ballot_date": str(m.ballot_date), "months": m.months, "expires_on": str(m.expires_on), "supports": [q.key for q in r.mandate_for]}
    return doc


def action_notice(sb: StatutoryBallot, today: dt.date) -> Doc:
    r, m = result_figures(sb), mandate(sb)
    start, days, source = earliest_action_start(sb, today)
    if not r.mandate_for:
        raise Refused("The ballot gave no mandate, so there is no action to give notice of.", status=409)
    if sb.result_notified_on is None:
        raise Refused("Tell the employer the result first: notice of action can be given only after that.", status=409)
    if start > m.expires_on:
        raise Refused(f"The mandate ends on {_d(m.expires_on)}: action could not start before it lapses.", status=409)
    c = constituency(sb)
    doc = _header(sb, Document.Kind.ACTION_NOTICE, today, _employer(sb))
    doc.p(f"The union gives notice that it intends to call on the employees below to take part in: {', '.join(q.label.lower() for q in r.mandate_for)}.")
    doc.p(f"The action will start on or after {_d(start)}: this notice is given on {_d(today)}, at least {days} days before ({source}).")
    doc.p(f"The mandate from the ballot that closed on {_d(m.ballot_date)} lasts until {_d(m.expires_on)}.")
    doc.h("Categories of employee")
    doc.table(["Category", "Number"], c.categories + [("Total", c.total)])
    doc.h("Workplaces")
    doc.table(["Workplace", "Number"], c.workplaces + [("Total", c.total)])
    doc.facts = {"given_on": str(today), "earliest_start": str(start), "days": days, "mandate_expires_on": str(m.expires_on)}
    return doc


BUILDERS = {
    Document.Kind.BALLOT_NOTICE: ballot_notice,
    Document.Kind.SAMPLE_PAPER: sample_paper,
    Document.Kind.RESULT_NOTICE: result_notice,
    Document.Kind.MANDATE: mandate_document,
    Document.Kind.ACTION_NOTICE: action_notice,
}


def build(sb: StatutoryBallot, kind: str, today: dt.date | None = None) -> Doc:
    if kind not in BUILDERS:
        raise Refused("There is no such document.", status=404)
    return BUILDERS[kind](sb, today or timezone.localdate())


# --- Rendering ----------------------------------------------------------------------


def render_html(doc: Doc, sb: StatutoryBallot) -> str:
    """The document's own content as HTML (the printable part of the page)."""
    return render_to_string("mandates/_document.html", {"doc": doc, "sb": sb})


# Core fonts cover Latin-1 only: common typographic characters become plain ones.
_PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\u00a0": " "})


def _latin1(text: str) -> str:
    return str(text).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def render_pdf(doc: Doc) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(doc.title))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in doc.to:
        pdf.cell(0, 5, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, _latin1(f"Date: {_d(doc.date)}"), new_x="LMARGIN", new_y="NEXT", align="R")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, _latin1(doc.title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for block in doc.blocks:
        if block[0] == "h":
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(0, 6, _latin1(block[1]), new_x="LMARGIN", new_y="NEXT")
        elif block[0] == "p" and block[1]:
            pdf.set_font("Helvetica", size=10)
            pdf.multi_cell(0, 5, _latin1(block[1]), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif block[0] == "table":
            _pdf_table(pdf, block[1], block[2])
    return bytes(pdf.output())


def _pdf_table(pdf: FPDF, headers: list[str], rows: list[list[str]]) -> None:
    pdf.set_font("Helvetica", size=10)
    with pdf.table(text_align=["LEFT"] + ["RIGHT"] * (len(headers) - 1), first_row_as_headings=True) as table:
        for cells in [headers, *rows]:
            row = table.row()
            for cell in cells:
                row.cell(_latin1(cell))
    pdf.ln(2)


# --- Issuing --------------------------------------------------------------------------

# Which date on the statutory ballot records that the document was sent.
SENT_ON = {
    Document.Kind.BALLOT_NOTICE: "ballot_notice_sent_on",
    Document.Kind.SAMPLE_PAPER: "sample_paper_sent_on",
    Document.Kind.RESULT_NOTICE: "result_notified_on",
}


def check_issue(*, sb: StatutoryBallot, kind: str) -> None:
    if kind in (Document.Kind.BALLOT_NOTICE, Document.Kind.SAMPLE_PAPER) and ballot_of(sb).status != api.Status.DRAFT:
        raise Refused("The ballot has opened: notices before the ballot can no longer be issued.", status=409)
    if kind == Document.Kind.SAMPLE_PAPER:
        if problems := paper_problems(sb, resolution(sb)):
            raise Refused("The voting paper is not ready: " + " ".join(problems), status=409)
    if kind == Document.Kind.MANDATE and sb.result_notified_on is None:
        raise Refused("Issue the result notice first.", status=409)


@transaction.atomic
def do_issue(*, sb: StatutoryBallot, kind: str, actor, now: dt.datetime | None = None) -> Document:
    """Record that the document was issued now; set the date its notice was sent."""
    now = now or timezone.now()
    sb = StatutoryBallot.objects.select_for_update().select_related("profile", "employer").get(pk=sb.pk)
    check_issue(sb=sb, kind=kind)
    doc = build(sb, kind, timezone.localdate(now))
    digest = hashlib.sha256(render_html(doc, sb).encode()).hexdigest()
    issued = Document.objects.create(statutory=sb, kind=kind, issued_at=now, digest=digest, facts=doc.facts,
                                     issued_by=actor if getattr(actor, "is_authenticated", False) else None)  # fmt: skip
    if kind in SENT_ON:
        setattr(sb, SENT_ON[kind], timezone.localdate(now))
        sb.save(update_fields=[SENT_ON[kind]])
    audit_record(actor=actor, action=Action.CHANGE, subject=sb, detail={"event": "document issued", "kind": kind, "digest": digest})
    return issued
