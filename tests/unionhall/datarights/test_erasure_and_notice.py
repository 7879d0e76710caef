"""Erasure and the privacy notice (issue 17)."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.unionhall.conftest import sign_in
from tests.unionhall.datarights.conftest import left
from unionhall.audit.models import AuditEntry
from unionhall.ballots.models import RollEntry
from unionhall.bulletins.models import Comment
from unionhall.datarights import erasure, notices
from unionhall.datarights.models import ErasureRequest, NoticeShown, PrivacyNotice
from unionhall.members.models import User
from unionhall.outbox.models import Message
from unionhall.refusals import Refused

NOTICE = "# How the union uses your data\n\nWe hold your register details to represent you. <script>alert(1)</script>"


def test_the_plan_says_what_goes_now_and_what_is_kept_and_for_how_long(history, people):
    plan = {p.model: p for p in erasure.erasure_plan(people.alice)}
    assert plan["outbox.Message"].action == "delete" and plan["outbox.Message"].count == 3
    assert plan["bulletins.Comment"].action == "anonymise"
    roll = plan["ballots.RollEntry"]
    assert roll.action == "keep" and roll.count == 2 and "years" in roll.kept_for and roll.why_kept


def test_erasure_deletes_and_anonymises_what_it_may_and_keeps_the_ballot_record(history, people):
    left(people.alice, dt.date(2026, 1, 1))
    user_id = people.alice.user_id
    request = erasure.erasure_request(member=people.alice, actor=people.alice.user)
    with pytest.raises(Refused, match="already asked"):
        erasure.erasure_request(member=people.alice, actor=people.alice.user)
    done = erasure.erasure_confirm(request=request, actor=people.hq.user)
    assert done.status == ErasureRequest.Status.DONE
    assert done.outcome["outbox.Message"] == {"action": "delete", "count": 3}
    assert done.outcome["ballots.RollEntry"] == {"action": "kept", "count": 2}
    assert not Message.objects.filter(member=people.alice).exists()
    assert RollEntry.objects.filter(member=people.alice).count() == 2
    assert {c.author_label for c in Comment.objects.filter(author=people.alice)} == {"A former member"}
    assert Comment.objects.filter(author=people.erin).get().body == "Erin's private words."
    user = User.objects.get(pk=user_id)
    assert not user.is_active and user.email.endswith("@invalid.invalid")
    entry = AuditEntry.objects.filter(detail__event="erased").get()
    assert "Alice" not in str(entry.detail)
    with pytest.raises(Refused):
        erasure.erasure_confirm(request=done, actor=people.hq.user)


def test_an_active_member_is_refused_and_nothing_is_written(people):
    before = AuditEntry.objects.count()
    with pytest.raises(Refused, match="While you are a member"):
        erasure.erasure_request(member=people.alice, actor=people.alice.user)
    assert not ErasureRequest.objects.exists() and AuditEntry.objects.count() == before


def test_publishing_makes_versions_and_the_html_is_cleaned(people):
    first = notices.notice_publish(body=NOTICE, actor=people.hq.user)
    with pytest.raises(Refused, match="already published"):
        notices.notice_publish(body=NOTICE, actor=people.hq.user)
    second = notices.notice_publish(body=NOTICE + "\n\nWe now keep delivery records for a year.", actor=people.hq.user)
    assert (first.version, second.version) == (1, 2)
    html = notices.notice_html(second)
    assert "<script>" not in html and "<h2>" in html
    with pytest.raises(Refused):
        notices.notice_publish(body="too short", actor=people.hq.user)
    assert PrivacyNotice.objects.count() == 2


def test_the_notice_is_shown_once_at_first_sign_in_and_the_member_sees_which_version(client, people, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "unionhall.datarights.middleware.PrivacyNoticeMiddleware"]
    notice = notices.notice_publish(body=NOTICE, actor=people.hq.user)
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("datarights_looks")).status_code == 200  # not a page view (no Accept: text/html): never redirected
    response = client.get(reverse("datarights_looks"), HTTP_ACCEPT="text/html")
    assert response.status_code == 302 and response["Location"].startswith(reverse("datarights_privacy"))
    page = client.get(response["Location"]).content.decode()
    assert "How the union uses your data" in page and "<script>alert" not in page
    client.post(reverse("datarights_privacy"), {"next": reverse("datarights_looks")})
    assert NoticeShown.objects.get(user=people.alice.user).notice == notice
    assert client.get(reverse("datarights_looks"), HTTP_ACCEPT="text/html").status_code == 200
    assert "Version 1, on" in client.get(reverse("datarights_privacy")).content.decode()


def test_the_notice_can_be_read_signed_out(client, people):
    notices.notice_publish(body=NOTICE, actor=people.hq.user)
    assert "How the union uses your data" in client.get(reverse("datarights_privacy")).content.decode()
