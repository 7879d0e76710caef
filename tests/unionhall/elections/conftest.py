"""Elections for the tests: nominations open around NOW. Alice, Bob and Carol
are in North; Dave and Erin in South; Frank and Gina in Coast; Hana is HQ."""

import datetime as dt

import pytest
from django.utils import timezone

from unionhall.elections import services
from unionhall.elections.models import Election, Nomination
from unionhall.members.models import Role

NOW = timezone.now()
DURING = NOW
AFTER = NOW + dt.timedelta(days=11)


def make_election(actor, **extra) -> Election:
    fields = dict(
        title="NEC election", role=Role.NEC_MEMBER, seats=3, method=Election.Method.STV_SCOTTISH,
        nominations_open=NOW - dt.timedelta(days=1), nominations_close=NOW + dt.timedelta(days=10),
        term_starts_on=dt.date.today() + dt.timedelta(days=30), term_years=3, address_word_limit=20,
    )  # fmt: skip
    fields.update(extra)
    return services.election_create(election=Election(**fields), actor=actor)


def stand(election, candidate, proposer, seconder, address="I will stand up for members.") -> Nomination:
    nomination = services.do_nominate(election=election, proposer=proposer, seconder=seconder, candidate=candidate, now=DURING)
    services.do_accept(nomination=nomination, member=candidate, address=address, now=DURING)
    return services.do_second(nomination=nomination, member=seconder, now=DURING)


@pytest.fixture
def nec(people) -> Election:
    return make_election(people.hq.user)


@pytest.fixture
def gs(people) -> Election:
    return make_election(people.hq.user, title="General Secretary election", role=Role.GENERAL_SECRETARY, seats=1, method=Election.Method.FPTP, term_years=5)


@pytest.fixture
def north_secretary(people, union) -> Election:
    return make_election(people.hq.user, title="North branch secretary", role=Role.BRANCH_SECRETARY, branch=union.north, seats=1, term_years=2)
