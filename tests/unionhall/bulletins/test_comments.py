"""The discussion under a bulletin: pseudonyms that protect identity, replies,
limits, and Markdown that cannot carry active HTML."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.unionhall.bulletins.conftest import NOW, publish
from tests.unionhall.conftest import sign_in
from unionhall.bulletins.comments import CommentDraft, do_post_comment
from unionhall.bulletins.markup import render_bulletin, render_comment
from unionhall.bulletins.models import Audience, Comment, Reader
from unionhall.bulletins.moderation import do_moderate
from unionhall.bulletins.pseudonyms import do_set_pseudonym
from unionhall.refusals import Refused


def post(member, bulletin, body="I agree.", *, as_pseudonym=True, parent=None, now=None):
    return do_post_comment(member=member, bulletin=bulletin, draft=CommentDraft(body=body, as_pseudonym=as_pseudonym, parent=parent), now=now)


def test_a_pseudonymous_authors_name_email_and_number_never_reach_the_page_even_for_an_officer(client, bulletin, people):
    do_set_pseudonym(member=people.alice, pseudonym="Quiet Otter")
    post(people.alice, bulletin, "Caseloads are too high.")
    for viewer in (people.erin, people.carol, people.bob, people.hq):  # a member, her branch secretary, her rep, HQ
        client.logout()
        sign_in(client, viewer, mfa=viewer is people.hq)
        page = client.get(reverse("bulletin_detail", args=[bulletin.series.slug, bulletin.number])).content.decode()
        assert "Quiet Otter" in page and "Caseloads are too high." in page
        for secret in ("Alice", "Archer", "a1@example.org", "A1"):
            assert not re.search(rf"\b{re.escape(secret)}\b", page), (viewer, secret)


def test_a_member_may_post_under_their_name(bulletin, people):
    comment = post(people.erin, bulletin, as_pseudonym=False)
    assert comment.author_label == "Erin Evans" and not comment.as_pseudonym


def test_posting_under_a_pseudonym_needs_one_first_and_a_failed_call_wrote_nothing(bulletin, people):
    with pytest.raises(Refused, match="Choose a pseudonym"):
        post(people.alice, bulletin)
    assert not Comment.objects.exists()


def test_a_pseudonym_is_unique_and_changes_at_most_once_in_30_days(db, people):
    do_set_pseudonym(member=people.alice, pseudonym="Quiet Otter", now=NOW)
    with pytest.raises(Refused, match="another member.s pseudonym"):
        do_set_pseudonym(member=people.erin, pseudonym="quiet otter", now=NOW)
    with pytest.raises(Refused, match="once every 30 days"):
        do_set_pseudonym(member=people.alice, pseudonym="Loud Otter", now=NOW + dt.timedelta(days=29))
    do_set_pseudonym(member=people.alice, pseudonym="Loud Otter", now=NOW + dt.timedelta(days=30))
    assert Reader.objects.get(member=people.alice).pseudonym == "Loud Otter"


def test_old_comments_keep_the_pseudonym_they_were_posted_under(bulletin, people):
    do_set_pseudonym(member=people.alice, pseudonym="Quiet Otter", now=NOW - dt.timedelta(days=40))
    comment = post(people.alice, bulletin)
    do_set_pseudonym(member=people.alice, pseudonym="Loud Otter")
    comment.refresh_from_db()
    assert comment.author_label == "Quiet Otter"


def test_a_reply_nests_under_the_comment_and_a_reply_to_a_reply_joins_its_thread(bulletin, people):
    top = post(people.erin, bulletin, as_pseudonym=False)
    reply = post(people.frank, bulletin, as_pseudonym=False, parent=top)
    again = post(people.alice, bulletin, as_pseudonym=False, parent=reply)
    assert reply.parent == top and again.parent == top


def test_a_comment_over_10000_characters_is_refused_with_a_clear_message(bulletin, people):
    with pytest.raises(Refused, match="at most 10,000 characters; yours has 10,001"):
        post(people.erin, bulletin, "x" * 10_001, as_pseudonym=False)
    assert not Comment.objects.exists()
    post(people.erin, bulletin, "x" * 10_000, as_pseudonym=False)


def test_a_reply_to_a_removed_comment_is_refused(bulletin, people):
    top = post(people.erin, bulletin, as_pseudonym=False)
    do_moderate(user=people.hq.user, comment=top, outcome="remove", reason="Abuse")
    with pytest.raises(Refused, match="removed by a moderator"):
        post(people.frank, bulletin, as_pseudonym=False, parent=top)
    assert Comment.objects.count() == 1


def test_a_comment_on_a_bulletin_outside_the_members_audience_is_a_404(client, blog, people):
    reps_only = publish(blog, people.hq, audience=Audience.ACTIVISTS)
    with pytest.raises(Refused) as refused:
        post(people.alice, reps_only, as_pseudonym=False)
    assert refused.value.status == 404
    sign_in(client, people.alice, mfa=False)
    response = client.post(reverse("comment_post", args=[blog.slug, reps_only.number]), {"body": "hi", "post_as": "name"})
    assert response.status_code == 404 and not Comment.objects.exists()


def test_at_most_five_comments_a_minute(bulletin, people):
    for second in range(5):
        post(people.erin, bulletin, f"point {second}", as_pseudonym=False, now=NOW + dt.timedelta(seconds=second))
    with pytest.raises(Refused, match="5 comments in the last minute"):
        post(people.erin, bulletin, "one more", as_pseudonym=False, now=NOW + dt.timedelta(seconds=30))
    assert Comment.objects.count() == 5
    post(people.erin, bulletin, "later", as_pseudonym=False, now=NOW + dt.timedelta(seconds=61))
    post(people.frank, bulletin, "someone else", as_pseudonym=False, now=NOW + dt.timedelta(seconds=30))


def test_the_rate_limit_is_shown_on_the_page(client, bulletin, people):
    sign_in(client, people.erin, mfa=False)
    url = reverse("comment_post", args=[bulletin.series.slug, bulletin.number])
    for n in range(6):
        response = client.post(url, {"body": f"point {n}", "post_as": "name"}, follow=True)
    assert "Wait a minute before posting again" in response.content.decode() and Comment.objects.count() == 5


def test_a_member_posts_and_replies_through_the_page(client, bulletin, people):
    sign_in(client, people.erin, mfa=False)
    url = reverse("comment_post", args=[bulletin.series.slug, bulletin.number])
    client.post(url, {"body": "First *point*", "post_as": "name"})
    top = Comment.objects.get()
    page = client.post(url, {"body": "A reply", "post_as": "name", "parent": top.pk}, follow=True).content.decode()
    assert "<em>point</em>" in page and Comment.objects.get(parent=top).body == "A reply"


XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '<svg onload="alert(1)"><circle/></svg>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<b onmouseover=alert(1)>unclosed <i",
    "<scr<script>ipt>alert(1)</script>",
    "[x](vbscript:msgbox(1))",
    "<div style=\"background:url(javascript:alert(1))\">",
    "<<a href=https://ok.example>>x",
]
ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h2", "h3", "h4", "hr"}


class ActiveHtml(HTMLParser):
    """Collects what a browser would act on: tags, event handlers, link targets.
    Escaped text (&lt;script&gt;) is data, not markup, and is not collected."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "src", "srcdoc", "formaction"}:
                self.problems.append(f"attribute {name}")
            if name == "href" and not re.match(r"^(https?:|mailto:)", (value or "").strip(), re.I):
                self.problems.append(f"href {value}")


