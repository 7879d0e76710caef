"""What "My data" gathers, and the export's single run (issue 17)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.unionhall.datarights.conftest import a_bulletin, a_comment, a_message, on_roll, a_ballot
from unionhall import personal_data
from unionhall.audit.models import Action, AuditEntry
from unionhall.datarights import export
from unionhall.datarights.models import Export
from unionhall.refusals import Refused


def _rows(data, model):
    return [row for held in data.sections.values() for h in held if h.declaration.model == model for row in h.rows]


def test_my_data_holds_the_members_register_comments_ballots_and_messages(history, people):
    data = export.member_data(people.alice)
    assert _rows(data, "members.Member")[0]["membership_number"] == "A1"
    assert {r["body"] for r in _rows(data, "bulletins.Comment")} == {"My caseload is 80.", "Second thoughts."}
    roll = _rows(data, "ballots.RollEntry")
    assert {r["ballot__title"]: r["voted_at"] is not None for r in roll} == {"Pay ballot": True, "Rules ballot": False}
    assert len(_rows(data, "outbox.Message")) == 3
    assert "Your membership: register details" in data.sections


def test_my_data_never_holds_how_the_member_voted_nor_anyone_elses_data(history, people):
    blob = export.as_json(export.member_data(people.alice)).decode()
    assert "HOW-THEY-VOTED" not in blob
    assert "Erin" not in blob and "E1" not in blob


def test_my_data_takes_the_same_number_of_queries_however_long_the_history(history, people):
    with CaptureQueriesContext(connection) as small:
        export.member_data(people.alice)
    bulletin = a_bulletin(people.hq, "More")
    for i in range(30):
        a_comment(bulletin, people.alice, body=f"comment {i}")
        a_message(people.alice)
        on_roll(a_ballot(f"Ballot {i}"), people.alice)
    with CaptureQueriesContext(connection) as large:
        data = export.member_data(people.alice)
    assert len(_rows(data, "bulletins.Comment")) == 32
    # One query per declaration, one for the retention periods, and "who has
    # looked" at most five (the member, entries about them, register searches
    # and exports naming them, the officers and their offices).
    assert len(large.captured_queries) == len(small.captured_queries) <= len(personal_data.declarations()) + 1 + 4


def test_the_redacted_export_blanks_what_names_other_people(people):
    from unionhall.audit.services import audit_record

    audit_record(actor=people.alice.user, action=Action.VIEW, subject=people.erin, detail={"page": "member detail"})
    plain = _rows(export.member_data(people.alice), "audit.AuditEntry")
    redacted = _rows(export.member_data(people.alice, redact=True), "audit.AuditEntry")
    assert plain[0]["subject_id"] == str(people.erin.pk)
    assert redacted[0]["subject_id"] == export.REDACTED and redacted[0]["action"] == "view"


def test_the_json_download_is_machine_readable_and_the_pdf_is_a_pdf(history, people):
    content, data = export.member_export(member=people.alice, actor=people.alice.user, fmt="json")
    parsed = json.loads(content)
    assert parsed["format"] == export.FORMAT and parsed["member"] == "A1"
    assert any(s["purpose"] == "Your comments, questions and pseudonym" for s in parsed["sections"])
    pdf, _ = export.member_export(member=people.alice, actor=people.alice.user, fmt="pdf")
    assert pdf.startswith(b"%PDF")
    entries = AuditEntry.objects.filter(action=Action.EXPORT, subject_id=str(people.alice.pk))
    assert [e.detail["format"] for e in entries.order_by("seq")] == ["json", "pdf"]
    assert entries.first().detail["rows"] == data.row_count
    assert not Export.objects.filter(finished_at__isnull=True).exists()


def test_an_export_asked_for_while_one_is_under_way_is_refused_and_writes_nothing(people):
    Export.objects.create(member=people.alice, started_at=timezone.now(), fmt="json")
    before = AuditEntry.objects.count()
    with pytest.raises(Refused, match="already being prepared") as caught:
        export.member_export(member=people.alice, actor=people.alice.user, fmt="json")
    assert caught.value.status == 409
    assert Export.objects.count() == 1 and AuditEntry.objects.count() == before


def test_an_export_left_unfinished_by_a_lost_process_does_not_block_forever(people):
    Export.objects.create(member=people.alice, started_at=timezone.now() - export.STALE * 2, fmt="json")
    content, _ = export.member_export(member=people.alice, actor=people.alice.user, fmt="json")
    assert json.loads(content)["member"] == "A1"


def test_an_unknown_format_is_refused(people):
    with pytest.raises(Refused):
        export.member_export(member=people.alice, actor=people.alice.user, fmt="xml")
    assert not Export.objects.exists()


def test_the_pdf_takes_names_beyond_latin_1(people):
    people.alice.first_name = "Łucja Ōkubo"
    people.alice.save()
    pdf, data = export.member_export(member=people.alice, actor=people.alice.user, fmt="pdf")
    assert pdf.startswith(b"%PDF") and data.row_count >= 1
    assert export._latin1("Alice") and not export._latin1("Łucja")
    assert list(export._wrap("aaa bbb ccc", 7)) == ["aaa bbb", "ccc"] and list(export._wrap("x" * 10, 4)) == ["xxxx", "xxxx", "xx"]


def test_my_data_shows_the_register_first_and_the_audit_log_last(history, people):
    from unionhall.audit.services import audit_record

    audit_record(actor=people.alice.user, action=Action.VIEW, subject=people.alice, detail={"page": "my data"})
    purposes = list(export.member_data(people.alice).sections)
    assert purposes[0] == "Your membership: register details"
    assert purposes[-1] == "What you did in the union's system (the audit log)"
