"""Motions and amendments: who may submit, until when; the standing orders
committee's rulings and composites; the published agenda."""

import datetime as dt

import pytest

from tests.unionhall.conference.conftest import NOW, branch_draft, submit
from unionhall.audit.models import AuditEntry
from unionhall.conference.models import Amendment, Motion, Proposer, Responsible
from unionhall.conference.services import (
    MotionDraft,
    agenda,
    agenda_publish,
    check_submit_motion,
    do_submit_amendment,
    do_submit_motion,
    soc_accept,
    soc_composite,
    soc_rule_out,
)  # fmt: skip
from unionhall.members.models import Role
from unionhall.refusals import Refused


def test_a_branch_secretary_submits_a_numbered_motion_and_it_is_audited(conference, people, union):
    first = submit(conference, people.carol, union.north)
    second = submit(conference, people.dave, union.south, title="Cap caseloads")
    assert (first.number, second.number) == (1, 2)
    assert first.status == Motion.Status.SUBMITTED and first.proposer_label == "North branch"
    entry = AuditEntry.objects.get(subject_type="conference.motion", subject_id=str(first.pk))
    assert entry.actor == people.carol.user and entry.detail["event"] == "motion submitted"


def test_a_motion_after_the_deadline_is_refused_with_the_deadline_and_nothing_stored(conference, people, union):
    late = conference.motions_deadline + dt.timedelta(minutes=1)
    with pytest.raises(Refused, match="deadline for motions was") as exc:
        do_submit_motion(conference=conference, user=people.carol.user, draft=branch_draft(union.north), now=late)
    assert exc.value.status == 409
    assert not Motion.objects.exists() and not AuditEntry.objects.exists()


def test_a_secretary_of_another_branch_cannot_submit_for_a_branch(conference, people, union):
    with pytest.raises(Refused, match="Only the secretary or chair of North") as exc:
        submit(conference, people.dave, union.north)
    assert exc.value.status == 403 and not Motion.objects.exists()


def test_a_plain_member_cannot_submit_for_their_own_branch(conference, people, union):
    with pytest.raises(Refused) as exc:
        check_submit_motion(conference=conference, user=people.alice.user, draft=branch_draft(union.north), now=NOW)
    assert exc.value.status == 403


def test_an_nec_member_submits_for_the_nec_but_a_branch_secretary_cannot(conference, people, nec):
    draft = MotionDraft(title="Recruitment", text="Conference instructs the NEC to run a recruitment drive.", proposer=Proposer.NEC)
    motion = do_submit_motion(conference=conference, user=nec.nia.user, draft=draft)
    assert motion.proposer_label == "National Executive Committee" and motion.branch is None
    with pytest.raises(Refused):
        do_submit_motion(conference=conference, user=people.carol.user, draft=draft)
    assert Motion.objects.count() == 1


def test_a_motion_instructing_an_office_holder_must_name_the_office(conference, people, union):
    with pytest.raises(Refused, match="Name the office holder"):
        submit(conference, people.carol, union.north, instructs=Responsible.OFFICE_HOLDER)
    motion = submit(conference, people.carol, union.north, instructs=Responsible.OFFICE_HOLDER, instructs_role=Role.GENERAL_SECRETARY)
    assert motion.instructs_role == Role.GENERAL_SECRETARY


def test_amendments_are_lettered_and_refused_after_their_deadline(conference, people, union):
    motion = submit(conference, people.carol, union.north)
    a = do_submit_amendment(motion=motion, user=people.dave.user, proposer=Proposer.BRANCH, branch=union.south, text="Add: and report back.")
    b = do_submit_amendment(motion=motion, user=people.carol.user, proposer=Proposer.BRANCH, branch=union.north, text="Delete 'national'.")
    assert (a.letter, b.letter, str(a)) == ("A", "B", "Amendment 1A")
    late = conference.amendments_deadline + dt.timedelta(seconds=1)
    with pytest.raises(Refused, match="deadline for amendments"):
        do_submit_amendment(motion=motion, user=people.dave.user, proposer=Proposer.BRANCH, branch=union.south, text="Late.", now=late)
    assert Amendment.objects.count() == 2


def test_a_member_of_another_branch_cannot_amend_for_a_branch(conference, people, union):
    motion = submit(conference, people.carol, union.north)
    with pytest.raises(Refused) as exc:
        do_submit_amendment(motion=motion, user=people.dave.user, proposer=Proposer.BRANCH, branch=union.north, text="Sneaky.")
    assert exc.value.status == 403 and not Amendment.objects.exists()


def test_ruling_out_needs_a_reason_and_a_failed_ruling_changes_nothing(soc, conference, people, union):
    motion = submit(conference, people.carol, union.north)
    before = AuditEntry.objects.count()
    with pytest.raises(Refused, match="reason"):
        soc_rule_out(item=motion, reason="  ", actor=soc.user)
    motion.refresh_from_db()
    assert motion.status == Motion.Status.SUBMITTED and AuditEntry.objects.count() == before
    soc_rule_out(item=motion, reason="Not within the union's objects.", actor=soc.user)
    motion.refresh_from_db()
    assert motion.status == Motion.Status.RULED_OUT and motion.ruling_reason == "Not within the union's objects."


def test_only_the_standing_orders_committee_rules(conference, people, union):
    motion = submit(conference, people.carol, union.north)
    with pytest.raises(Refused) as exc:
        soc_accept(item=motion, actor=people.carol.user)
    assert exc.value.status == 403
    motion.refresh_from_db()
    assert motion.status == Motion.Status.SUBMITTED


def test_a_composite_replaces_its_source_motions_and_links_them(soc, conference, people, union):
    one = submit(conference, people.carol, union.north)
    two = submit(conference, people.dave, union.south, title="National talks now")
    composite = soc_composite(conference=conference, sources=[one, two], title="Composite A: national bargaining", text="Merged text.", actor=soc.user)
    assert composite.number == 3 and composite.is_composite and composite.status == Motion.Status.ACCEPTED
    assert set(composite.sources.all()) == {one, two}
    assert set(Motion.objects.filter(status=Motion.Status.COMPOSITED).values_list("composite", flat=True)) == {composite.pk}


def test_a_composite_needs_two_motions(soc, conference, people, union):
    one = submit(conference, people.carol, union.north)
    with pytest.raises(Refused, match="at least two"):
        soc_composite(conference=conference, sources=[one], title="T", text="X", actor=soc.user)
    assert Motion.objects.count() == 1


def test_the_agenda_waits_for_every_ruling_then_lists_accepted_and_ruled_out(soc, conference, people, union):
    kept = submit(conference, people.carol, union.north)
    dropped = submit(conference, people.dave, union.south, title="Out of order")
    soc_accept(item=kept, actor=soc.user)
    with pytest.raises(Refused, match="1 motion"):
        agenda_publish(conference=conference, actor=soc.user)
    soc_rule_out(item=dropped, reason="Duplicates motion 1.", actor=soc.user)
    agenda_publish(conference=conference, actor=soc.user)
    conference.refresh_from_db()
    shown = agenda(conference)
    assert conference.agenda_published_at and shown["items"] == [kept] and shown["ruled_out"] == [dropped]
    with pytest.raises(Refused, match="final"):
        soc_accept(item=dropped, actor=soc.user)
