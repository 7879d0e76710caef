"""A conference for the tests: deadlines ahead of NOW, weights counted on
today's register. Carol speaks for North, Dave for South, Gina sits on the
standing orders committee (appointed by Hana, HQ, who clerks conference);
Nia and Ned sit on the NEC."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from tests.unionhall.conftest import give_office, make_member
from unionhall.conference.models import Conference, Motion, Proposer
from unionhall.conference.services import MotionDraft, agenda_publish, do_submit_motion, soc_accept, soc_appoint
from unionhall.conference.voting import weights_freeze
from unionhall.members.models import Member, Role

NOW = timezone.now()


@pytest.fixture
def conference(db) -> Conference:
    return Conference.objects.create(
        slug="agm-2027", title="Annual conference 2027", held_on=timezone.localdate() + dt.timedelta(days=60),
        motions_deadline=NOW + dt.timedelta(days=10), amendments_deadline=NOW + dt.timedelta(days=20),
        weights_on=timezone.localdate(),
    )  # fmt: skip


@pytest.fixture
def soc(conference, people) -> Member:
    """Gina (of Coast) on the standing orders committee."""
    soc_appoint(conference=conference, member=people.gina, actor=people.hq.user)
    return people.gina


@dataclass
class Nec:
    nia: Member
    ned: Member
    oona: Member  # officers group


@pytest.fixture
def nec(union) -> Nec:
    n = Nec(
        nia=make_member("N1", union.north, union.harbour, first_name="Nia", last_name="Nolan"),
        ned=make_member("N2", union.south, union.quay, first_name="Ned", last_name="Nash"),
        oona=make_member("O1", union.coast, union.pier, first_name="Oona", last_name="Owen"),
    )
    give_office(n.nia, Role.NEC_MEMBER)
    give_office(n.ned, Role.NEC_MEMBER)
    give_office(n.oona, Role.OFFICERS_GROUP)
    return n


def branch_draft(branch, title="Defend national bargaining", text="Conference instructs the officers to defend national pay talks.", **extra) -> MotionDraft:
    return MotionDraft(title=title, text=text, proposer=Proposer.BRANCH, branch=branch, **extra)


def submit(conference, member, branch, **extra) -> Motion:
    return do_submit_motion(conference=conference, user=member.user, draft=branch_draft(branch, **extra))


@pytest.fixture
def on_agenda(conference, people, union, soc) -> Motion:
    """Motion 1 from North accepted, weights frozen, the agenda published."""
    motion = submit(conference, people.carol, union.north)
    soc_accept(item=motion, actor=soc.user)
    weights_freeze(conference=conference, actor=people.hq.user)
    agenda_publish(conference=conference, actor=soc.user)
    motion.refresh_from_db()
    return motion
