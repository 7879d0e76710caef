"""Asking for help, assigning, accepting, handing over, referring, and the
refusals that change nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.unionhall.casework.conftest import NOW, PDF, open_case, pdf_upload, png_bytes, remit
from unionhall.audit.models import AuditEntry
from unionhall.casework import services
from unionhall.casework.access import Level, case_level
from unionhall.casework.models import Case, CaseDeadline, Document, Entry, Meeting, Referral
from unionhall.outbox.models import Message
from unionhall.refusals import Refused


def test_a_member_asks_for_help_with_a_meeting_and_documents(people, cast):
    png = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")
    case = services.case_request(member=people.alice, kind="disciplinary", what_happened="Called to a hearing", meeting_on=dt.date(2026, 3, 10),
                                 meeting_kind="disciplinary", uploads=[pdf_upload(), png], now=NOW)  # fmt: skip
    assert case.status == Case.Status.REQUESTED and case.branch_id == people.alice.branch_id
    assert Meeting.objects.get(case=case).on == dt.date(2026, 3, 10)
    assert sorted(Document.objects.filter(case=case).values_list("content_type", flat=True)) == ["application/pdf", "image/png"]
    # The branch secretary hears that a request waits, not what it says.
    mail = Message.objects.get(topic="casework_request")
    assert mail.address == people.carol.email
    assert "hearing" not in mail.content.text.lower()


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("cv.pdf", b"MZ\x90\x00 not a pdf at all", "Only PDFs and photos"),
        ("photo.jpg", b"\xff\xd8\xff\xe0 broken jpeg", "damaged"),
        ("letter.pdf", b"%PDF-1.4 truncated without end", "incomplete"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_written(people, name, data, message):
    with pytest.raises(Refused, match=message):
        services.case_request(member=people.alice, kind="grievance", what_happened="x", uploads=[SimpleUploadedFile(name, data)], now=NOW)
    assert Case.objects.count() == 0 and Document.objects.count() == 0


def test_a_100_mb_upload_is_refused_before_it_is_read(people):
    class Huge:
        name, size = "big.pdf", 100 * 1024 * 1024

        def read(self, n):  # pragma: no cover - must not be reached
            raise AssertionError("read a file over the limit")

    with pytest.raises(Refused, match="100.0 MB") as exc:
        services.case_request(member=people.alice, kind="grievance", what_happened="x", uploads=[Huge()], now=NOW)
    assert exc.value.status == 413 and Case.objects.count() == 0


def test_the_secretary_assigns_a_rep_who_must_accept(people, cast):
    case = open_case(people)
    case = services.case_assign(actor=people.carol, remit=remit(people.carol), case=case, rep=people.bob, now=NOW)
    assert case.status == Case.Status.OFFERED
    assert case_level(member=people.bob, remit=remit(people.bob), case=case) == Level.OFFERED
    case = services.case_accept(actor=people.bob, case=case, now=NOW)
    assert case.status == Case.Status.OPEN
    assert case_level(member=people.bob, remit=remit(people.bob), case=case) == Level.FULL
    assert Message.objects.filter(topic="casework_member", address=people.alice.email).exists()


def test_an_officer_outside_the_branch_cannot_assign_and_nothing_changes(people, cast):
    case = open_case(people)
    entries = Entry.objects.count()
    with pytest.raises(Refused) as exc:
        services.case_assign(actor=people.dave, remit=remit(people.dave), case=case, rep=people.bob, now=NOW)
    assert exc.value.status == 403
    case.refresh_from_db()
    assert case.rep_id is None and Entry.objects.count() == entries


def test_a_handover_to_someone_who_is_not_a_rep_is_refused(people, cast):
    case = open_case(people, rep=people.bob)
    with pytest.raises(Refused, match="not a rep"):
        services.case_handover(actor=people.carol, remit=remit(people.carol), case=case, to=people.erin, now=NOW)
    case.refresh_from_db()
    assert case.rep_id == people.bob.pk


def test_a_handover_moves_the_case_and_its_history_and_the_old_rep_loses_it(people, cast):
    case = open_case(people, rep=people.bob)
    services.entry_add(actor=people.bob, remit=remit(people.bob), case=case, kind="note", body="Met the member", now=NOW)
    case = services.case_handover(actor=people.bob, remit=remit(people.bob), case=case, to=cast.ivy, note="Over to Ivy", now=NOW)
    case = services.case_accept(actor=cast.ivy, case=case, now=NOW)
    assert case_level(member=cast.ivy, remit=remit(cast.ivy), case=case) == Level.FULL
    with pytest.raises(Refused) as exc:
        case_level(member=people.bob, remit=remit(people.bob), case=case)
    assert exc.value.status == 403
    assert [e.opened("body") for e in case.entries.filter(kind="note")] == ["Met the member", "Handover note: Over to Ivy"]


def test_the_secretary_takes_a_case_over_and_then_reads_its_notes(people, cast):
    case = open_case(people, rep=people.bob)
    assert case_level(member=people.carol, remit=remit(people.carol), case=case) == Level.OVERVIEW
    case = services.case_handover(actor=people.carol, remit=remit(people.carol), case=case, to=people.carol, now=NOW)
    assert case.status == Case.Status.OPEN
    assert case_level(member=people.carol, remit=remit(people.carol), case=case) == Level.FULL


def test_a_referral_to_a_national_rep_gives_them_the_case_with_the_note(people, cast):
    case = open_case(people, rep=people.bob)
    with pytest.raises(Refused):
        case_level(member=cast.nina, remit=remit(cast.nina), case=case)
    referral = services.case_refer(actor=people.bob, remit=remit(people.bob), case=case, to=cast.nina, note="Tribunal risk", now=NOW)
    assert referral.opened("note") == "Tribunal risk"
    assert case_level(member=cast.nina, remit=remit(cast.nina), case=case) == Level.FULL
    assert case_level(member=people.bob, remit=remit(people.bob), case=case) == Level.FULL


def test_a_referral_to_a_workplace_rep_is_refused(people, cast):
    case = open_case(people, rep=people.bob)
    with pytest.raises(Refused, match="national representative"):
        services.case_refer(actor=people.bob, remit=remit(people.bob), case=case, to=cast.ivy, note="x", now=NOW)
    assert Referral.objects.count() == 0


def test_a_rep_cannot_read_a_case_not_theirs(people, cast):
    case = open_case(people, rep=people.bob)
    with pytest.raises(Refused) as exc:
        case_level(member=cast.ivy, remit=remit(cast.ivy), case=case)
    assert exc.value.status == 403


def test_the_meeting_postponement_deadline_is_worked_out(people, cast):
    case = open_case(people, rep=people.bob)
    services.meeting_record(actor=people.bob, remit=remit(people.bob), case=case, kind="disciplinary", on=dt.date(2026, 12, 23),
                            companion_unavailable=True, now=NOW)  # fmt: skip
    d = CaseDeadline.objects.get(case=case, code__startswith="companion")
    assert d.due_on == dt.date(2027, 1, 4)  # Christmas, Boxing Day and New Year skipped
    assert any("Boxing Day" in step for step in d.steps)


def test_a_certificate_dated_before_the_notification_is_refused_and_nothing_changes(people, cast):
    case = open_case(people, rep=people.bob)
    with pytest.raises(Refused, match="before ACAS was notified"):
        services.case_dates_set(actor=people.bob, remit=remit(people.bob), case=case, incident_on=dt.date(2026, 3, 10),
                                acas_from=dt.date(2026, 5, 1), acas_cert=dt.date(2026, 4, 1))  # fmt: skip
    case.refresh_from_db()
    assert case.incident_on is None and not CaseDeadline.objects.filter(code="tribunal").exists()


def test_the_tribunal_limit_with_early_conciliation_follows_haque(people, cast):
    case = open_case(people, kind="tribunal", rep=people.bob)
    services.case_dates_set(actor=people.bob, remit=remit(people.bob), case=case, incident_on=dt.date(2016, 6, 20),
                            acas_from=dt.date(2016, 7, 22), acas_cert=dt.date(2016, 8, 22))  # fmt: skip
    assert CaseDeadline.objects.get(case=case, code="tribunal").due_on == dt.date(2016, 10, 20)


def test_hq_recording_the_era_2025_commencement_lengthens_open_limits(people, cast):
    case = open_case(people, kind="tribunal", rep=people.bob)
    services.case_dates_set(actor=people.bob, remit=remit(people.bob), case=case, incident_on=dt.date(2026, 11, 10))
    assert CaseDeadline.objects.get(case=case, code="tribunal").due_on == dt.date(2027, 2, 9)
    services.commencement_record(user=people.hq.user, rule="era2025-six-months", on=dt.date(2026, 10, 1))
    assert CaseDeadline.objects.get(case=case, code="tribunal").due_on == dt.date(2027, 5, 9)


def test_an_employer_rule_profile_sets_the_appeal_deadline(people, cast, union):
    profile = services.profile_save(user=people.hq.user, code="pps", title="PPS procedures", employer=union.pps,
                                    rules=[{"code": "appeal", "title": "Appeal within 5 working days", "count": 5, "unit": "working-days",
                                            "from": "outcome", "case_types": ["disciplinary"]}])  # fmt: skip
    case = open_case(people, rep=people.bob)
    assert case.policy_id == profile.pk
    services.case_dates_set(actor=people.bob, remit=remit(people.bob), case=case, outcome_on=dt.date(2026, 3, 2))
    d = CaseDeadline.objects.get(case=case, code="policy-appeal")
    assert d.due_on == dt.date(2026, 3, 9) and "PPS procedures" in d.steps[0]
    assert not CaseDeadline.objects.filter(case=case, code="appeal").exists()


def test_a_bad_rule_profile_is_refused(people):
    with pytest.raises(Refused, match="from"):
        services.profile_save(user=people.hq.user, code="bad", title="Bad", rules=[{"code": "a", "title": "A", "count": 5, "unit": "working-days"}])


def test_without_a_profile_the_acas_code_gives_no_fixed_appeal_date(people, cast):
    case = open_case(people, rep=people.bob)
    services.case_dates_set(actor=people.bob, remit=remit(people.bob), case=case, outcome_on=dt.date(2026, 3, 2))
    d = CaseDeadline.objects.get(case=case, code="appeal")
    assert d.due_on is None and "ACAS" in d.source


def test_messages_go_between_member_and_rep_but_notes_are_the_reps(people, cast):
    case = open_case(people, rep=people.bob)
    services.entry_add(actor=people.alice, remit=remit(people.alice), case=case, kind="message", body="When is it?", now=NOW)
    assert Message.objects.filter(topic="casework_message", address=people.bob.email).exists()
    with pytest.raises(Refused) as exc:
        services.entry_add(actor=people.alice, remit=remit(people.alice), case=case, kind="note", body="sneaky", now=NOW)
    assert exc.value.status == 403 and not Entry.objects.filter(kind="note").exists()


def test_health_details_are_read_only_by_member_and_rep_and_each_read_is_audited(people, cast):
    case = open_case(people, rep=people.bob, health_details="Back injury")
    before = AuditEntry.objects.filter(detail__page="health details").count()
    assert services.case_health(actor=people.bob, user=people.bob.user, remit=remit(people.bob), case=case) == "Back injury"
    assert AuditEntry.objects.filter(detail__page="health details").count() == before + 1
    with pytest.raises(Refused):
        services.case_health(actor=people.carol, user=people.carol.user, remit=remit(people.carol), case=case)


def test_documents_open_for_the_member_and_rep_only(people, cast):
    case = open_case(people, rep=people.bob, uploads=[pdf_upload("my letter.pdf")])
    doc = case.documents.get()
    _, name, data = services.document_open(actor=people.bob, remit=remit(people.bob), case=case, document_id=doc.pk)
    assert (name, data) == ("my letter.pdf", PDF)
    from unionhall.casework.documents import path_of

    assert PDF not in path_of(doc).read_bytes()
    with pytest.raises(Refused):
        services.document_open(actor=people.carol, remit=remit(people.carol), case=case, document_id=doc.pk)
