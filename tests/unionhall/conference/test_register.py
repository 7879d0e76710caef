"""The register of resolutions: updates by HQ and the officers only; a change
of course must cite a valid, later decision; the annual report."""

import datetime as dt

import pytest
from django.utils import timezone

from unionhall.audit.models import AuditEntry
from unionhall.conference.meetings import decision_record, meeting_create, meeting_record_attendance
from unionhall.conference.models import Body, Resolution, ResolutionUpdate
from unionhall.conference.register import annual_report, do_resolution_update
from unionhall.conference.voting import vote_show_of_hands
from unionhall.refusals import Refused

TODAY = timezone.localdate()
Status = Resolution.Status


@pytest.fixture
def resolution(on_agenda, people) -> Resolution:
    vote_show_of_hands(motion=on_agenda, actor=people.hq.user, votes_for=9, votes_against=2, abstentions=1)
    return Resolution.objects.get()


def decision_after(resolution, people, nec, *, quorate: bool):
    """A decision of the NEC taken after the conference (the test pretends it is held then)."""
    held_on = resolution.conference.held_on + dt.timedelta(days=30)
    meeting = meeting_create(body=Body.objects.get(slug="nec"), held_on=held_on, title="", actor=people.hq.user)
    meeting_record_attendance(meeting=meeting, members=[nec.nia, nec.ned] if quorate else [nec.nia], actor=people.hq.user)
    return decision_record(meeting=meeting, minute="Minute 7", text="Change course.", actor=people.hq.user)


def update(resolution, user, status, *, on=None, decision=None, note="Progress reported.", today=None):
    on = on or TODAY
    return do_resolution_update(resolution=resolution, user=user, status=status, note=note, on=on, decision=decision, today=today or max(on, TODAY))


def test_hq_records_progress_with_a_dated_history_and_an_audit_entry(resolution, people):
    update(resolution, people.hq.user, Status.IN_PROGRESS, note="Letter sent to the employer.")
    update(resolution, people.hq.user, Status.DONE, note="Talks restored.")
    resolution.refresh_from_db()
    assert resolution.status == Status.DONE
    assert list(resolution.updates.values_list("status", flat=True)) == [Status.IN_PROGRESS, Status.DONE]
    assert AuditEntry.objects.filter(subject_type="conference.resolution", detail__to="done", actor=people.hq.user).exists()


def test_an_officers_group_member_may_update_but_a_plain_member_or_branch_officer_may_not(resolution, people, nec):
    update(resolution, nec.oona.user, Status.IN_PROGRESS)
    for outsider in (people.alice, people.carol):
        with pytest.raises(Refused) as exc:
            update(resolution, outsider.user, Status.DONE)
        assert exc.value.status == 403
    assert ResolutionUpdate.objects.count() == 1


def test_superseding_without_citing_a_decision_is_refused_and_writes_nothing(resolution, people):
    before = AuditEntry.objects.count()
    with pytest.raises(Refused, match="must cite the decision"):
        update(resolution, people.hq.user, Status.SUPERSEDED)
    resolution.refresh_from_db()
    assert resolution.status == Status.NOT_STARTED and not ResolutionUpdate.objects.exists()
    assert AuditEntry.objects.count() == before


def test_a_decision_from_an_inquorate_meeting_cannot_be_cited(resolution, people, nec):
    decision = decision_after(resolution, people, nec, quorate=False)
    with pytest.raises(Refused, match="without a quorum"):
        update(resolution, people.hq.user, Status.ABANDONED, decision=decision, on=decision.meeting.held_on)
    assert not ResolutionUpdate.objects.exists()


def test_a_decision_taken_before_the_conference_cannot_be_cited(resolution, people, nec):
    meeting = meeting_create(body=Body.objects.get(slug="nec"), held_on=TODAY, title="", actor=people.hq.user)
    meeting_record_attendance(meeting=meeting, members=[nec.nia, nec.ned], actor=people.hq.user)
    decision = decision_record(meeting=meeting, minute="1", text="Early.", actor=people.hq.user)
    with pytest.raises(Refused, match="after the conference"):
        update(resolution, people.hq.user, Status.SUPERSEDED, decision=decision)


def test_a_valid_later_decision_supersedes_and_closes_the_record(resolution, people, nec):
    decision = decision_after(resolution, people, nec, quorate=True)
    update(resolution, people.hq.user, Status.SUPERSEDED, decision=decision, on=decision.meeting.held_on, note="The NEC changed course.")
    resolution.refresh_from_db()
    assert resolution.status == Status.SUPERSEDED and resolution.updates.get().decision == decision
    with pytest.raises(Refused, match="record is closed"):
        update(resolution, people.hq.user, Status.IN_PROGRESS)


def test_an_update_needs_a_note_and_cannot_be_dated_ahead(resolution, people):
    with pytest.raises(Refused, match="Say what was done"):
        update(resolution, people.hq.user, Status.IN_PROGRESS, note=" ")
    with pytest.raises(Refused, match="future"):
        update(resolution, people.hq.user, Status.IN_PROGRESS, on=TODAY + dt.timedelta(days=1), today=TODAY)
    assert not ResolutionUpdate.objects.exists()


def test_the_annual_report_lists_each_resolution_with_its_latest_update_and_counts(resolution, people):
    update(resolution, people.hq.user, Status.IN_PROGRESS, note="Started.")
    report = annual_report(resolution.conference)
    assert report["resolutions"][0][0] == resolution and report["resolutions"][0][1].note == "Started."
    assert ("In progress", 1) in report["counts"] and ("Done", 0) in report["counts"]
