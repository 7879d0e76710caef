"""The retention rules of surveys (survey_response, equality_data) and
bargaining (bargaining_query), applied by the nightly run (issue 17). Each
test puts one thing past its time beside things inside it, runs the schedule
and checks that exactly the first went."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.unionhall.conftest import make_member
from tests.unionhall.datarights.conftest import left
from unionhall import personal_data
from unionhall.bargaining.models import (
    Agreement,
    BackPayQuery,
    Commitment,
    CommitmentFollower,
    JobReview,
    JobReviewInterest,
    NegotiatingBody,
    PayPeriod,
    PayRecord,
    PayScale,
    Settlement,
)
from unionhall.datarights import retention
from unionhall.datarights.models import RetentionRun
from unionhall.surveys.models import AnsweredMark, Characteristics, Draft, Kind, Response, Run, Survey

TODAY = dt.date(2026, 12, 1)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def a_run(people, closes: dt.date, *, kind=Kind.CONFIDENTIAL, worked_out=True, number=1) -> Run:
    survey = Survey.objects.create(title=f"Workload {closes}", kind=kind, created_by=people.hq.user, created_at=at(closes) - dt.timedelta(days=30))
    return Run.objects.create(survey=survey, number=number, opens_at=at(closes) - dt.timedelta(days=14), closes_at=at(closes),
                              results={"q1": {"n": 9}} if worked_out else None, results_at=at(closes) if worked_out else None)  # fmt: skip


def a_response(run: Run, member=None) -> Response:
    return Response.objects.create(run=run, member=member, answered_on=run.closes_at.date(), branch="north", answers={"q1": "42"})


def test_every_retention_key_the_brief_names_has_a_rule_the_run_applies():
    keys = {rule.key for rule in personal_data.retention_rules()}
    assert {"survey_response", "equality_data", "bargaining_query"} <= keys
    models = {rule.model for rule in personal_data.retention_rules("survey_response")}
    assert models == {"surveys.Response", "surveys.AnsweredMark", "surveys.Draft"}


def test_confidential_answers_go_two_years_after_their_run_closed_and_the_results_stay(people):
    old, recent = a_run(people, dt.date(2024, 6, 1)), a_run(people, dt.date(2025, 6, 1))
    unworked = a_run(people, dt.date(2024, 5, 1), worked_out=False)
    anonymous = a_run(people, dt.date(2024, 6, 1), kind=Kind.ANONYMOUS)
    gone = a_response(old, people.alice)
    kept = [a_response(recent, people.alice), a_response(unworked, people.alice), a_response(anonymous)]
    run = retention.retention_run(today=TODAY)
    assert not Response.objects.filter(pk=gone.pk).exists()
    assert set(Response.objects.values_list("pk", flat=True)) == {r.pk for r in kept}
    old.refresh_from_db()
    assert old.results == {"q1": {"n": 9}}  # the counts the union's statistics need
    assert run.counts["survey_response:surveys.Response"] == 1


def test_marks_and_forgotten_drafts_of_an_old_run_go_and_a_recent_runs_stay(people):
    old, recent = a_run(people, dt.date(2024, 6, 1), kind=Kind.ANONYMOUS), a_run(people, dt.date(2025, 6, 1), kind=Kind.ANONYMOUS)
    old_mark, recent_mark = AnsweredMark.objects.create(run=old, member=people.alice), AnsweredMark.objects.create(run=recent, member=people.alice)
    never_closed = a_run(people, dt.date(2024, 1, 1), worked_out=False, number=1)
    old_draft = Draft.objects.create(run=never_closed, member=people.bob, answers={"q1": "1"}, saved_at=at(dt.date(2024, 1, 1)))
    recent_draft = Draft.objects.create(run=recent, member=people.bob, answers={"q1": "1"}, saved_at=at(dt.date(2025, 6, 1)))
    retention.retention_run(today=TODAY)
    assert list(AnsweredMark.objects.values_list("pk", flat=True)) == [recent_mark.pk]
    assert not AnsweredMark.objects.filter(pk=old_mark.pk).exists()
    assert list(Draft.objects.values_list("pk", flat=True)) == [recent_draft.pk]
    assert not Draft.objects.filter(pk=old_draft.pk).exists()


def test_a_run_over_uuid_keys_stopped_half_way_resumes_and_deletes_each_once(people):
    """Responses and marks have UUID keys: the cursor holds the last as a string."""
    old = a_run(people, dt.date(2024, 6, 1))
    members = [make_member(f"S{i}", people.alice.branch, people.alice.workplace) for i in range(5)]
    for m in members:
        a_response(old, m)
    run = retention.retention_run(today=TODAY, batch=2, stop_after=1)
    assert run.finished_at is None and Response.objects.count() == 3
    assert isinstance(run.cursor["survey_response:surveys.Response"], str)
    run = retention.retention_run(today=TODAY, batch=2)
    assert run.finished_at is not None and Response.objects.count() == 0
    assert run.counts["survey_response:surveys.Response"] == 5
    assert RetentionRun.objects.count() == 1


def test_equality_answers_go_three_months_after_the_member_left_and_a_members_stay(people, union):
    gone_member = left(make_member("Q1", union.north, union.harbour), dt.date(2026, 1, 10))
    recent_leaver = left(make_member("Q2", union.north, union.harbour), dt.date(2026, 11, 1))
    for m in (gone_member, recent_leaver, people.alice):
        Characteristics.objects.create(member=m, consented_at=at(dt.date(2025, 1, 1)), age_band="35-44")
    due = {(d.key, d.model): d.count for d in retention.retention_dry_run(today=TODAY)}
    assert due[("equality_data", "surveys.Characteristics")] == 1
    retention.retention_run(today=TODAY)
    assert set(Characteristics.objects.values_list("member_id", flat=True)) == {recent_leaver.pk, people.alice.pk}


def test_a_member_who_rejoined_before_the_batch_is_applied_keeps_their_equality_answers(people, union):
    from unionhall.surveys.personal_data import characteristics_delete, characteristics_due

    rejoiner = left(make_member("Q3", union.north, union.harbour), dt.date(2026, 1, 10))
    Characteristics.objects.create(member=rejoiner, consented_at=at(dt.date(2025, 1, 1)))
    ids = characteristics_due(dt.date(2026, 9, 1), 0, 100)
    assert len(ids) == 1
    rejoiner.status, rejoiner.lapsed_on = "active", None
    rejoiner.save()
    assert characteristics_delete(ids) == 0 and Characteristics.objects.count() == 1


@pytest.fixture
def pay_world(people, union):
    scale = PayScale.objects.create(employer=union.pps, name="2018", imported_at=at(dt.date(2018, 1, 1)))
    settlement = Settlement.objects.create(employer=union.pps, title="2018 settlement", old_scale=scale, new_scale=scale,
                                           starts_on=dt.date(2018, 4, 1), ends_on=dt.date(2018, 7, 31))  # fmt: skip
    body = NegotiatingBody.objects.create(name="PPS council", slug="pps", level="employer", employer=union.pps, parties="PPS; the union",
                                          status_on=dt.date(2018, 1, 1))  # fmt: skip
    agreement = Agreement.objects.create(body=body, title="Pay agreement", agreed_on=dt.date(2018, 2, 1), signatories="HR director")
    commitment = Commitment.objects.create(agreement=agreement, title="Back pay", delivered_means="Paid", due_on=dt.date(2018, 6, 1),
                                           status_on=dt.date(2018, 6, 1))  # fmt: skip
    return settlement, commitment


def a_query(settlement, member, *, answered: dt.date | None, raised=dt.date(2018, 5, 1)) -> BackPayQuery:
    return BackPayQuery.objects.create(
        settlement=settlement, member=member, employee_number="E100", question="Is my back pay right?", raised_at=at(raised),
        due_on=raised + dt.timedelta(days=28), status="answered" if answered else "open", answer="Yes" if answered else "",
        answered_at=at(answered) if answered else None,
    )  # fmt: skip


def test_back_pay_queries_go_six_years_after_their_answer_or_an_open_ones_settlement_end_or_its_member_leaving(people, union, pay_world):
    """An open query was kept for ever before (review finding): one never answered, its settlement long over, stayed."""
    settlement, _ = pay_world  # ended 31 July 2018: more than six years before TODAY
    recent = Settlement.objects.create(employer=union.pps, title="2022 settlement", old_scale=settlement.old_scale, new_scale=settlement.new_scale,
                                       starts_on=dt.date(2022, 4, 1), ends_on=dt.date(2022, 7, 31))  # fmt: skip
    leaver = left(make_member("Q4", union.north, union.harbour), dt.date(2019, 1, 1))
    gone = [a_query(settlement, people.alice, answered=dt.date(2019, 1, 10)),
            a_query(settlement, people.carol, answered=None, raised=dt.date(2017, 1, 1)),  # open, its settlement over in 2018
            a_query(recent, leaver, answered=None, raised=dt.date(2018, 12, 1))]  # open, its member gone since 2019  # fmt: skip
    kept = [a_query(settlement, people.bob, answered=dt.date(2021, 6, 1)),
            a_query(recent, people.dave, answered=None, raised=dt.date(2022, 5, 1))]  # fmt: skip
    retention.retention_run(today=TODAY)
    assert not BackPayQuery.objects.filter(pk__in=[q.pk for q in gone]).exists()
    assert set(BackPayQuery.objects.values_list("pk", flat=True)) == {q.pk for q in kept}
    assert Settlement.objects.filter(pk=settlement.pk).exists()


def test_a_leavers_pay_record_and_follows_go_six_years_after_they_left_and_a_members_stay(people, union, pay_world):
    _, commitment = pay_world
    old_leaver = left(make_member("P1", union.north, union.harbour), dt.date(2019, 1, 1))
    new_leaver = left(make_member("P2", union.north, union.harbour), dt.date(2024, 1, 1))
    for i, m in enumerate((old_leaver, new_leaver, people.alice)):
        record = PayRecord.objects.create(member=m, employer=union.pps, employee_number=f"E{i}")
        PayPeriod.objects.create(record=record, starts_on=dt.date(2017, 4, 1), ends_on=dt.date(2018, 3, 31), band="B", point=3,
                                 hours=37, full_time_hours=37)  # fmt: skip
        CommitmentFollower.objects.create(commitment=commitment, member=m)
    run = retention.retention_run(today=TODAY)
    assert set(PayRecord.objects.values_list("member_id", flat=True)) == {new_leaver.pk, people.alice.pk}
    assert PayPeriod.objects.count() == 2  # the old leaver's period went with the record
    assert set(CommitmentFollower.objects.values_list("member_id", flat=True)) == {new_leaver.pk, people.alice.pk}
    assert run.counts["bargaining_query:bargaining.PayRecord"] == 1


def test_interest_in_a_review_goes_six_years_after_it_was_completed_or_the_member_left(people, union):
    old = JobReview.objects.create(employer=union.pps, role_title="Case officer", priority_group=1, promised_on=dt.date(2018, 1, 1),
                                   status="completed", completed_on=dt.date(2019, 1, 1), created_on=dt.date(2018, 1, 1))  # fmt: skip
    recent = JobReview.objects.create(employer=union.pps, role_title="Admin", priority_group=1, promised_on=dt.date(2023, 1, 1),
                                      status="completed", completed_on=dt.date(2024, 1, 1), created_on=dt.date(2023, 1, 1))  # fmt: skip
    waiting = JobReview.objects.create(employer=union.pps, role_title="Typist", priority_group=2, promised_on=dt.date(2017, 1, 1),
                                       created_on=dt.date(2017, 1, 1))  # fmt: skip
    for review in (old, recent, waiting):
        JobReviewInterest.objects.create(review=review, member=people.alice, evidence="My duties changed.")
    # A leaver's evidence goes six years after they left, however long the review waits (review finding: kept for ever before).
    leaver = left(make_member("Q2", union.north, union.harbour), dt.date(2019, 1, 1))
    recent_leaver = left(make_member("Q3", union.north, union.harbour), dt.date(2024, 1, 1))
    for member in (leaver, recent_leaver):
        JobReviewInterest.objects.create(review=waiting, member=member, evidence="I now manage a caseload of 60.")
    retention.retention_run(today=TODAY)
    assert set(JobReviewInterest.objects.values_list("review_id", "member_id")) == {
        (recent.pk, people.alice.pk), (waiting.pk, people.alice.pk), (waiting.pk, recent_leaver.pk)}


def test_the_run_writes_one_audit_entry_per_kind_with_counts_never_whose(people, pay_world):
    from unionhall.audit.models import AuditEntry

    settlement, _ = pay_world
    a_query(settlement, people.alice, answered=dt.date(2019, 1, 10))
    a_response(a_run(people, dt.date(2024, 6, 1)), people.alice)
    retention.retention_run(today=TODAY)
    entries = {e.subject_id: e.detail for e in AuditEntry.objects.filter(subject_type="datarights.retention")}
    assert entries["bargaining_query"]["count"] == 1 and entries["survey_response"]["count"] == 1
    assert "A1" not in str(entries) and str(people.alice.pk) not in str(entries["bargaining_query"]["by_model"].keys())


def test_an_open_query_found_due_is_kept_if_its_member_rejoined_before_it_was_deleted(people, union, pay_world):
    from unionhall.bargaining import personal_data as bargaining_data
    from unionhall.members.models import Member

    settlement, _ = pay_world
    current = Settlement.objects.create(employer=union.pps, title="2026 settlement", old_scale=settlement.old_scale, new_scale=settlement.new_scale,
                                        starts_on=dt.date(2026, 4, 1), ends_on=dt.date(2027, 3, 31))  # fmt: skip
    leaver = left(make_member("Q5", union.north, union.harbour), dt.date(2019, 1, 1))
    query = a_query(current, leaver, answered=None, raised=dt.date(2018, 12, 1))
    assert query.pk in bargaining_data.queries_due(dt.date(2020, 12, 1), 0, 100)
    Member.objects.filter(pk=leaver.pk).update(status=Member.Status.ACTIVE, lapsed_on=None)  # rejoined meanwhile
    assert bargaining_data.queries_delete([query.pk]) == 0 and BackPayQuery.objects.filter(pk=query.pk).exists()
