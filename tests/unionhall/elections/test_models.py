"""An election's terms are checked before it is called."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.unionhall.elections.conftest import make_election
from unionhall.audit.models import AuditEntry
from unionhall.elections.models import Election
from unionhall.members.models import Role


def test_a_general_secretary_term_longer_than_the_statutory_five_years_is_refused_and_nothing_is_stored(people):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        make_election(people.hq.user, role=Role.GENERAL_SECRETARY, seats=1, term_years=6)
    assert "every 5 years" in str(exc.value)
    assert Election.objects.count() == 0 and AuditEntry.objects.count() == before


def test_an_nec_term_of_exactly_five_years_is_allowed(people):
    assert make_election(people.hq.user, term_years=5).pk


def test_the_general_secretary_election_fills_one_seat(people):
    with pytest.raises(ValidationError, match="one General Secretary"):
        make_election(people.hq.user, role=Role.GENERAL_SECRETARY, seats=2, term_years=5)


def test_a_branch_office_needs_its_branch_and_a_national_office_refuses_one(people, union):
    with pytest.raises(ValidationError, match="elected by a branch"):
        make_election(people.hq.user, role=Role.BRANCH_SECRETARY, seats=1)
    with pytest.raises(ValidationError, match="whole union"):
        make_election(people.hq.user, branch=union.north)


def test_an_office_that_is_not_elected_cannot_have_an_election(people):
    with pytest.raises(ValidationError):
        make_election(people.hq.user, role=Role.HQ_ADMIN, seats=1)


def test_nominations_must_close_after_they_open(people, nec):
    with pytest.raises(ValidationError, match="close after"):
        make_election(people.hq.user, nominations_close=nec.nominations_open - dt.timedelta(hours=1))
