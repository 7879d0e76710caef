"""Members read the bulletins for their audience, search the archive, and
follow a private feed."""

import datetime as dt

from django.urls import reverse

from tests.unionhall.bulletins.conftest import NOW, publish
from tests.unionhall.conftest import sign_in
from unionhall.audit.models import Action, AuditEntry
from unionhall.bulletins.models import Audience
from unionhall.bulletins.queries import bulletins_for, reader_for
from unionhall.bulletins.reading import do_reset_feed, feed_token
from unionhall.members.models import Grade, User


def test_activists_bulletins_reach_office_holders_only(blog, people):
    bulletin = publish(blog, people.hq, audience=Audience.ACTIVISTS)
    assert bulletin in bulletins_for(people.bob) and bulletin in bulletins_for(people.gina)
    assert bulletin not in bulletins_for(people.alice) and bulletin not in bulletins_for(people.frank)


def test_a_chosen_audience_matches_every_dimension_it_names(blog, people, union):
    people.alice.grade, people.carol.grade = Grade.PO, Grade.SPO
    people.alice.save(), people.carol.save()
    north_pos = publish(blog, people.hq, audience=Audience.CHOSEN, branches=[union.north], grades=[Grade.PO])
    northway = publish(blog, people.hq, audience=Audience.CHOSEN, employers=[union.northway])
    assert north_pos in bulletins_for(people.alice)
    assert north_pos not in bulletins_for(people.carol)  # North, but not a PO
    assert north_pos not in bulletins_for(people.erin)  # South
    assert northway in bulletins_for(people.frank) and northway not in bulletins_for(people.alice)


def test_a_bulletin_outside_the_members_audience_is_a_404_that_leaks_nothing(client, blog, people):
    bulletin = publish(blog, people.hq, audience=Audience.ACTIVISTS, title="Reps' secret plan")
    sign_in(client, people.alice, mfa=False)
    response = client.get(reverse("bulletin_detail", args=[blog.slug, bulletin.number]))
    missing = client.get(reverse("bulletin_detail", args=[blog.slug, 99]))
    assert response.status_code == missing.status_code == 404
    assert "secret plan" not in response.content.decode()
    assert "secret plan" not in client.get(reverse("bulletin_list")).content.decode()


def test_a_scheduled_bulletin_is_a_404_before_its_time(client, blog, people):
    bulletin = publish(blog, people.hq, publish_at=NOW + dt.timedelta(days=1))
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("bulletin_detail", args=[blog.slug, bulletin.number])).status_code == 404


def test_the_page_shows_the_summary_before_the_body(client, blog, people):
    bulletin = publish(blog, people.hq, summary="PLAIN SUMMARY", body="FULL TEXT")
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("bulletin_detail", args=[blog.slug, bulletin.number])).content.decode()
    assert page.index("PLAIN SUMMARY") < page.index("FULL TEXT")


def test_the_archive_is_newest_first_and_searches_title_summary_and_body(client, blog, joint, people):
    old = publish(blog, people.hq, title="Old news", publish_at=NOW - dt.timedelta(days=30))
    new = publish(joint, people.hq, title="New news", body="about pensions", publish_at=NOW - dt.timedelta(days=1))
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("bulletin_list")).content.decode()
    assert reverse("bulletin_list") == "/bulletins/"
    assert page.index(new.title) < page.index(old.title)
    found = client.get(reverse("bulletin_list"), {"q": "PENSIONS"}).content.decode()
    assert new.title in found and old.title not in found


def test_an_account_without_membership_is_refused(client, bulletin):
    outsider = User.objects.create_user("visitor@example.org")
    client.force_login(outsider, backend="unionhall.members.backends.ModelBackend")
    assert client.get(reverse("bulletin_list")).status_code == 403
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=outsider).exists()


def test_the_private_feed_lists_the_members_bulletins_and_no_others(client, blog, people):
    mine = publish(blog, people.hq, title="For everyone")
    publish(blog, people.hq, title="For reps", audience=Audience.ACTIVISTS)
    response = client.get(reverse("bulletin_feed", args=[feed_token(reader_for(people.alice))]))
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    assert mine.title in body and "For reps" not in body and mine.body not in body


def test_resetting_the_feed_revokes_the_old_address(client, bulletin, people):
    old = feed_token(reader_for(people.alice))
    do_reset_feed(member=people.alice)
    assert client.get(reverse("bulletin_feed", args=[old])).status_code == 404
    assert client.get(reverse("bulletin_feed", args=[feed_token(reader_for(people.alice))])).status_code == 200


def test_a_forged_or_anothers_feed_token_is_refused(client, bulletin, people):
    alice = reader_for(people.alice)
    erin = reader_for(people.erin)
    token = feed_token(alice)
    forged = f"{erin.pk}:{token.partition(':')[2]}"
    assert client.get(reverse("bulletin_feed", args=[forged])).status_code == 404
    assert client.get(reverse("bulletin_feed", args=["nonsense"])).status_code == 404


def test_a_lapsed_members_feed_stops_working(client, bulletin, people):
    token = feed_token(reader_for(people.alice))
    people.alice.status = "lapsed"
    people.alice.save()
    assert client.get(reverse("bulletin_feed", args=[token])).status_code == 404


def test_the_settings_page_shows_the_feed_address_and_resets_it(client, people):
    sign_in(client, people.alice, mfa=False)
    before = client.get(reverse("bulletin_settings")).content.decode()
    client.post(reverse("bulletin_feed_reset"))
    after = client.get(reverse("bulletin_settings")).content.decode()
    assert "/bulletins/feed/" in before and before != after
