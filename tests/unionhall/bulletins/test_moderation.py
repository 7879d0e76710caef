"""Reports, hiding at three reporters, and moderators' decisions."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.bulletins.conftest import publish
from tests.unionhall.conftest import give_office, make_member, sign_in
from unionhall.audit.models import Action, AuditEntry
from unionhall.bulletins.comments import CommentDraft, do_post_comment
from unionhall.bulletins.events import EventDraft, do_ask, do_create_event
from unionhall.bulletins.models import Audience, Comment, ModerationDecision, Report
from unionhall.bulletins.moderation import do_moderate, do_report_comment
from unionhall.bulletins.pseudonyms import do_set_pseudonym
from unionhall.bulletins.reveal import do_decide_reveal, do_request_reveal
from unionhall.members.models import Role
from unionhall.refusals import Refused


@pytest.fixture
def comment(bulletin, people) -> Comment:
    do_set_pseudonym(member=people.alice, pseudonym="Quiet Otter")
    return do_post_comment(member=people.alice, bulletin=bulletin, draft=CommentDraft(body="Everyone knows who it is.", as_pseudonym=True))


def test_a_comment_is_hidden_pending_review_at_three_distinct_reporters(comment, people):
    do_report_comment(member=people.erin, comment=comment, reason="Names a colleague")
    do_report_comment(member=people.frank, comment=comment, reason="Personal")
    comment.refresh_from_db()
    assert comment.state == Comment.State.VISIBLE and comment.pending_review
    with pytest.raises(Refused, match="already reported"):
        do_report_comment(member=people.erin, comment=comment, reason="Again")
    comment.refresh_from_db()
    assert comment.state == Comment.State.VISIBLE and Report.objects.count() == 2
    do_report_comment(member=people.bob, comment=comment, reason="Unkind")
    comment.refresh_from_db()
    assert comment.state == Comment.State.HIDDEN


def test_a_hidden_comment_shows_a_stub_not_its_text(client, comment, people):
    for member in (people.erin, people.frank, people.bob):
        do_report_comment(member=member, comment=comment, reason="Names a colleague")
    sign_in(client, people.carol, mfa=False)
    page = client.get(reverse("bulletin_detail", args=[comment.bulletin.series.slug, comment.bulletin.number])).content.decode()
    assert "Everyone knows who it is." not in page and "Hidden while a moderator reviews" in page


def test_a_member_reports_through_the_page_with_a_reason(client, comment, people):
    sign_in(client, people.erin, mfa=False)
    client.post(reverse("comment_report", args=[comment.pk]), {"reason": "Names a colleague"})
    assert Report.objects.get().reason == "Names a colleague"
    client.post(reverse("comment_report", args=[comment.pk]), {"reason": ""})
    assert Report.objects.count() == 1


def test_reporting_a_comment_under_a_bulletin_outside_the_audience_is_a_404(client, blog, people):
    reps = publish(blog, people.hq, audience=Audience.ACTIVISTS)
    comment = do_post_comment(member=people.bob, bulletin=reps, draft=CommentDraft(body="For reps", as_pseudonym=False))
    sign_in(client, people.alice, mfa=False)
    assert client.post(reverse("comment_report", args=[comment.pk]), {"reason": "x"}).status_code == 404
    assert not Report.objects.exists()


def test_a_moderator_removes_with_a_reason_and_the_comment_shows_as_a_stub(client, comment, people):
    do_report_comment(member=people.erin, comment=comment, reason="Names a colleague")
    sign_in(client, people.hq)
    queue = client.get(reverse("moderation_queue")).content.decode()
    assert "Everyone knows who it is." in queue and "Names a colleague" in queue
    shown = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", queue)  # a random token can contain "A1"
    assert "Alice" not in shown and "A1" not in shown
    client.post(reverse("moderate_comment", args=[comment.pk]), {"outcome": "remove", "reason": "Identifies a colleague"})
    comment.refresh_from_db()
    decision = ModerationDecision.objects.get()
    assert comment.state == Comment.State.REMOVED and not comment.pending_review
    assert (decision.decided_by, decision.reason) == (people.hq.user, "Identifies a colleague")
    assert Report.objects.get().decision == decision
    assert AuditEntry.objects.filter(actor=people.hq.user, detail__event="comment moderated", detail__outcome="remove").exists()
    page = client.get(reverse("bulletin_detail", args=[comment.bulletin.series.slug, comment.bulletin.number])).content.decode()
    assert "Removed by a moderator: Identifies a colleague" in page and "Everyone knows who it is." not in page
    assert "Nothing to review" in client.get(reverse("moderation_queue")).content.decode()


def test_keeping_a_hidden_comment_shows_it_again(comment, people):
    for member in (people.erin, people.frank, people.bob):
        do_report_comment(member=member, comment=comment, reason="Rude")
    do_moderate(user=people.hq.user, comment=comment, outcome="keep", reason="Fair criticism")
    comment.refresh_from_db()
    assert comment.state == Comment.State.VISIBLE and not comment.pending_review


def test_a_decision_needs_a_reason_and_a_failed_call_wrote_nothing(comment, people):
    with pytest.raises(Refused, match="Give the reason"):
        do_moderate(user=people.hq.user, comment=comment, outcome="hide", reason=" ")
    assert not ModerationDecision.objects.exists()
    assert Comment.objects.get().state == Comment.State.VISIBLE


def test_the_outsider_is_refused_moderation_and_the_refusal_is_audited(client, comment, people):
    with pytest.raises(Refused) as refused:
        do_moderate(user=people.carol.user, comment=comment, outcome="remove", reason="I dislike it")
    assert refused.value.status == 403
    sign_in(client, people.carol)
    assert client.get(reverse("moderation_queue")).status_code == 403
    assert client.post(reverse("moderate_comment", args=[comment.pk]), {"outcome": "remove", "reason": "x"}).status_code == 403
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=people.carol.user).exists()
    assert Comment.objects.get().state == Comment.State.VISIBLE and not ModerationDecision.objects.exists()


def shown_text(page: str) -> str:
    """The page as read aloud or copied: tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", page).split())


