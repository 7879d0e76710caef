"""Freezing the roll at opening: who is put on it, under what alias, in which
area, and the commitment published over it. The roll is written in one pass
(no model instance per member), so these pin down what it must still do."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.unionhall.conftest import make_member
from unionhall.ballots.models import Ballot, Question, RollEntry, Trustee
from unionhall.ballots.roll import OTHER_AREAS
from unionhall.ballots.setup import ballot_manifest, ballot_open, ballot_set_keys
from unionhall.members.models import Grade, Member
from unionhall.refusals import Refused
from votecrypt import api
from votecrypt.record import roll_commitment
from votecrypt.rng import SeededRng

NOW = timezone.now()


def draft(people, slug: str, **fields) -> Ballot:
    ballot = Ballot.objects.create(slug=slug, title=slug, opens_at=NOW - dt.timedelta(hours=1), closes_at=NOW + dt.timedelta(days=7),
                                   trustee_threshold=2, **fields)  # fmt: skip
    Question.objects.create(ballot=ballot, position=1, key="q", text="Yes or no?", kind=Question.Kind.YES_NO)
    for index, member in enumerate((people.hq, people.carol, people.dave), start=1):
        Trustee.objects.create(ballot=ballot, index=index, user=member.user, label=f"Trustee {index}")
    manifest = ballot_manifest(ballot)
    joint, _, publics = api.run_dkg(manifest, SeededRng(slug))
    ballot_set_keys(ballot=ballot, manifest=manifest, joint_key=joint, publics=publics, actor=None)
    return ballot


def opened(ballot: Ballot) -> Ballot:
    ballot_open(ballot=ballot, actor=None)
    ballot.refresh_from_db()
    return ballot


def roll(ballot: Ballot) -> dict[str, RollEntry]:
    return {e.member.membership_number: e for e in RollEntry.objects.filter(ballot=ballot).select_related("member")}


def test_the_roll_is_every_active_member_of_the_employer_each_with_where_they_work(people, union, crowd):
    make_member("L1", union.north, union.harbour, status=Member.Status.LAPSED)
    ballot = opened(draft(people, "pps-only", employer=union.pps))
    entries = roll(ballot)
    expected = set(Member.objects.filter(employer=union.pps, status=Member.Status.ACTIVE).values_list("membership_number", flat=True))
    assert set(entries) == expected and "L1" not in entries and "F1" not in entries  # lapsed, and Northway's
    alice = entries["A1"]
    assert (alice.employer_id, alice.branch_id, alice.workplace_id) == (union.pps.pk, union.north.pk, union.harbour.pk)
    assert all(e.voted_at is None and e.removed_at is None and e.added_reason == "" == e.removed_reason for e in entries.values())


def test_each_entry_has_its_own_random_alias_and_no_two_ballots_share_one(people, union, crowd):
    first = roll(opened(draft(people, "first", employer=union.pps)))
    second = roll(opened(draft(people, "second", employer=union.pps)))
    aliases = [e.alias for e in first.values()]
    assert all(re.fullmatch(r"v[0-9a-f]{16}", a) for a in aliases)
    assert len(set(aliases)) == len(aliases)
    assert not set(aliases) & {e.alias for e in second.values()}


def test_an_area_too_small_to_show_is_merged_into_other_areas(people, union, crowd):
    # North: the crowd of 12 with alice, bob and carol; South: dave, erin and hq, fewer than 10.
    by_branch = roll(opened(draft(people, "by-branch", employer=union.pps, area_kind=Ballot.AreaKind.BRANCH)))
    assert by_branch["A1"].area == "North" and by_branch["N00"].area == "North"
    assert by_branch["E1"].area == OTHER_AREAS and by_branch["H1"].area == OTHER_AREAS
    # By workplace: Harbour has the crowd, alice and bob; carol alone at Castle; a member with no workplace.
    make_member("W0", union.north, None)
    by_workplace = roll(opened(draft(people, "by-workplace", employer=union.pps, area_kind=Ballot.AreaKind.WORKPLACE)))
    assert by_workplace["B1"].area == "Harbour office"
    assert by_workplace["C1"].area == OTHER_AREAS and by_workplace["W0"].area == OTHER_AREAS
    assert by_workplace["W0"].workplace_id is None
    # By employer across the whole union: Northway's two members are too few.
    by_employer = roll(opened(draft(people, "by-employer", area_kind=Ballot.AreaKind.EMPLOYER)))
    assert by_employer["A1"].area == "Public Probation Service" and by_employer["F1"].area == OTHER_AREAS


def test_the_roll_commitment_is_over_the_aliases_and_areas_frozen(people, union, crowd):
    ballot = opened(draft(people, "committed", employer=union.pps))
    entries = RollEntry.objects.filter(ballot=ballot)
    assert ballot.roll_commitment == roll_commitment([(e.alias, e.area) for e in entries]).hex()


def test_the_grades_and_the_joining_date_limit_the_roll(people, union, crowd):
    Member.objects.filter(membership_number="A1").update(grade=Grade.PSO, joined_on=dt.date(2020, 1, 1))
    Member.objects.filter(membership_number="B1").update(grade=Grade.PSO, joined_on=dt.date(2026, 1, 1))
    ballot = opened(draft(people, "psos", employer=union.pps, grades=[Grade.PSO], joined_by=dt.date(2025, 1, 1)))
    assert set(roll(ballot)) == {"A1"}


def test_a_ballot_nobody_is_entitled_to_does_not_open_and_writes_no_roll(people, union):
    ballot = draft(people, "nobody", employer=union.pps, grades=[Grade.MANAGER])
    with pytest.raises(Refused, match="Nobody in the register"):
        ballot_open(ballot=ballot, actor=None)
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.DRAFT and not RollEntry.objects.filter(ballot=ballot).exists()