def active_parts(html: str) -> list[str]:
    parser = ActiveHtml()
    parser.feed(html)
    parser.close()
    return parser.problems


@pytest.mark.parametrize("payload", XSS)
def test_no_xss_payload_survives_as_active_html(payload):
    for rendered in (render_comment(payload), render_bulletin(payload)):
        assert active_parts(rendered) == [], rendered


def test_links_are_kept_and_marked_nofollow_ugc_noopener():
    html = render_comment("[the claim](https://example.org/claim)")
    assert '<a href="https://example.org/claim" rel="nofollow ugc noopener">the claim</a>' in html


def test_a_comment_cannot_carry_headings_or_images():
    html = render_comment("# Shouting\n\n![pic](https://example.org/p.png)")
    assert "<h" not in html and "<img" not in html


def test_xss_in_a_comment_is_inert_on_the_page(client, bulletin, people):
    post(people.erin, bulletin, "<script>alert('owned')</script> [x](javascript:alert(1))", as_pseudonym=False)
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("bulletin_detail", args=[bulletin.series.slug, bulletin.number])).content.decode()
    discussion = page.split('id="discussion-heading"', 1)[1]
    assert "<script>alert" not in page and 'href="javascript' not in discussion and "&lt;script&gt;" in discussion


def test_the_xss_detector_itself_catches_live_markup():
    assert active_parts('<img src=x onerror="alert(1)"><a href="javascript:x">y</a>') == ["tag <img>", "attribute src", "attribute onerror", "href javascript:x"]
