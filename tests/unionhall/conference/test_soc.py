"""The standing orders committee is a named body for each conference: HQ
appoints its members; they, and not every HQ administrator, rule on motions,
composite them and publish the agenda; anyone else is refused and audited."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.unionhall.conference.conftest import NOW, submit
from tests.unionhall.conftest import sign_in
from unionhall.audit.models import Action, AuditEntry
from unionhall.conference.models import Conference, Motion, SocMember
from unionhall.conference.services import agenda_publish, soc_accept, soc_appoint, soc_composite
from unionhall.members.models import Member
from unionhall.refusals import Refused


def test_hq_appoints_a_member_to_the_committee_and_it_is_audited(conference, people):
    seat = soc_appoint(conference=conference, member=people.alice, actor=people.hq.user)
    assert list(conference.soc_members.all()) == [seat] and seat.appointed_by == people.hq.user
    assert AuditEntry.objects.filter(subject_type="conference.conference", detail__event="SOC member appointed", detail__member="A1").exists()


def test_only_hq_appoints_and_only_active_members_once(conference, people):
    with pytest.raises(Refused) as refused:
        soc_appoint(conference=conference, member=people.alice, actor=people.carol.user)
    assert refused.value.status == 403
    Member.objects.filter(pk=people.erin.pk).update(status=Member.Status.LAPSED)
    people.erin.refresh_from_db()
    with pytest.raises(Refused, match="active members"):
        soc_appoint(conference=conference, member=people.erin, actor=people.hq.user)
    soc_appoint(conference=conference, member=people.alice, actor=people.hq.user)
    with pytest.raises(Refused, match="already on"):
        soc_appoint(conference=conference, member=people.alice, actor=people.hq.user)
    assert SocMember.objects.count() == 1


def test_an_hq_administrator_not_on_the_committee_cannot_rule(conference, people, union, soc):
    motion = submit(conference, people.carol, union.north)
    for action in (lambda: soc_accept(item=motion, actor=people.hq.user), lambda: agenda_publish(conference=conference, actor=people.hq.user)):
        with pytest.raises(Refused) as refused:
            action()
        assert refused.value.status == 403
    motion.refresh_from_db()
    conference.refresh_from_db()
    assert motion.status == Motion.Status.SUBMITTED and conference.agenda_published_at is None


def test_a_committee_member_of_one_conference_cannot_rule_on_another(conference, people, union, soc):
    other = Conference.objects.create(
        slug="special-2027", title="Special conference", held_on=conference.held_on + dt.timedelta(days=30),
        motions_deadline=NOW + dt.timedelta(days=10), amendments_deadline=NOW + dt.timedelta(days=20), weights_on=conference.weights_on,
    )  # fmt: skip
    one, two = submit(other, people.carol, union.north), submit(other, people.dave, union.south)
    with pytest.raises(Refused) as refused:
        soc_composite(conference=other, sources=[one, two], title="Composite", text="Merged.", actor=soc.user)
    assert refused.value.status == 403 and Motion.objects.filter(conference=other).count() == 2


def test_the_committee_member_rules_through_the_page_and_a_non_member_is_refused_and_audited(client, conference, people, union, soc):
    motion = submit(conference, people.carol, union.north)
    url = reverse("conference_ruling", args=[conference.slug, motion.number])
    sign_in(client, people.hq)  # HQ, but not on the committee
    assert client.post(url, {"action": "accept"}).status_code == 403
    sign_in(client, people.alice, mfa=False)
    assert client.post(url, {"action": "accept"}).status_code == 403
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=people.alice.user).exists()
    motion.refresh_from_db()
    assert motion.status == Motion.Status.SUBMITTED
    sign_in(client, soc, mfa=False)
    page = client.get(reverse("conference_motion", args=[conference.slug, motion.number])).content.decode()
    assert "Accept for the agenda" in page
    client.post(url, {"action": "accept"})
    motion.refresh_from_db()
    assert motion.status == Motion.Status.ACCEPTED


def test_the_conference_page_names_the_committee_and_offers_hq_the_appointment(client, conference, people, soc):
    sign_in(client, people.erin, mfa=False)
    page = client.get(reverse("conference_detail", args=[conference.slug])).content.decode()
    assert "Gina Gale" in page and reverse("conference_soc_appoint", args=[conference.slug]) not in page
    sign_in(client, people.hq)
    assert reverse("conference_soc_appoint", args=[conference.slug]) in client.get(reverse("conference_detail", args=[conference.slug])).content.decode()
    client.post(reverse("conference_soc_appoint", args=[conference.slug]), {"membership_number": " e1 "})
    assert set(conference.soc_members.values_list("member__membership_number", flat=True)) == {"G1", "E1"}
