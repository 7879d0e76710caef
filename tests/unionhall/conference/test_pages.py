"""The conference pages: members read, the right people act, outsiders are
refused (and the refusal is audited), and member text is escaped."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.unionhall.conference.conftest import submit
from tests.unionhall.conftest import sign_in
from unionhall.audit.models import Action, AuditEntry
from unionhall.conference.meetings import decision_record, meeting_create, meeting_record_attendance
from unionhall.conference.models import Body, Card, Motion, Resolution, ResolutionUpdate, Vote
from unionhall.conference.voting import vote_open_card, vote_show_of_hands
from unionhall.members.models import User


@pytest.fixture
def resolution(on_agenda, people) -> Resolution:
    vote_show_of_hands(motion=on_agenda, actor=people.hq.user, votes_for=9, votes_against=2, abstentions=1)
    return Resolution.objects.get()


def motion_post(union, **extra):
    return {"on_behalf_of": f"branch:{union.north.pk}", "title": "Safe caseloads", "text": "Conference instructs the NEC.", "instructs": "nec", "instructs_role": "", **extra}


def test_any_member_reads_the_register_and_a_resolutions_history(client, resolution, people):
    sign_in(client, people.frank, mfa=False)
    page = client.get(reverse("resolution_register")).content.decode()
    assert reverse("resolution_register") == "/conference/resolutions/"
    assert resolution.title in page and "Not started" in page
    detail = client.get(reverse("resolution_detail", args=[resolution.pk])).content.decode()
    assert "What conference instructed" in detail and "Report progress" not in detail


def test_an_account_without_membership_is_refused_the_register(client, resolution):
    outsider = User.objects.create_user("visitor@example.org")
    client.force_login(outsider, backend="unionhall.members.backends.ModelBackend")
    assert client.get(reverse("resolution_register")).status_code == 403
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=outsider).exists()


def test_a_plain_member_cannot_update_the_register_and_the_refusal_is_audited(client, resolution, people):
    sign_in(client, people.alice, mfa=False)
    data = {"status": "done", "on": dt.date.today().isoformat(), "note": "I say it is done."}
    assert client.post(reverse("resolution_update", args=[resolution.pk]), data).status_code == 403
    assert not ResolutionUpdate.objects.exists()
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=people.alice.user, subject_type="conference.resolution").exists()


def test_hq_records_an_update_and_superseding_without_a_decision_is_explained(client, resolution, people):
    sign_in(client, people.hq)
    url = reverse("resolution_update", args=[resolution.pk])
    today = dt.date.today().isoformat()
    page = client.post(url, {"status": "superseded", "on": today, "note": "Changed course."}, follow=True).content.decode()
    assert "must cite the decision" in page and not ResolutionUpdate.objects.exists()
    page = client.post(url, {"status": "in_progress", "on": today, "note": "Letter sent."}, follow=True).content.decode()
    assert "Letter sent." in page and ResolutionUpdate.objects.count() == 1


def test_a_branch_secretary_submits_a_motion_through_the_page(client, conference, people, union):
    sign_in(client, people.carol, mfa=False)
    response = client.post(reverse("conference_motion_submit", args=[conference.slug]), motion_post(union))
    motion = Motion.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("conference_motion", args=[conference.slug, 1])
    assert motion.branch == union.north and motion.instructs == "nec"


def test_a_member_of_another_branch_cannot_submit_for_it_through_the_page(client, conference, people, union):
    sign_in(client, people.dave, mfa=False)
    page = client.post(reverse("conference_motion_submit", args=[conference.slug]), motion_post(union)).content.decode()
    assert "Select a valid choice" in page and not Motion.objects.exists()


def test_a_plain_member_is_refused_the_motion_form(client, conference, people):
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("conference_motion_submit", args=[conference.slug])).status_code == 403


def test_a_late_motion_through_the_page_gets_the_deadline_and_is_not_stored(client, conference, people, union):
    conference.motions_deadline = conference.motions_deadline - dt.timedelta(days=30)
    conference.save()
    sign_in(client, people.carol, mfa=False)
    page = client.post(reverse("conference_motion_submit", args=[conference.slug]), motion_post(union)).content.decode()
    assert "deadline for motions was" in page and not Motion.objects.exists()


def test_member_text_is_escaped(client, conference, people, union):
    submit(conference, people.carol, union.north, title="<script>alert(1)</script>")
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("conference_detail", args=[conference.slug])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_the_agenda_is_hidden_from_members_until_published(client, conference, people, union):
    submit(conference, people.carol, union.north, title="Hidden until ruled")
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("conference_agenda", args=[conference.slug])).content.decode()
    assert "not yet published" in page and "Hidden until ruled" not in page


def test_the_published_agenda_shows_the_accepted_motions(client, on_agenda, people):
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("conference_agenda", args=[on_agenda.conference.slug])).content.decode()
    assert on_agenda.title in page and "Published" in page


def test_ruling_out_through_the_page_needs_a_reason_and_a_branch_officer_is_refused(client, conference, people, union, soc):
    motion = submit(conference, people.carol, union.north)
    url = reverse("conference_ruling", args=[conference.slug, motion.number])
    sign_in(client, people.carol)
    assert client.post(url, {"action": "rule_out", "reason": "No."}).status_code == 403
    sign_in(client, soc, mfa=False)
    page = client.post(url, {"action": "rule_out", "reason": ""}, follow=True).content.decode()
    assert "Give the reason" in page
    motion.refresh_from_db()
    assert motion.status == Motion.Status.SUBMITTED


def test_a_card_from_someone_not_registered_is_refused_through_the_page(client, on_agenda, people, union):
    vote = vote_open_card(motion=on_agenda, actor=people.hq.user)
    sign_in(client, people.bob, mfa=False)
    response = client.post(reverse("conference_card_cast", args=[vote.pk]), {"branch": union.north.pk, "choice": "for"})
    assert response.status_code == 403 and not Card.objects.exists()


def test_a_registered_delegate_casts_the_branch_card_and_hq_closes_the_vote(client, on_agenda, people, union):
    from unionhall.conference.voting import do_register_delegate

    do_register_delegate(conference=on_agenda.conference, branch=union.north, member=people.alice, actor=people.carol.user)
    vote = vote_open_card(motion=on_agenda, actor=people.hq.user)
    sign_in(client, people.alice, mfa=False)
    assert "Cast North branch" in client.get(reverse("conference_vote", args=[vote.pk])).content.decode()
    client.post(reverse("conference_card_cast", args=[vote.pk]), {"branch": union.north.pk, "choice": "for"})
    sign_in(client, people.hq)
    page = client.post(reverse("conference_vote_close", args=[vote.pk]), follow=True).content.decode()
    vote.refresh_from_db()
    assert vote.outcome == "carried" and vote.votes_for == 3 and "Carried" in page
    assert Resolution.objects.filter(motion=on_agenda).exists()


def test_hq_records_a_show_of_hands_through_the_page(client, on_agenda, people):
    sign_in(client, people.hq)
    url = reverse("conference_vote_record", args=[on_agenda.conference.slug, on_agenda.number])
    page = client.post(url, {"method": "hands", "votes_for": "40", "votes_against": "50", "abstentions": "3"}, follow=True).content.decode()
    assert Vote.objects.get().outcome == "lost" and "lost" in page


def test_a_branch_officer_registers_a_delegate_through_the_page(client, conference, people, union):
    sign_in(client, people.carol, mfa=False)
    url = reverse("conference_delegate_register", args=[conference.slug])
    client.post(url, {"branch": union.north.pk, "membership_number": "A1"})
    page = client.get(reverse("conference_delegates", args=[conference.slug])).content.decode()
    assert "Alice Archer" in page
    sign_in(client, people.dave, mfa=False)
    assert client.post(url, {"branch": union.north.pk, "membership_number": "B1"}).status_code == 403


def test_an_inquorate_meetings_decision_is_flagged_on_its_own_page(client, people, nec):
    meeting = meeting_create(body=Body.objects.get(slug="nec"), held_on=dt.date(2026, 3, 1), title="Short meeting", actor=people.hq.user)
    meeting_record_attendance(meeting=meeting, members=[nec.nia], actor=people.hq.user)
    decision = decision_record(meeting=meeting, minute="Minute 2", text="Leave national talks.", actor=people.hq.user)
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("decision_detail", args=[decision.pk])).content.decode()
    assert "not valid: the meeting was not quorate" in page and "Leave national talks." in page
    assert "was not quorate" in client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()


def test_only_hq_records_meetings_through_the_page(client, people, nec):
    sign_in(client, nec.oona)
    data = {"body": Body.objects.get(slug="nec").pk, "held_on": "2026-03-01", "title": "x"}
    assert client.post(reverse("meeting_create"), data).status_code == 403
    sign_in(client, people.hq)
    response = client.post(reverse("meeting_create"), data)
    assert response.status_code == 302


def test_the_annual_report_page_lists_resolutions_and_their_status(client, resolution, people):
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("resolution_report", args=[resolution.conference.slug])).content.decode()
    assert resolution.title in page and "not started" in page and "nothing reported" in page


def test_delegate_registration_cannot_be_used_to_probe_the_register(client, conference, people, union):
    """A member who may not register North's delegates gets the same refusal
    whether the number exists or not, and never a name."""
    sign_in(client, people.erin, mfa=False)
    url = reverse("conference_delegate_register", args=[conference.slug])
    known = client.post(url, {"branch": union.north.pk, "membership_number": "A1"})
    unknown = client.post(url, {"branch": union.north.pk, "membership_number": "ZZ999"})
    assert known.status_code == unknown.status_code == 403
    assert b"Alice" not in known.content
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=people.erin.user).count() == 2