def test_a_pseudonym_is_marked_as_one_wherever_it_is_shown_beside_a_comment(client, comment, people, union):
    """A pseudonym may look like a name ("Jane Smith"); every page that shows it
    beside a comment says it is a pseudonym, in words a screen reader reads too."""
    bulletin = comment.bulletin
    do_post_comment(member=people.bob, bulletin=bulletin, draft=CommentDraft(body="Signed, Bob.", as_pseudonym=False))
    do_report_comment(member=people.erin, comment=comment, reason="Names a colleague")
    second = make_member("H2", union.south)
    give_office(second, Role.HQ_ADMIN)
    reveal = do_request_reveal(user=people.hq.user, comment=comment, reason="Threatens a colleague by name")
    do_decide_reveal(user=second.user, request=reveal, approve=True)
    now = timezone.now()
    event = do_create_event(user=people.hq.user, draft=EventDraft(title="Pay Q&A", speaker="The GS", starts_at=now, ends_at=now + dt.timedelta(hours=1)))
    do_ask(member=people.alice, event=event, body="When is the pay offer?", as_pseudonym=True)
    do_ask(member=people.bob, event=event, body="And the back pay?", as_pseudonym=False)

    sign_in(client, people.hq)
    pages = {
        "discussion": reverse("bulletin_detail", args=[bulletin.series.slug, bulletin.number]),
        "moderation queue": reverse("moderation_queue"),
        "reveal requests": reverse("reveal_list"),
        "revealed identity": reverse("reveal_identity", args=[reveal.pk]),
        "Q&A event": reverse("event_detail", args=[event.pk]),
    }
    for page, url in pages.items():
        text = shown_text(client.get(url).content.decode())
        assert "Quiet Otter (pseudonym)" in text, page
        assert "Bob Baker (pseudonym)" not in text, page
