"""Job-evaluation reviews by priority group, with lateness; disputes with stages and a statutory ballot."""

import datetime as dt

import pytest
from django.utils import timezone

from unionhall.bargaining import disputes, reviews
from unionhall.bargaining.models import DisputeStage, JobReviewInterest
from unionhall.refusals import Refused


@pytest.fixture
def queue(people, union):
    today = timezone.localdate()
    return [
        reviews.review_add(employer=union.pps, role_title="Approved premises worker", priority_group=1, promised_on=today - dt.timedelta(days=2000), actor=people.hq.user, created_on=today - dt.timedelta(days=2200)),
        reviews.review_add(employer=union.pps, role_title="Receptionist", priority_group=2, promised_on=today - dt.timedelta(days=500), actor=people.hq.user, created_on=today - dt.timedelta(days=700)),
        reviews.review_add(employer=union.pps, role_title="Court officer", priority_group=2, promised_on=today + dt.timedelta(days=30), actor=people.hq.user),
    ]


def test_the_backlog_shows_lateness_by_priority_group(queue):
    groups = reviews.backlog(today=timezone.localdate())
    assert [(g.priority_group, g.waiting, g.late, g.oldest_days_late) for g in groups] == [(1, 1, 1, 2000), (2, 2, 1, 500)]


def test_the_backlog_over_time_counts_roles_waiting_each_april(queue):
    history = reviews.backlog_over_time(today=timezone.localdate())
    assert history and all(late <= waiting for _, waiting, late in history)


def test_a_member_sees_their_own_role_and_registers_interest_in_it(queue, people):
    people.alice.job_role = "receptionist"
    people.alice.save()
    assert reviews.review_for_member(people.alice) == queue[1]
    reviews.review_register_interest(review=queue[1], member=people.alice, evidence="I also run the duty desk.")
    with pytest.raises(Refused, match="already registered"):
        reviews.review_register_interest(review=queue[1], member=people.alice)


def test_interest_in_another_role_is_refused(queue, people):
    people.alice.job_role = "Receptionist"
    people.alice.save()
    with pytest.raises(Refused) as e:
        reviews.review_register_interest(review=queue[0], member=people.alice)
    assert e.value.status == 403
    assert not JobReviewInterest.objects.exists()


def test_dispute_stages_run_in_date_order(people, union):
    d = disputes.dispute_open(employer=union.pps, title="Caseloads", issue="No caseload limit", opened_on=dt.date(2025, 1, 1), actor=people.hq.user)
    disputes.dispute_stage_add(dispute=d, stage="failure_to_agree", on=dt.date(2025, 2, 1), actor=people.hq.user)
    with pytest.raises(Refused, match="cannot be dated before 1 February 2025"):
        disputes.dispute_stage_add(dispute=d, stage="acas", on=dt.date(2025, 1, 15), actor=people.hq.user)
    assert DisputeStage.objects.count() == 1
    assert [e.what for e in disputes.dispute_timeline(d)] == ["Dispute opened", "Failure to agree"]


def test_an_unknown_ballot_cannot_be_linked(people, union):
    d = disputes.dispute_open(employer=union.pps, title="Caseloads", issue="x", opened_on=dt.date(2025, 1, 1), actor=people.hq.user)
    with pytest.raises(Refused, match="No such statutory ballot"):
        disputes.dispute_link_ballot(dispute=d, statutory_ballot_id=12345, actor=people.hq.user)
    d.refresh_from_db()
    assert d.statutory_ballot_id is None
