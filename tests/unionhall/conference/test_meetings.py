"""Meetings: membership from current offices, quorum from the body's rule,
and decisions of an inquorate meeting flagged invalid."""

import datetime as dt

import pytest

from tests.unionhall.conftest import give_office, make_member
from unionhall.audit.models import AuditEntry
from unionhall.conference.meetings import body_members, decision_record, meeting_create, meeting_record_attendance
from unionhall.conference.models import Body, Decision
from unionhall.members.models import Office, Role
from unionhall.refusals import Refused

DAY = dt.date(2026, 3, 10)


@pytest.fixture
def nec_body(db) -> Body:
    return Body.objects.get(slug="nec")


def test_the_nec_and_officers_group_exist_with_a_half_plus_one_quorum(nec_body):
    assert Body.objects.get(slug="officers").role == Role.OFFICERS_GROUP
    assert [nec_body.quorum_for(n) for n in (2, 9, 10)] == [2, 5, 6]
    assert nec_body.quorum_rule == "half of its members plus 1"


def test_membership_is_the_holders_of_the_office_on_the_day(nec_body, nec, union):
    retired = make_member("N9", union.north)
    Office.objects.create(member=retired, role=Role.NEC_MEMBER, starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2024, 12, 31))
    assert set(body_members(nec_body, DAY)) == {nec.nia, nec.ned}


def test_a_meeting_freezes_membership_and_quorum_and_a_quorate_decision_is_valid(nec_body, nec, people):
    meeting = meeting_create(body=nec_body, held_on=DAY, title="", actor=people.hq.user)
    assert (meeting.members_count, meeting.quorum, meeting.title) == (2, 2, "National Executive Committee meeting")
    meeting_record_attendance(meeting=meeting, members=[nec.nia, nec.ned], actor=people.hq.user)
    decision = decision_record(meeting=meeting, minute="Minute 3", text="Enter talks at employer level.", actor=people.hq.user)
    assert meeting.quorate and decision.valid
    assert AuditEntry.objects.filter(subject_type="conference.decision", detail__quorate=True).exists()


def test_a_decision_of_an_inquorate_meeting_is_recorded_but_flagged_invalid(nec_body, nec, people):
    meeting = meeting_create(body=nec_body, held_on=DAY, title="Emergency meeting", actor=people.hq.user)
    meeting_record_attendance(meeting=meeting, members=[nec.nia], actor=people.hq.user)
    decision = decision_record(meeting=meeting, minute="Minute 1", text="Withdraw from national talks.", actor=people.hq.user)
    assert not decision.valid and not meeting.quorate


def test_only_members_of_the_body_are_recorded_as_attending(nec_body, nec, people):
    meeting = meeting_create(body=nec_body, held_on=DAY, title="", actor=people.hq.user)
    with pytest.raises(Refused, match="Not members of the National Executive Committee"):
        meeting_record_attendance(meeting=meeting, members=[nec.nia, people.alice], actor=people.hq.user)
    assert meeting.attendees.count() == 0


def test_attendance_is_fixed_once_a_decision_is_minuted(nec_body, nec, people):
    meeting = meeting_create(body=nec_body, held_on=DAY, title="", actor=people.hq.user)
    decision_record(meeting=meeting, minute="1", text="Noted.", actor=people.hq.user)
    with pytest.raises(Refused, match="fixed"):
        meeting_record_attendance(meeting=meeting, members=[nec.nia, nec.ned], actor=people.hq.user)


def test_only_hq_records_meetings(nec_body, nec, people):
    with pytest.raises(Refused) as exc:
        meeting_create(body=nec_body, held_on=DAY, title="", actor=nec.nia.user)
    assert exc.value.status == 403 and not nec_body.meetings.exists()
    assert not Decision.objects.exists()


def test_more_office_holders_raise_the_quorum(nec_body, nec, union, people):
    for i in range(3):
        give_office(make_member(f"NX{i}", union.north), Role.NEC_MEMBER)
    meeting = meeting_create(body=nec_body, held_on=DAY, title="", actor=people.hq.user)
    assert (meeting.members_count, meeting.quorum) == (5, 3)
