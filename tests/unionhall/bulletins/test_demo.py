"""The demo bulletins have every kind of thing the pages show."""

import pytest
from django.urls import reverse

from tests.unionhall.conftest import sign_in
from unionhall.bulletins.demo import build_demo_bulletins
from unionhall.bulletins.models import Audience, Comment, Report, Series
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
    for name in ("bulletin_manage", "moderation_queue", "bulletin_list", "bulletin_settings"):
        assert client.get(reverse(name)).status_code == 200, name
    assert "points at a named colleague" in client.get(reverse("moderation_queue")).content.decode()
