"""Writing, previewing, numbering and scheduling bulletins."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.unionhall.bulletins.conftest import NOW, draft, publish
from tests.unionhall.conftest import sign_in
from unionhall.audit.models import Action, AuditEntry
from unionhall.bulletins.models import Audience, Bulletin, Series
from unionhall.bulletins.queries import bulletins_for
from unionhall.bulletins.publishing import do_publish_bulletin, do_write_bulletin
from unionhall.refusals import Refused


def test_bulletins_are_numbered_in_their_series_with_its_code_pattern(blog, joint, people):
    first, second = publish(blog, people.hq), publish(blog, people.hq)
    jtu = publish(joint, people.hq, publish_at=NOW - dt.timedelta(minutes=5))
    assert (first.number, second.number, jtu.number) == (1, 2, 1)
    assert jtu.code == f"JTU1-{jtu.publish_at.year}" and second.code == "2"


def test_a_draft_has_no_number_and_no_member_sees_it(blog, people):
    bulletin = do_write_bulletin(user=people.hq.user, draft=draft(blog))
    assert bulletin.number is None and not bulletins_for(people.alice).exists()


def test_a_scheduled_bulletin_is_visible_only_once_its_time_has_passed(blog, people):
    bulletin = publish(blog, people.hq, publish_at=NOW + dt.timedelta(days=7))
    assert not bulletins_for(people.alice, now=NOW).exists()
    assert list(bulletins_for(people.alice, now=NOW + dt.timedelta(days=7, seconds=1))) == [bulletin]


def test_the_outsider_is_refused_writing_a_bulletin_and_a_failed_call_wrote_nothing(blog, people):
    with pytest.raises(Refused) as refused:
        do_write_bulletin(user=people.carol.user, draft=draft(blog))
    assert refused.value.status == 403 and not Bulletin.objects.exists()


def test_a_chosen_audience_needs_a_choice_and_a_failed_call_wrote_nothing(blog, people):
    with pytest.raises(Refused, match="at least one employer"):
        do_write_bulletin(user=people.hq.user, draft=draft(blog, audience=Audience.CHOSEN))
    assert not Bulletin.objects.exists() and not AuditEntry.objects.filter(subject_type="bulletins.bulletin").exists()


def test_publishing_twice_is_refused(blog, people):
    bulletin = publish(blog, people.hq)
    with pytest.raises(Refused, match="already published"):
        do_publish_bulletin(bulletin=bulletin, user=people.hq.user)


def test_hq_writes_previews_and_publishes_through_the_pages(client, blog, people, union):
    sign_in(client, people.hq)
    data = {
        "series": blog.pk, "title": "Reps' checklist", "summary": "A checklist for reps.", "body": "# Book a room\n\nThen *tell* members.",
        "audience": "chosen", "branches": [union.north.pk], "grades": ["PO", "PSO"], "publish_at": (NOW + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    }  # fmt: skip
    response = client.post(reverse("bulletin_write"), data)
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("bulletin_preview", args=[bulletin.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "Preview of a draft" in preview and "<h2>Book a room</h2>" in preview and "<em>tell</em>" in preview
    assert "North" in preview and "Probation officer" in preview
    client.post(reverse("bulletin_publish", args=[bulletin.pk]))
    bulletin.refresh_from_db()
    assert bulletin.number == 1 and bulletin.published_by == people.hq.user
    assert AuditEntry.objects.filter(subject_type="bulletins.bulletin", detail__event="bulletin published").exists()
    assert "scheduled" in client.get(reverse("bulletin_manage")).content.decode()


def test_a_branch_officer_is_refused_the_writing_pages_and_the_refusal_is_audited(client, blog, people):
    sign_in(client, people.carol)
    assert client.get(reverse("bulletin_write")).status_code == 403
    assert client.post(reverse("bulletin_write"), {"series": blog.pk, "title": "x"}).status_code == 403
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=people.carol.user).exists()
    assert not Bulletin.objects.exists()


def test_a_member_cannot_preview_a_draft(client, blog, people):
    bulletin = do_write_bulletin(user=people.hq.user, draft=draft(blog))
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("bulletin_preview", args=[bulletin.pk])).status_code == 403


def test_a_series_cannot_take_a_reserved_word_or_lack_a_number(db):
    with pytest.raises(ValidationError):
        Series(name="x", slug="drafts", code_pattern="{n}").full_clean()
    with pytest.raises(ValidationError):
        Series(name="y", slug="y", code_pattern="JTU-{year}").full_clean()
