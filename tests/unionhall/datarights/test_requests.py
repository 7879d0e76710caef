"""Subject access requests by letter or email (issue 17)."""

import datetime as dt

import pytest
from django.utils import timezone

from unionhall.audit.models import AuditEntry
from unionhall.datarights import requests
from unionhall.datarights.models import SubjectAccessRequest
from unionhall.refusals import Refused

TODAY = dt.date(2026, 3, 20)


def test_the_deadline_is_one_month_from_receipt_as_the_deadlines_package_counts(people):
    sar = requests.sar_record(membership_number="A1", channel="email", received_on=dt.date(2026, 3, 3), actor=people.hq.user, today=TODAY)
    # 3 April 2026 is Good Friday and 6 April Easter Monday: the next working day is the 7th.
    assert sar.due_on == dt.date(2026, 4, 7)


def test_a_request_for_an_unknown_member_or_a_future_date_is_refused_and_nothing_written(people):
    before = AuditEntry.objects.count()
    with pytest.raises(Refused, match="No member"):
        requests.sar_record(membership_number="ZZ9", channel="letter", received_on=TODAY, actor=people.hq.user, today=TODAY)
    with pytest.raises(Refused, match="future"):
        requests.sar_record(membership_number="A1", channel="letter", received_on=TODAY + dt.timedelta(days=1), actor=people.hq.user, today=TODAY)
    with pytest.raises(Refused, match="how the request arrived"):
        requests.sar_record(membership_number="A1", channel="pigeon", received_on=TODAY, actor=people.hq.user, today=TODAY)
    assert not SubjectAccessRequest.objects.exists() and AuditEntry.objects.count() == before


def test_extending_gives_three_months_and_needs_a_reason(people):
    sar = requests.sar_record(membership_number="A1", channel="letter", received_on=dt.date(2026, 1, 31), actor=people.hq.user, today=TODAY)
    with pytest.raises(Refused, match="complex or numerous"):
        requests.sar_extend(sar=sar, reason=" ", actor=people.hq.user)
    sar.refresh_from_db()
    assert not sar.extended
    sar = requests.sar_extend(sar=sar, reason="Ten years of casework to review", actor=people.hq.user)
    assert sar.due_on == dt.date(2026, 4, 28)
    with pytest.raises(Refused, match="already been extended"):
        requests.sar_extend(sar=sar, reason="again", actor=people.hq.user)


def test_waiting_for_identity_moves_the_month_to_when_it_came(people):
    received = timezone.localdate() - dt.timedelta(days=20)
    sar = requests.sar_record(membership_number="A1", channel="letter", received_on=received, actor=people.hq.user)
    checked = timezone.localdate()
    sar = requests.sar_identity_checked(sar=sar, note="Copy of payslip seen, not kept", on=checked, actor=people.hq.user)
    assert sar.due_on == requests.sar_due(checked).date > requests.sar_due(received).date


def test_an_answer_cannot_be_recorded_before_identity_is_checked(people):
    sar = requests.sar_record(membership_number="A1", channel="letter", received_on=timezone.localdate(), actor=people.hq.user)
    with pytest.raises(Refused, match="identity"):
        requests.sar_sent(sar=sar, on=timezone.localdate(), actor=people.hq.user)
    sar.refresh_from_db()
    assert sar.sent_on is None


def test_overdue_requests_are_listed_for_hq_and_answered_ones_are_not(people):
    today = timezone.localdate()
    old = requests.sar_record(membership_number="A1", channel="letter", received_on=today - dt.timedelta(days=60), actor=people.hq.user)
    requests.sar_record(membership_number="E1", channel="email", received_on=today - dt.timedelta(days=3), actor=people.hq.user)
    assert [s.member.membership_number for s in requests.sars_overdue(today)] == ["A1"]
    requests.sar_identity_checked(sar=old, note="In person", on=today - dt.timedelta(days=59), actor=people.hq.user)
    requests.sar_sent(sar=old, on=today, actor=people.hq.user)
    assert requests.sars_overdue(today) == []
    assert AuditEntry.objects.filter(detail__event="subject access request answered").get().detail["late"] is True


def test_hqs_to_do_lists_overdue_and_open_requests_and_nobody_elses_does(people):
    from unionhall.datarights.todo import to_do_for

    today = timezone.localdate()
    requests.sar_record(membership_number="A1", channel="letter", received_on=today - dt.timedelta(days=60), actor=people.hq.user)
    requests.sar_record(membership_number="E1", channel="email", received_on=today, actor=people.hq.user)
    items = to_do_for(people.hq.user)
    assert [i.text.split(",")[0] for i in items] == ["1 subject access request is overdue", "1 subject access request to answer"]
    assert items[0].urgent and not items[1].urgent
    assert to_do_for(people.carol.user) == [] and to_do_for(people.alice.user) == []
