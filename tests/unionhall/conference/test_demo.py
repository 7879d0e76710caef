"""The demo conference has every kind of thing the pages show."""

import pytest

from unionhall.ballots.record import ballot_record
from unionhall.conference.demo import build_demo_conference
from unionhall.conference.models import Card, Meeting, Motion, Outcome, Resolution, Vote
from unionhall.members.demo.builder import build_demo_union
from votecrypt import api


@pytest.mark.parametrize("seed", [1, 3])
def test_the_demo_conference_has_a_composite_an_amendment_a_ruling_a_card_vote_and_a_flagged_meeting(db, seed):
    build_demo_union(members=200, seed=seed)
    conference = build_demo_conference(seed)
    motions = conference.motions.all()
    assert motions.filter(status=Motion.Status.COMPOSITED).count() == 2
    assert motions.get(proposer="soc").sources.count() == 2
    assert motions.get(status=Motion.Status.RULED_OUT).ruling_reason
    assert motions.get(number=1).amendments.get().outcome == Outcome.CARRIED
    card = Vote.objects.get(method=Vote.Method.CARD)
    assert card.outcome == Outcome.CARRIED and Card.objects.filter(vote=card).count() == 12
    superseded = Resolution.objects.get(status=Resolution.Status.SUPERSEDED)
    assert "As amended" in superseded.instructions and superseded.updates.count() == 2
    assert superseded.updates.last().decision.valid
    secret = Vote.objects.get(method=Vote.Method.SECRET)
    assert secret.outcome == Outcome.LOST and secret.abstentions == 1
    assert secret.votes_for + secret.votes_against + secret.abstentions == 12 == secret.ballot.roll.count()
    assert api.verify_record(ballot_record(secret.ballot)).ok
    flagged = [m for m in Meeting.objects.all() if not m.quorate]
    assert len(flagged) == 1 and not flagged[0].decisions.get().valid


def test_every_demo_conference_page_renders_for_hq_and_for_a_member(client, db):
    from django.urls import reverse

    from tests.unionhall.conftest import sign_in
    from unionhall.conference.models import Decision
    from unionhall.members.models import Member, Office, Role

    build_demo_union(members=200, seed=1)
    conference = build_demo_conference(1)
    urls = [reverse(name) for name in ("conference_list", "resolution_register", "meeting_list")]
    urls += [reverse(name, args=[conference.slug]) for name in ("conference_detail", "conference_agenda", "conference_delegates", "resolution_report")]
    urls += [reverse("conference_motion", args=[conference.slug, m.number]) for m in conference.motions.all()]
    urls += [reverse("resolution_detail", args=[r.pk]) for r in Resolution.objects.all()]
    urls += [reverse("meeting_detail", args=[m.pk]) for m in Meeting.objects.all()]
    urls += [reverse("decision_detail", args=[d.pk]) for d in Decision.objects.all()]
    urls += [reverse("conference_vote", args=[v.pk]) for v in Vote.objects.filter(method="card")]
    hq = Office.objects.get(role=Role.HQ_ADMIN).member
    plain = Member.objects.filter(offices__isnull=True, status="active").first()
    for member, mfa in ((hq, True), (plain, False)):
        sign_in(client, member, mfa=mfa)
        for url in urls:
            assert client.get(url).status_code == 200, url
