"""What a member sees on "My data" and in both downloads covers their whole
history (issue 17): ballot rolls (whether they voted, never how), elections,
conference (delegacies, motions they put forward, card votes), moderation of
their comments (reports about them, never who reported), offices held, and
the audit entries about them. Each kind is looked for on the page, in the
JSON and in the PDF, so a declaration that goes missing fails here."""

import datetime as dt
import json
import re
import zlib

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.conftest import give_office, sign_in
from tests.unionhall.datarights.conftest import a_ballot, a_bulletin, a_comment, on_roll
from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins.models import ModerationDecision, Report
from unionhall.conference.models import Card, Conference, Delegate, Motion, Vote
from unionhall.datarights import export
from unionhall.elections.models import Election, Nomination
from unionhall.members.models import Role

NOW = timezone.now()

# Each kind of history, the declaration that shows it, and a word that only it puts in the export.
KINDS = {
    "ballot roll": ("ballots.RollEntry", "Rollcall ballot"),
    "election": ("elections.Nomination", "Electoral address of Alice"),
    "delegacy": ("conference.Delegate", "Gathering2026"),
    "motion": ("conference.Motion", "Motion on caseload caps"),
    "card vote": ("conference.Card", "Motion on caseload caps"),
    "report about a comment": ("bulletins.Report:about", "Tone was sharp"),
    "moderation decision": ("bulletins.ModerationDecision:about", "Hidden for a personal remark"),
    "office": ("members.Office", "Workplace rep"),
    "audit entry about them": ("audit.AuditEntry:about", "Arrears check by phone"),
}


@pytest.fixture
def whole_history(people, union):
    alice = people.alice
    on_roll(a_ballot("Rollcall ballot"), alice)
    election = Election.objects.create(title="Branch secretary 2026", role=Role.BRANCH_SECRETARY, branch=union.north,
                                       nominations_open=NOW - dt.timedelta(days=40), nominations_close=NOW - dt.timedelta(days=20),
                                       term_starts_on=dt.date(2026, 6, 1), term_years=2)  # fmt: skip
    Nomination.objects.create(election=election, candidate=alice, proposer=people.bob, seconder=people.carol, nominated_at=NOW,
                              address="Electoral address of Alice", accepted_at=NOW, seconded_at=NOW)  # fmt: skip
    conference = Conference.objects.create(slug="agm", title="Gathering2026", held_on=dt.date(2026, 5, 1), motions_deadline=NOW,
                                           amendments_deadline=NOW, weights_on=dt.date(2026, 3, 1))  # fmt: skip
    delegate = Delegate.objects.create(conference=conference, branch=union.north, member=alice)
    motion = Motion.objects.create(conference=conference, number=1, title="Motion on caseload caps", text="Conference believes...",
                                   proposer="branch", branch=union.north, submitted_by=alice.user, submitted_at=NOW)  # fmt: skip
    vote = Vote.objects.create(motion=motion, method="card", opened_at=NOW)
    Card.objects.create(vote=vote, branch=union.north, delegate=delegate, choice="for", weight=120, cast_at=NOW)
    comment = a_comment(a_bulletin(people.hq), alice, body="Management are hopeless.")
    Report.objects.create(comment=comment, reporter=people.erin, reason="Tone was sharp", reported_at=NOW)
    ModerationDecision.objects.create(comment=comment, outcome="hide", reason="Hidden for a personal remark", decided_by=people.hq.user, decided_at=NOW)
    give_office(alice, Role.WORKPLACE_REP, workplace=union.harbour)
    audit_record(actor=people.carol.user, action=Action.VIEW, subject=alice, detail={"reason": "Arrears check by phone"})
    return alice


def _rows(data, name):
    return [row for held in data.sections.values() for h in held if h.declaration.name == name for row in h.rows]


def pdf_text(pdf: bytes) -> str:
    """The text drawn in a PDF that fpdf2 wrote, its wrapped lines joined by
    spaces: each content stream inflated, each ``(...) Tj`` string read."""
    lines = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            content = zlib.decompress(stream).decode("latin-1")
        except zlib.error:
            continue
        for text in re.findall(r"\(((?:[^()\\]|\\.)*)\) Tj", content):
            lines.append(re.sub(r"\\(.)", r"\1", text))
    return " ".join(lines)


@pytest.mark.parametrize("kind", list(KINDS))
def test_my_data_holds_each_kind_of_the_members_history(whole_history, kind):
    name, word = KINDS[kind]
    rows = _rows(export.member_data(whole_history), name)
    assert rows, f"{kind}: nothing from {name}"
    assert word in json.dumps(rows, default=str)


def test_the_page_the_json_and_the_pdf_each_show_every_kind(client, whole_history, people):
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("datarights_my_data")).content.decode()
    downloaded = json.loads(client.post(reverse("datarights_download"), {"format": "json"}).content)
    models = {d["model"] for s in downloaded["sections"] for d in s["data"]}
    blob = json.dumps(downloaded)
    pdf = pdf_text(client.post(reverse("datarights_download"), {"format": "pdf"}).content)
    for kind, (name, word) in KINDS.items():
        assert word in page, f"{kind} is missing from the page"
        assert name in models and word in blob, f"{kind} is missing from the JSON"
        assert word in pdf, f"{kind} is missing from the PDF"


def test_whether_she_voted_is_shown_but_never_how_nor_who_reported_her(whole_history, people):
    data = export.member_data(whole_history)
    roll = _rows(data, "ballots.RollEntry")
    assert roll[0]["voted_at"] is not None and not any("cast" in key for key in roll[0])
    blob = export.as_json(data).decode()
    assert "HOW-THEY-VOTED" not in blob
    assert "Erin" not in blob and "Evans" not in blob
    assert not any("reporter" in key for row in _rows(data, "bulletins.Report:about") for key in row)


def test_who_looked_names_the_officer_and_office_and_the_reason(whole_history, people):
    look = _rows(export.member_data(whole_history), "audit.AuditEntry:about")
    officer = next(row for row in look if row["by"] == "an officer")
    assert officer["who"] == "Carol Cooper" and "Branch secretary" in officer["office"] and officer["why"] == "Arrears check by phone"


def test_a_subject_access_export_redacts_what_the_reporter_wrote(whole_history):
    reports = _rows(export.member_data(whole_history, redact=True), "bulletins.Report:about")
    assert reports[0]["reason"] == export.REDACTED


def test_the_moderators_own_record_is_theirs_and_not_the_authors(whole_history, people):
    """The decision shows to the author as about their comment, to the moderator as their work; not both to either."""
    author = export.member_data(whole_history)
    moderator = export.member_data(people.hq)
    assert _rows(author, "bulletins.ModerationDecision:about") and not _rows(author, "bulletins.ModerationDecision")
    assert _rows(moderator, "bulletins.ModerationDecision") and not _rows(moderator, "bulletins.ModerationDecision:about")
