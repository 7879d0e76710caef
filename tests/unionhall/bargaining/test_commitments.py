"""Commitments: a due date is required; updates are dated, with evidence for
delivery; followers are emailed on a change of status and once when overdue."""

import datetime as dt

import pytest
from django.utils import timezone

from unionhall.bargaining import commitments, notifications
from unionhall.bargaining.models import Commitment, CommitmentUpdate
from unionhall.outbox.models import Message
from unionhall.outbox.unsubscribe import mailing_list
from unionhall.refusals import Refused


def test_a_commitment_without_a_due_date_is_refused_and_nothing_is_written(agreement, people):
    with pytest.raises(Refused, match="needs a due date"):
        commitments.commitment_create(agreement=agreement, title="Publish a pay manual", delivered_means="Published", due_on=None, actor=people.hq.user)
    assert not Commitment.objects.exists()


def test_a_commitment_takes_the_employer_of_its_body(commitment, union):
    assert commitment.employer_id == union.pps.pk


def test_lateness_is_worked_out_from_today_not_stored(commitment):
    today = timezone.localdate()
    assert commitment.days_late(today) == 400
    assert commitment.days_late(today + dt.timedelta(days=10)) == 410
    assert commitment.shown_status(today) == "Overdue"
    assert commitment.shown_status(commitment.due_on) == "Not started"


def test_delivery_needs_evidence_and_a_dated_update(commitment, people):
    with pytest.raises(Refused, match="what shows it was delivered"):
        commitments.commitment_update(commitment=commitment, status="delivered", on=timezone.localdate(), note="Paid", actor=people.hq.user)
    with pytest.raises(Refused, match="not later than today"):
        commitments.commitment_update(commitment=commitment, status="in_progress", on=timezone.localdate() + dt.timedelta(days=1), note="x", actor=people.hq.user)
    assert not CommitmentUpdate.objects.exists()
    commitment.refresh_from_db()
    assert commitment.status == "not_started"


def test_a_delivered_commitment_stays_as_late_as_it_was_on_delivery(commitment, people):
    delivered_on = timezone.localdate() - dt.timedelta(days=100)
    commitments.commitment_update(commitment=commitment, status="delivered", on=delivered_on, note="Paid in March", evidence="Payslips", actor=people.hq.user)
    commitment.refresh_from_db()
    assert commitment.days_late(timezone.localdate()) == 300
    assert commitment.shown_status(timezone.localdate()) == "Delivered"


def test_followers_are_emailed_when_the_status_changes_with_a_one_click_opt_out(commitment, people):
    commitments.commitment_follow(commitment=commitment, member=people.alice)
    commitments.commitment_update(commitment=commitment, status="in_progress", on=timezone.localdate(), note="Talks resumed", actor=people.hq.user)
    (message,) = Message.objects.filter(topic=notifications.TOPIC)
    assert message.address == people.alice.email
    assert message.unsubscribe == notifications.LIST
    assert "Talks resumed" in message.content.text
    # a note without a change of status emails nobody
    commitments.commitment_update(commitment=commitment, status="in_progress", on=timezone.localdate(), note="Another meeting", actor=people.hq.user)
    assert Message.objects.filter(topic=notifications.TOPIC).count() == 1


def test_a_follower_who_moved_to_another_employer_is_no_longer_emailed_its_commitments(commitment, people, union):
    """They can no longer read it, so are not told of it, nor of the negotiator's note (review finding)."""
    from unionhall.members.models import Member

    for member in (people.alice, people.bob):
        commitments.commitment_follow(commitment=commitment, member=member)
    Member.objects.filter(pk=people.alice.pk).update(employer=union.northway, branch=union.coast, workplace=union.pier)
    commitments.commitment_update(commitment=commitment, status="broken", on=timezone.localdate(), note="Talks on hold", actor=people.hq.user)
    assert list(Message.objects.filter(topic="commitment_update").values_list("member_id", flat=True)) == [people.bob.pk]
    # The daily job then drops the follow she can no longer use, and keeps Bob's.
    assert notifications.commitments_daily()["unfollowed"] == 1
    assert list(commitment.followers.values_list("member_id", flat=True)) == [people.bob.pk]


def test_the_one_click_list_unfollows_everything(commitment, people):
    commitments.commitment_follow(commitment=commitment, member=people.alice)
    assert mailing_list(notifications.LIST).stop(member_id=people.alice.pk) is True
    assert not commitment.followers.exists()
    assert mailing_list(notifications.LIST).stop(member_id=people.alice.pk) is False


def test_the_daily_check_tells_followers_once_when_a_commitment_becomes_overdue(commitment, agreement, people):
    on_time = commitments.commitment_create(agreement=agreement, title="Abolish band 1", delivered_means="Band 1 gone", due_on=timezone.localdate() + dt.timedelta(days=5), actor=people.hq.user)
    commitments.commitment_follow(commitment=commitment, member=people.alice)
    commitments.commitment_follow(commitment=on_time, member=people.alice)
    assert notifications.overdue_check() == 1
    assert notifications.overdue_check() == 0
    (message,) = Message.objects.filter(topic=notifications.TOPIC)
    assert message.content.subject == f"Overdue: {commitment.title}"
    assert notifications.overdue_check(today=timezone.localdate() + dt.timedelta(days=6)) == 1  # the second falls due


def test_a_member_cannot_follow_another_employers_commitment(commitment, people):
    with pytest.raises(Refused) as e:
        commitments.commitment_follow(commitment=commitment, member=people.frank)  # Northway
    assert e.value.status == 404
    assert not commitment.followers.exists()


def test_another_employers_link_officer_cannot_record_an_update(commitment, people):
    with pytest.raises(Refused) as e:
        commitments.commitment_update(commitment=commitment, status="broken", on=timezone.localdate(), note="x", actor=people.gina.user)
    assert e.value.status == 403
    assert not CommitmentUpdate.objects.exists()


def test_clause_numbers_must_be_distinct(body, people):
    with pytest.raises(Refused, match="number of its own"):
        commitments.agreement_create(body=body, title="x", agreed_on=dt.date(2024, 1, 1), signatories="a",
                                     clauses=[commitments.ClauseSpec("1", "a"), commitments.ClauseSpec("1", "b")], actor=people.hq.user)
    assert not body.agreements.exists()
