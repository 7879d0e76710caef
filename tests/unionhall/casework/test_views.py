"""Pages: the member, their rep, the branch secretary, and the officer outside
the case (refused and audited); bounded queries on the list pages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.unionhall.casework.conftest import NOW, PDF, open_case, remit
from tests.unionhall.conftest import sign_in
from unionhall.audit.models import AuditEntry
from unionhall.casework import services
from unionhall.casework.models import Case, CaseDeadline, Entry


@pytest.fixture
def case(people, cast):
    case = open_case(people, rep=people.bob, health_details="Asthma")
    services.entry_add(actor=people.bob, remit=remit(people.bob), case=case, kind="note", body="Rep's private note", now=NOW)
    services.entry_add(actor=people.bob, remit=remit(people.bob), case=case, kind="message", body="See you Monday", now=NOW)
    services.meeting_record(actor=people.bob, remit=remit(people.bob), case=case, kind="disciplinary", on=dt.date(2026, 12, 23),
                            companion_unavailable=True, now=NOW)  # fmt: skip
    return case


def _page(client, case):
    return client.get(reverse("casework_case", args=[case.ref]))


def test_the_member_sees_status_rep_next_date_and_messages_but_not_notes(client, people, case):
    sign_in(client, people.alice, mfa=False)
    html = _page(client, case).content.decode()
    assert "Bob Baker" in html and "See you Monday" in html and "shouted" in html
    assert "Rep&#x27;s private note" not in html and "Rep's private note" not in html
    assert "4 January 2027" in html  # the s10 deadline, as the next date
    assert "Message to your rep" in html and "Record a meeting" not in html and "Hand over" not in html


def test_the_rep_sees_notes_and_the_deadline_with_its_working(client, people, case):
    sign_in(client, people.bob)
    html = _page(client, case).content.decode()
    assert "private note" in html and "Monday 4 January 2027" in html and "Boxing Day" in html
    assert "Asthma" not in html  # behind the second click
    assert "Record a meeting" in html and "Hand over" in html and "Message to your rep" not in html


def test_the_secretary_sees_the_case_and_deadlines_but_not_notes_or_summary(client, people, case):
    sign_in(client, people.carol)
    html = _page(client, case).content.decode()
    assert "4 January 2027" in html and "Bob Baker" in html
    assert "private note" not in html and "shouted" not in html and "See you Monday" not in html
    assert "Hand over" in html and "Record a meeting" not in html and "Show health details" not in html


def test_an_officer_outside_the_case_is_refused_and_audited(client, people, case):
    sign_in(client, people.dave)
    denied = AuditEntry.objects.filter(action="denied").count()
    response = _page(client, case)
    assert response.status_code == 403
    assert "shouted" not in response.content.decode()
    assert AuditEntry.objects.filter(action="denied", subject_type="casework.case", subject_id=str(case.pk)).count() == denied + 1


def test_another_rep_is_refused_and_audited(client, people, cast, case):
    sign_in(client, cast.ivy)
    assert _page(client, case).status_code == 403
    assert AuditEntry.objects.filter(action="denied", subject_id=str(case.pk)).exists()


def test_every_read_of_a_case_is_audited(client, people, case):
    sign_in(client, people.carol)
    _page(client, case)
    assert AuditEntry.objects.filter(action="view", subject_type="casework.case", subject_id=str(case.pk), detail__level="overview").exists()


def test_health_details_take_a_second_click_that_is_audited(client, people, case):
    sign_in(client, people.bob)
    response = client.get(reverse("casework_health", args=[case.ref]))
    assert "Asthma" in response.content.decode()
    assert AuditEntry.objects.filter(detail__page="health details", subject_id=str(case.pk)).count() == 1
    sign_in(client, people.carol)
    assert client.get(reverse("casework_health", args=[case.ref])).status_code == 403


def test_a_member_asks_for_help_from_the_form(client, people):
    sign_in(client, people.alice, mfa=False)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("casework_ask"), {"kind": "attendance", "what_happened": "Stage 2 sickness review", "meeting_on": (dt.date.today() + dt.timedelta(days=17)).isoformat(),
                                                     "meeting_kind": "attendance", "nation": "scotland",
                                                     "documents": [SimpleUploadedFile("invite.pdf", PDF)]})  # fmt: skip
    case = Case.objects.get()
    assert response.status_code == 302 and case.nation == "scotland" and case.documents.count() == 1


def test_a_date_in_the_wrong_format_is_refused_with_a_message(client, people):
    sign_in(client, people.alice, mfa=False)
    response = client.post(reverse("casework_ask"), {"kind": "grievance", "what_happened": "x", "meeting_on_day": "20th", "meeting_on_month": "March", "meeting_on_year": "2027", "nation": "scotland"})  # fmt: skip
    assert "Meeting date must be a real date, in numbers" in response.content.decode() and Case.objects.count() == 0


def test_a_non_pdf_upload_through_the_page_changes_nothing(client, people, case):
    sign_in(client, people.alice, mfa=False)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("casework_document", args=[case.ref]), {"upload": SimpleUploadedFile("x.pdf", b"#!/bin/sh\necho")}, follow=True)
    assert "Only PDFs and photos" in response.content.decode() and case.documents.count() == 0


def test_the_rep_records_a_meeting_from_the_page(client, people, case):
    sign_in(client, people.bob)
    client.post(reverse("casework_meeting", args=[case.ref]), {"kind": "appeal", "on": "2026-04-01", "companion_unavailable": "on"})
    assert CaseDeadline.objects.filter(case=case, code__startswith="companion").count() == 2


def test_the_member_cannot_post_a_note(client, people, case):
    sign_in(client, people.alice, mfa=False)
    notes = Entry.objects.filter(kind="note").count()
    assert client.post(reverse("casework_entry", args=[case.ref]), {"kind": "note", "body": "x"}).status_code == 403
    assert Entry.objects.filter(kind="note").count() == notes


def _many_cases(people, n):
    for i in range(n):
        c = open_case(people, rep=people.bob if i % 2 else None, kind="grievance" if i % 3 else "vetting")
        services.meeting_record(actor=people.bob, remit=remit(people.bob), case=c, kind="grievance", on=dt.date.today() + dt.timedelta(days=1),
                                companion_unavailable=True) if c.rep_id else None  # fmt: skip


def test_the_branch_dashboard_reads_a_bounded_number_of_queries(client, people, cast):
    sign_in(client, people.carol)
    _many_cases(people, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("casework_branch")).status_code == 200
    _many_cases(people, 9)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("casework_branch"))
    # Reads: the audit log takes one entry per member named in the queue (a look at their case).
    reads = [[q for q in captured if "audit_" not in q["sql"] and "SAVEPOINT" not in q["sql"]] for captured in (few, many)]
    assert len(reads[1]) == len(reads[0])
    assert response.context["queue"] and len([q for q in many if "INSERT" in q["sql"] and "audit_auditentry" in q["sql"]]) == 1 + len(response.context["queue"])
    assert response.context["open_count"] == 12


def test_the_deadlines_page_reads_a_bounded_number_of_queries(client, people, cast):
    sign_in(client, people.carol)
    _many_cases(people, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("casework_deadlines"))
    _many_cases(people, 8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("casework_deadlines"))
    assert len(many) == len(few) and len(response.context["rows"]) == 5


def test_an_officer_without_a_remit_over_cases_cannot_see_the_dashboard(client, people, cast):
    sign_in(client, people.bob)  # a workplace rep
    assert client.get(reverse("casework_branch")).status_code == 403


def test_the_outsider_dashboard_shows_nothing_of_another_branch(client, people, case):
    sign_in(client, people.dave)
    response = client.get(reverse("casework_branch"))
    assert response.status_code == 200 and response.context["open_count"] == 0 and not response.context["deadlines"]


def test_asking_for_help_is_rate_limited_but_the_form_is_not(client, people):
    sign_in(client, people.alice, mfa=False)
    for _ in range(8):
        assert client.get(reverse("casework_ask")).status_code == 200
    for i in range(5):
        client.post(reverse("casework_ask"), {"kind": "grievance", "what_happened": f"matter {i}", "nation": "england-wales"})
    response = client.post(reverse("casework_ask"), {"kind": "grievance", "what_happened": "one too many", "nation": "england-wales"})
    assert response.status_code == 429 and Case.objects.count() == 5


def test_handover_and_referral_notes_reach_the_reps_not_the_member_or_the_branch(client, people, cast, case):
    services.case_refer(actor=people.bob, remit=remit(people.bob), case=case, to=cast.nina, note="Tribunal risk: weak selection", now=NOW)
    case = services.case_handover(actor=people.bob, remit=remit(people.bob), case=case, to=cast.ivy, note="Member anxious about the hearing", now=NOW)
    case = services.case_accept(actor=cast.ivy, case=case, now=NOW)
    for who, sees in ((people.alice, False), (people.carol, False), (cast.ivy, True), (cast.nina, True)):
        sign_in(client, who, mfa=who != people.alice)
        html = _page(client, case).content.decode()
        assert ("Tribunal risk" in html) == sees and ("Member anxious" in html) == sees, who
        assert "referred the case to Nina Noor" in html


def test_hq_saves_a_rule_profile_and_records_commencement_from_the_page(client, people):
    from unionhall.casework.models import Commencement, RuleProfile

    sign_in(client, people.hq)
    rules = '[{"code": "appeal", "title": "Appeal in 5 working days", "count": 5, "unit": "working-days", "from": "outcome"}]'
    client.post(reverse("casework_profiles"), {"code": "pps", "title": "PPS procedures", "rules": rules})
    assert RuleProfile.objects.get(code="pps").rules[0]["from"] == "outcome"
    response = client.post(reverse("casework_profiles"), {"code": "bad", "title": "Bad", "rules": "[{"}, follow=True)
    assert "not valid JSON" in response.content.decode() and not RuleProfile.objects.filter(code="bad").exists()
    client.post(reverse("casework_commencement"), {"commenced_on": "2026-10-01"})
    assert Commencement.objects.get().commenced_on == dt.date(2026, 10, 1)


def test_a_branch_secretary_cannot_edit_rule_profiles(client, people):
    from unionhall.casework.models import RuleProfile

    sign_in(client, people.carol)
    rules = '[{"code": "a", "title": "A", "count": 5, "unit": "working-days", "from": "outcome"}]'
    assert client.post(reverse("casework_profiles"), {"code": "x", "title": "X", "rules": rules}).status_code == 403
    assert client.post(reverse("casework_commencement"), {"commenced_on": "2026-10-01"}).status_code == 403
    assert not RuleProfile.objects.exists()


def test_a_deadline_title_is_escaped_on_the_deadlines_page(client, people, case):
    CaseDeadline.objects.filter(case=case).update(title="<script>alert(1)</script> & more", due_on=dt.date.today() + dt.timedelta(days=2))
    sign_in(client, people.carol)
    html = client.get(reverse("casework_deadlines")).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "Bob Baker" in html and f"/casework/{case.ref}/" in html  # the row's rep and link


def test_the_case_page_styles_come_from_a_file_the_content_security_policy_allows(client, people, case):
    sign_in(client, people.bob)
    html = _page(client, case).content.decode()
    assert "casework/casework.css" in html and ' style="' not in html.split("<main", 1)[1]


def test_the_closed_case_statistics_show_counts_with_small_groups_hidden_to_officers_only(client, people, union):
    from unionhall.casework.models import CaseStat

    year = dt.date.today().year - 1
    CaseStat.objects.create(year=year, kind="grievance", employer=union.pps, count=40)
    CaseStat.objects.create(year=year, kind="disciplinary", employer=union.pps, count=25)
    CaseStat.objects.create(year=year, kind="vetting", employer=union.pps, count=2)
    sign_in(client, people.carol)
    html = client.get(reverse("casework_statistics"), {"year": year}).content.decode()
    assert "Public Probation Service" in html and "[c]" in html and "<td>2</td>" not in html and "<td>67</td>" in html  # the total is shown
    assert "No cases closed" in client.get(reverse("casework_statistics"), {"year": year - 5}).content.decode()
    bad = client.get(reverse("casework_statistics"), {"year": "1066"}, follow=True).content.decode()
    assert "Choose a year from" in bad
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("casework_statistics")).status_code == 403  # a member with no office


def test_the_dashboard_counts_caseload_per_rep_and_open_cases_by_type_and_employer(client, people, cast):
    open_case(people, rep=people.bob)
    open_case(people, rep=people.bob, kind="grievance")
    open_case(people, rep=cast.ivy, kind="grievance")
    open_case(people, kind="capability")  # waiting for a rep: counted by type, not in anyone's caseload
    closed = open_case(people, rep=cast.ivy, kind="capability")
    services.case_close(actor=cast.ivy, remit=remit(cast.ivy), case=closed, outcome="upheld", closure="resolved", now=NOW)
    sign_in(client, people.carol)
    context = client.get(reverse("casework_branch")).context
    assert [(r["rep__first_name"], r["rep__last_name"], r["n"]) for r in context["caseload"]] == [("Bob", "Baker", 2), ("Ivy", "Irwin", 1)]
    assert [(r["employer__name"], r["kind_label"], r["n"]) for r in context["by_type"]] == [
        ("Public Probation Service", "Capability", 1), ("Public Probation Service", "Disciplinary", 1), ("Public Probation Service", "Grievance", 2)]
    assert context["open_count"] == 4


def test_a_closed_case_shows_the_member_when_it_closed_and_how_not_a_next_date(client, people, cast):
    case = open_case(people, rep=people.bob, kind="grievance")
    services.case_close(actor=people.bob, remit=remit(people.bob), case=case, outcome="upheld", closure="resolved", now=NOW)
    sign_in(client, people.alice, mfa=False)
    home = client.get(reverse("casework_home")).content.decode()
    assert "Closed on 2 March 2026: Upheld or won" in home and "Next date" not in home
    page = client.get(reverse("casework_case", args=[case.ref])).content.decode()
    assert "Monday 2 March 2026" in page and "Next date" not in page
    # A closed case is a record: no form to add to it, and a way to ask for help again.
    assert "Message to your rep" not in page and f'action="/casework/{case.ref}/' not in page and "ask for help</a>" in page
    client.logout()
    sign_in(client, people.carol)  # the branch secretary oversees it; the rep no longer reads a closed case
    overview = client.get(reverse("casework_case", args=[case.ref])).content.decode()
    assert "Upheld or won" in overview and "<form" not in overview.split("<main", 1)[1]
