"""The pages: the tracker in a bounded number of queries, owner / colleague /
outsider on everything personal, officers recording agreements and commitments."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.bargaining.conftest import decision
from tests.unionhall.conftest import sign_in
from unionhall.audit.models import AuditEntry
from unionhall.bargaining import bodies, commitments, disputes, reviews
from unionhall.bargaining.models import Agreement, BackPayQuery, Commitment


def test_the_tracker_shows_national_and_own_employers_commitments_most_late_first(client, commitment, agreement, people, union):
    national = bodies.body_create(name="National council", employer=None, parties="all", actor=people.hq.user)
    nat_agreement = commitments.agreement_create(body=national, title="National agreement", agreed_on=dt.date(2020, 1, 1), signatories="x", actor=people.hq.user)
    older = commitments.commitment_create(agreement=nat_agreement, title="Publish a pay manual", delivered_means="Published",
                                          due_on=timezone.localdate() - dt.timedelta(days=1000), actor=people.hq.user)  # fmt: skip
    northway = bodies.body_create(name="Northway council", employer=union.northway, parties="x", actor=people.hq.user)
    nw = commitments.agreement_create(body=northway, title="Northway deal", agreed_on=dt.date(2024, 1, 1), signatories="x", actor=people.hq.user)
    commitments.commitment_create(agreement=nw, title="Northway only", delivered_means="x", due_on=dt.date(2024, 1, 1), actor=people.hq.user)
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("bargaining_tracker")).content.decode()
    assert page.index("Publish a pay manual") < page.index(commitment.title)
    assert "Northway only" not in page
    assert "Overdue" in page and ">1000<" in page
    assert older.title in client.get(reverse("bargaining_tracker") + "?sort=due&show=overdue").content.decode()


def _make(agreement, people, n, start=0):
    for i in range(start, start + n):
        c = Commitment.objects.create(agreement=agreement, employer=agreement.body.employer, title=f"C{i}", delivered_means="x",
                                      due_on=dt.date(2023, 1, 1) + dt.timedelta(days=i), status_on=dt.date(2023, 1, 1))  # fmt: skip
        c.updates.create(status="in_progress", on=dt.date(2023, 6, 1), note="n")


def test_the_tracker_takes_the_same_number_of_queries_for_3_or_40_commitments(client, agreement, people):
    sign_in(client, people.alice, mfa=False)
    _make(agreement, people, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("bargaining_tracker")).status_code == 200
    _make(agreement, people, 37, start=3)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("bargaining_tracker")).status_code == 200
    assert len(many) == len(few) <= 12


def test_an_outsider_cannot_see_another_employers_commitment(client, commitment, people):
    sign_in(client, people.frank, mfa=False)  # Northway
    assert client.get(reverse("bargaining_commitment", args=[commitment.pk])).status_code == 404
    assert client.get(reverse("bargaining_agreement", args=[commitment.agreement_id])).status_code == 404


def test_a_member_follows_a_commitment_from_its_page(client, commitment, people):
    sign_in(client, people.alice, mfa=False)
    client.post(reverse("bargaining_commitment_follow", args=[commitment.pk]), {"follow": "1"})
    assert commitment.followers.filter(member=people.alice).exists()
    assert "Stop following" in client.get(reverse("bargaining_commitment", args=[commitment.pk])).content.decode()


def test_the_owner_sees_their_back_pay_with_each_step(client, settlement, people):
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("bargaining_my_backpay")).content.decode()
    assert "£406.86" in page and "2024-06: £127.67" in page
    assert "× 1/12 × 19/31 × 18.5/37.00 h" in page or "19/31" in page


def test_a_colleague_sees_only_that_no_history_is_held_for_them(client, settlement, people):
    sign_in(client, people.bob, mfa=False)  # same workplace as Alice
    page = client.get(reverse("bargaining_my_backpay")).content.decode()
    assert "406.86" not in page and "E20417" not in page
    assert "holds no pay history for you" in page


def test_asking_for_another_members_back_pay_is_refused_and_audited(client, settlement, people):
    sign_in(client, people.bob, mfa=False)
    response = client.get(reverse("bargaining_backpay_for", args=["E20417"]))
    assert response.status_code == 403
    assert "406.86" not in response.content.decode()
    assert AuditEntry.objects.filter(action="denied", actor=people.bob.user).exists()


def test_an_outsider_from_another_employer_sees_no_settlement(client, settlement, people):
    sign_in(client, people.frank, mfa=False)
    assert "There is no back-pay settlement for your employer" in client.get(reverse("bargaining_my_backpay")).content.decode()


def test_a_query_by_another_members_number_is_refused_audited_and_not_written(client, settlement, people):
    from unionhall.bargaining import pay

    pay.pay_record_set(member=people.bob, employee_number="E30001", anniversary=None, actor=people.hq.user,
                       periods=[{"from": "2024-01-01", "to": "2024-12-31", "band": "4", "point": 1, "hours": "37", "full_time_hours": "37"}])  # fmt: skip
    sign_in(client, people.bob, mfa=False)
    response = client.post(reverse("bargaining_query_raise", args=[settlement.pk]), {"employee_number": "E20417", "question": "What is Alice owed?"})
    assert response.status_code == 403
    assert not BackPayQuery.objects.exists()
    assert AuditEntry.objects.filter(action="denied", actor=people.bob.user).exists()


def test_a_member_without_a_record_gets_the_same_answer_whatever_number_and_hq_sees_the_clash(client, settlement, people):
    sign_in(client, people.bob, mfa=False)
    answers = [client.post(reverse("bargaining_query_raise", args=[settlement.pk]), {"employee_number": n, "question": "Where is my back pay?"})
               for n in ("E20417", "E99999")]  # Alice's number, and nobody's  # fmt: skip
    assert [a.status_code for a in answers] == [302, 302] and BackPayQuery.objects.count() == 2
    sign_in(client, people.hq)
    page = client.get(reverse("bargaining_queries")).content.decode()
    assert page.count("This employee number is on another member's pay record") == 1


def test_a_members_own_pay_history_read_is_audited_even_with_no_back_pay_worked_out(client, people):
    from unionhall.bargaining import pay

    pay.pay_record_set(member=people.alice, employee_number="E777", anniversary=None, actor=people.hq.user,
                       periods=[{"from": "2024-01-01", "to": "2024-12-31", "band": "4", "point": 1, "hours": "18.5", "full_time_hours": "37"}])  # fmt: skip
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("bargaining_my_backpay")).content.decode()
    assert "Employee number E777" in page  # no settlement: nothing worked out, the history shown
    assert AuditEntry.objects.filter(actor=people.alice.user, action="view", detail__event="own pay history read").count() == 1


def test_a_member_raises_a_query_and_hq_sees_it_in_the_queue(client, settlement, people):
    sign_in(client, people.alice, mfa=False)
    client.post(reverse("bargaining_query_raise", args=[settlement.pk]), {"employee_number": "E20417", "question": "June increment?"})
    assert BackPayQuery.objects.filter(member=people.alice).exists()
    assert client.get(reverse("bargaining_queries")).status_code == 403  # a member is not an officer
    sign_in(client, people.hq)
    assert "June increment?" in client.get(reverse("bargaining_queries")).content.decode()


def test_an_officer_records_an_agreement_and_a_commitment_but_not_one_without_a_due_date(client, body, people):
    sign_in(client, people.hq)
    response = client.post(reverse("bargaining_agreement_new", args=[body.slug]), {
        "title": "Regrading agreement", "agreed_on": "2024-05-01", "signatories": "HR\nGS", "clauses": "2.1 | Regrade band 3 to band 4",
    })  # fmt: skip
    agreement = Agreement.objects.get(title="Regrading agreement")
    assert response.status_code == 302 and agreement.clauses.get().number == "2.1"
    url = reverse("bargaining_commitment_new", args=[agreement.pk])
    client.post(url, {"title": "Regrade", "clause": "2.1", "who_acts": "employer", "delivered_means": "New band on payslips", "due_on": ""})
    assert not Commitment.objects.exists()
    client.post(url, {"title": "Regrade", "clause": "2.1", "who_acts": "employer", "delivered_means": "New band on payslips", "due_on": "2024-09-30"})
    assert Commitment.objects.get().clause.number == "2.1"


def test_a_member_cannot_record_an_agreement(client, body, people):
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("bargaining_agreement_new", args=[body.slug])).status_code == 403
    assert client.post(reverse("bargaining_agreement_new", args=[body.slug]), {"title": "x", "agreed_on": "2024-01-01", "signatories": "x"}).status_code == 403
    assert not Agreement.objects.exists()


def test_the_body_page_shows_the_ratifying_decision(client, body, people, nec):
    bodies.body_ratify(body=body, decision_id=decision(people=people, nec=nec, attended=3), actor=people.hq.user)
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("bargaining_body", args=[body.slug])).content.decode()
    assert "Minute 7 of the National Executive Committee (3 attended, quorum 3)" in page


def test_the_ratify_page_refuses_an_inquorate_decision_with_its_reason(client, body, people, nec):
    sign_in(client, people.hq)
    response = client.post(reverse("bargaining_body_ratify", args=[body.slug]), {"decision": decision(people=people, nec=nec, attended=1)}, follow=True)
    assert "not quorate" in response.content.decode()
    body.refresh_from_db()
    assert body.ratification_id is None


def test_the_reviews_page_shows_the_members_own_role_and_groups(client, people, union):
    reviews.review_add(employer=union.pps, role_title="Receptionist", priority_group=2, promised_on=timezone.localdate() - dt.timedelta(days=800), actor=people.hq.user)
    people.alice.job_role = "Receptionist"
    people.alice.save()
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("bargaining_reviews")).content.decode()
    assert "Your role: Receptionist" in page and "2 years 2 months late" in page


def test_the_dispute_timeline_lists_its_stages(client, people, union):
    d = disputes.dispute_open(employer=union.pps, title="Caseloads", issue="No limit", opened_on=dt.date(2025, 1, 1), actor=people.hq.user)
    disputes.dispute_stage_add(dispute=d, stage="acas", on=dt.date(2025, 3, 1), note="Talks at ACAS", actor=people.hq.user)
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("bargaining_dispute", args=[d.pk])).content.decode()
    assert page.index("Dispute opened") < page.index("ACAS conciliation")
    sign_in(client, people.frank, mfa=False)
    assert client.get(reverse("bargaining_dispute", args=[d.pk])).status_code == 404


@pytest.mark.parametrize("name", ["bargaining_home", "bargaining_tracker", "bargaining_reviews", "bargaining_disputes", "bargaining_my_backpay"])
def test_pages_are_for_members_only(client, name, people):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "login" in response["Location"]


def test_hq_imports_a_scale_from_a_csv_file_and_a_bad_file_imports_nothing(client, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from unionhall.bargaining.models import PayRate

    sign_in(client, people.hq)
    good = b"band,point,annual,effective_from\n4,1,30000.00,2024-04-01\n4,2,31200.00,2024-04-01\n"
    bad = b"band,point,annual,effective_from\n4,1,30000.00,2024-04-01\n4,2,-31200.00,2024-04-01\n"
    response = client.post(reverse("bargaining_scales"), {"employer": people.alice.employer_id, "name": "2025", "file": SimpleUploadedFile("s.csv", bad)}, follow=True)
    assert "Nothing was imported" in response.content.decode() and "is negative" in response.content.decode()
    assert not PayRate.objects.exists()
    client.post(reverse("bargaining_scales"), {"employer": people.alice.employer_id, "name": "2025", "file": SimpleUploadedFile("s.csv", good)})
    assert PayRate.objects.count() == 2
    sign_in(client, people.carol)  # a branch secretary: an officer, not HQ
    assert client.get(reverse("bargaining_scales")).status_code == 403


def test_a_link_officer_sees_their_employers_commitments_on_the_tracker(client, commitment, people, union):
    from unionhall.members.models import Office, Role

    Office.objects.create(member=people.frank, role=Role.LINK_OFFICER, employer=union.pps, starts_on=dt.date(2025, 1, 1))
    sign_in(client, people.frank, mfa=False)  # works for Northway, link officer for PPS
    assert commitment.title in client.get(reverse("bargaining_tracker")).content.decode()


def test_a_link_officer_records_a_dispute_with_their_employer_but_not_another(client, people, union):
    from unionhall.bargaining.models import Dispute

    sign_in(client, people.gina)  # Northway's link officer
    page = client.get(reverse("bargaining_disputes")).content.decode()
    assert "Northway Justice Ltd" in page and "Public Probation Service</option>" not in page
    response = client.post(reverse("bargaining_dispute_new"), {"employer": union.pps.pk, "title": "Caseloads", "issue": "x"})
    assert response.status_code == 403 and not Dispute.objects.exists()
    client.post(reverse("bargaining_dispute_new"), {"employer": union.northway.pk, "title": "Sessional pay", "issue": "Back pay formula", "opened_on": "2025-02-01"})
    assert Dispute.objects.get().employer == union.northway


def test_a_negotiator_adds_a_role_to_the_review_queue_and_a_member_cannot(client, people, union):
    from unionhall.bargaining.models import JobReview

    sign_in(client, people.alice, mfa=False)
    assert "Add a role to the queue" not in client.get(reverse("bargaining_reviews")).content.decode()
    assert client.post(reverse("bargaining_review_new"), {"employer": union.pps.pk, "role_title": "Receptionist", "priority_group": "1",
                                                          "promised_on": "2022-01-01"}).status_code == 403  # fmt: skip
    sign_in(client, people.hq)
    client.post(reverse("bargaining_review_new"), {"employer": union.pps.pk, "role_title": "Receptionist", "priority_group": "1", "promised_on": "2022-01-01"})
    assert JobReview.objects.get().priority_group == 1


def test_officers_type_dates_as_day_month_and_year_and_a_date_that_is_not_real_stores_nothing(client, people, union):
    """The hand-written bargaining forms use GOV.UK's three boxes, not the browser's
    picker (unionhall.dateparts); a missing part or an impossible date is refused
    with a message that says which, and nothing is stored."""
    from unionhall.bargaining.models import Dispute, JobReview

    sign_in(client, people.hq)
    for name, field in (("bargaining_reviews", "promised_on"), ("bargaining_disputes", "opened_on")):
        page = client.get(reverse(name)).content.decode()
        assert 'type="date"' not in page and f'name="{field}_day"' in page and f'name="{field}_year"' in page
    review = {"employer": union.pps.pk, "role_title": "Receptionist", "priority_group": "1"}
    page = client.post(reverse("bargaining_review_new"), {**review, "promised_on_day": "31", "promised_on_month": "2", "promised_on_year": "2027"}, follow=True)
    assert "Promised by must be a real date." in page.content.decode() and not JobReview.objects.exists()
    page = client.post(reverse("bargaining_review_new"), {**review, "promised_on_day": "3", "promised_on_year": "2027"}, follow=True)
    assert "Promised by must include a month." in page.content.decode() and not JobReview.objects.exists()
    client.post(reverse("bargaining_review_new"), {**review, "promised_on_day": "3", "promised_on_month": "2", "promised_on_year": "2027"})
    assert JobReview.objects.get().promised_on == dt.date(2027, 2, 3)
    dispute = {"employer": union.pps.pk, "title": "Caseloads", "issue": "No limit"}
    client.post(reverse("bargaining_dispute_new"), dispute)  # left empty: opened today
    assert Dispute.objects.get().opened_on == timezone.localdate()
