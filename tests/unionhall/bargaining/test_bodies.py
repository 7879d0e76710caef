"""Negotiating bodies: ratification only by a quorate NEC or officers' decision, status over time."""

import datetime as dt

import pytest

from tests.unionhall.bargaining.conftest import decision
from unionhall.audit.models import AuditEntry
from unionhall.bargaining import bodies
from unionhall.bargaining.models import BodyStatusChange, NegotiatingBody
from unionhall.members.models import Office, Role
from unionhall.refusals import Refused


def test_a_quorate_nec_decision_ratifies_the_constitution(body, people, nec):
    decision_id = decision(people=people, nec=nec, attended=3)
    bodies.body_ratify(body=body, decision_id=decision_id, actor=people.hq.user)
    body.refresh_from_db()
    assert body.ratification_id == decision_id
    assert body.ratified_on is not None


def test_a_decision_of_an_inquorate_meeting_is_refused_and_nothing_changes(body, people, nec):
    decision_id = decision(people=people, nec=nec, attended=2)
    entries = AuditEntry.objects.count()
    with pytest.raises(Refused) as e:
        bodies.body_ratify(body=body, decision_id=decision_id, actor=people.hq.user)
    assert "not quorate (2 attended; the quorum was 3)" in str(e.value)
    body.refresh_from_db()
    assert body.ratification_id is None and body.ratified_on is None
    assert AuditEntry.objects.count() == entries


def test_an_unknown_decision_cannot_ratify(body, people):
    with pytest.raises(Refused, match="No such decision"):
        bodies.body_ratify(body=body, decision_id=999_999, actor=people.hq.user)


def test_a_link_officer_of_another_employer_cannot_ratify(body, people, nec):
    decision_id = decision(people=people, nec=nec, attended=3)
    with pytest.raises(Refused) as e:
        bodies.body_ratify(body=body, decision_id=decision_id, actor=people.gina.user)  # Northway's link officer
    assert e.value.status == 403
    body.refresh_from_db()
    assert body.ratification_id is None


def test_withdrawing_a_body_is_kept_in_its_history_with_the_date(people):
    national = bodies.body_create(name="National Negotiating Council", employer=None, parties="Employers; unions", actor=people.hq.user, on=dt.date(2015, 1, 1))
    bodies.body_set_status(body=national, status="withdrawn", on=dt.date(2021, 6, 30), note="Employers withdrew", actor=people.hq.user)
    national.refresh_from_db()
    assert (national.status, national.status_on) == ("withdrawn", dt.date(2021, 6, 30))
    assert list(national.status_changes.values_list("status", "on")) == [("active", dt.date(2015, 1, 1)), ("withdrawn", dt.date(2021, 6, 30))]


def test_a_status_change_dated_before_the_last_is_refused(body, people):
    with pytest.raises(Refused, match="cannot be dated before"):
        bodies.body_set_status(body=body, status="suspended", on=dt.date(2020, 1, 1), actor=people.hq.user)
    assert BodyStatusChange.objects.filter(body=body).count() == 1


def test_only_a_national_office_creates_a_national_body(people):
    with pytest.raises(Refused) as e:
        bodies.body_create(name="National council", employer=None, parties="x", actor=people.gina.user)
    assert e.value.status == 403
    assert not NegotiatingBody.objects.exists()


def test_the_union_side_is_drawn_from_current_offices(body, people):
    office = Office.objects.get(member=people.gina, role=Role.LINK_OFFICER)
    bodies.body_set_union_side(body=body, offices=[office], actor=people.hq.user)
    assert list(body.union_side.all()) == [office]
    old = Office.objects.create(member=people.erin, role=Role.NATIONAL_REP, starts_on=dt.date(2019, 1, 1), ends_on=dt.date(2020, 1, 1))
    with pytest.raises(Refused, match="Not held today"):
        bodies.body_set_union_side(body=body, offices=[office, old], actor=people.hq.user)
    assert list(body.union_side.all()) == [office]
