"""The demo bulletins have every kind of thing the pages show."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.conftest import sign_in
from unionhall.bulletins.demo import build_demo_bulletins
from unionhall.bulletins.models import AddressFlag, Audience, Bulletin, Comment, Delivery, QAEvent, Question, Report, RevealRequest, Series
from unionhall.members.demo.builder import build_demo_union
from unionhall.members.models import Member


@pytest.mark.parametrize("seed", [1, 3])
def test_the_demo_has_two_series_a_scheduled_and_a_reps_only_bulletin_and_a_discussion(db, seed):
    build_demo_union(members=200, seed=seed)
    bulletins = build_demo_bulletins(seed)
    assert Series.objects.count() == 2 and {b.code for b in bulletins if b.series.slug == "gs-blog"} == {"1", "2"}
    assert any(b.audience == Audience.ACTIVISTS for b in bulletins)
    assert any(b.code.startswith("JTU2-") for b in bulletins)
    assert Comment.objects.filter(as_pseudonym=True).count() >= 3 and Comment.objects.filter(parent__isnull=False).exists()
    assert Report.objects.count() == 1


def test_the_demo_has_a_scheduled_a_delivered_bulletin_a_live_event_and_a_pending_reveal(db):
    build_demo_union(members=300, seed=2)
    bulletins = build_demo_bulletins(2)
    scheduled = list(Bulletin.objects.filter(released_at__isnull=True))
    assert len(scheduled) == 1 and scheduled[0].publish_at > timezone.now() and scheduled[0].by_email
    reps = next(b for b in bulletins if b.audience == Audience.ACTIVISTS)
    assert Delivery.objects.filter(bulletin=reps, status="sent").exists() and Delivery.objects.filter(bulletin=reps, status="bounced").count() == 1
    assert AddressFlag.objects.count() == 1
    assert not Delivery.objects.exclude(bulletin=reps).filter(channel="email").exists()  # the older ones were web and post only
    event = QAEvent.objects.get()
    assert event.starts_at < timezone.now() < event.ends_at
    assert Question.objects.filter(event=event).count() == 4 and Question.objects.filter(state="answered").count() == 1
    assert Question.objects.filter(votes__gt=0).count() == 4
    reveal = RevealRequest.objects.get()
    assert reveal.status == "pending" and reveal.comment.author_label == "Fed Up Again"


def test_the_demo_pages_render_for_hq_and_for_a_member(client, db):
    build_demo_union(members=200, seed=1)
    bulletins = build_demo_bulletins(1)
    hq = Member.objects.get(email__startswith="admin@")
    member = Member.objects.get(email__startswith="member@")
    sign_in(client, member, mfa=False)
    first = bulletins[0]
    page = client.get(reverse("bulletin_detail", args=[first.series.slug, first.number])).content.decode()
    assert "Quiet Otter" in page
    assert client.get(reverse("bulletin_list")).status_code == 200
    client.logout()
    sign_in(client, hq)
    for name in ("bulletin_manage", "moderation_queue", "bulletin_list", "bulletin_settings", "reveal_list", "event_list", "moderators", "bulletin_address_flags"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("bulletin_delivery", args=[bulletins[2].pk])).status_code == 200
    assert client.get(reverse("event_detail", args=[QAEvent.objects.get().pk])).status_code == 200
    assert "points at a named colleague" in client.get(reverse("moderation_queue")).content.decode()
