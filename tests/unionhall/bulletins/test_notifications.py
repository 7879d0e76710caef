"""Replies to your comment and the weekly digest, each with its own one-click
opt-out, through the outbox; a pseudonym in an email is always marked as one."""

import datetime as dt

from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.bulletins.conftest import BASE_URL, publish
from tests.unionhall.conftest import sign_in
from unionhall.bulletins.comments import CommentDraft, do_post_comment
from unionhall.bulletins.delivery import do_ingest_bounces
from unionhall.bulletins.models import Bulletin, Reader
from unionhall.bulletins.notifications import send_digests, tell_member_of_reveal
from unionhall.bulletins.pseudonyms import do_set_pseudonym
from unionhall.members.models import Member
from unionhall.outbox.models import Message


def reply_to(bulletin, people, text="I agree."):
    first = do_post_comment(member=people.alice, bulletin=bulletin, draft=CommentDraft(body="Caseloads are too high.", as_pseudonym=False))
    do_set_pseudonym(member=people.erin, pseudonym="Night Shift")
    mail.outbox.clear()
    return do_post_comment(member=people.erin, bulletin=bulletin, draft=CommentDraft(body=text, as_pseudonym=True, parent=first))


def test_the_author_is_emailed_a_reply_with_a_one_click_opt_out(bulletin, people):
    reply = reply_to(bulletin, people)
    (message,) = mail.outbox
    assert message.to == [people.alice.email] and "I agree." in message.body
    assert "Erin" not in message.body and "Erin" not in message.subject
    assert Message.objects.get(key=f"reply:{reply.pk}").topic == "reply"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].split(">")[0].removeprefix("<" + BASE_URL)
    Client().post(url)
    assert not Reader.objects.get(member=people.alice).reply_emails
    assert Member.objects.get(pk=people.alice.pk).bulletins_by_email  # bulletins by email untouched
    mail.outbox.clear()
    do_post_comment(member=people.bob, bulletin=bulletin, draft=CommentDraft(body="Me too.", as_pseudonym=False, parent=reply.parent))
    assert not mail.outbox


def test_a_pseudonym_is_marked_as_one_wherever_an_email_shows_it(bulletin, people):
    reply_to(bulletin, people)
    (message,) = mail.outbox
    html = dict((mime, content) for content, mime in message.alternatives)["text/html"]
    assert message.subject == "Night Shift (a pseudonym) replied to your comment"
    assert "Night Shift (a pseudonym) replied" in message.body and "<strong>Night Shift (a pseudonym)</strong>" in html
    first = do_post_comment(member=people.erin, bulletin=bulletin, draft=CommentDraft(body="Mine.", as_pseudonym=False))
    mail.outbox.clear()
    do_post_comment(member=people.alice, bulletin=bulletin, draft=CommentDraft(body="Under my name.", as_pseudonym=False, parent=first))
    assert mail.outbox[0].subject == "Alice Archer replied to your comment"  # a real name carries no mark


def test_the_notice_of_a_reveal_marks_the_pseudonym(bulletin, people):
    from unionhall.bulletins.models import RevealRequest

    reply = reply_to(bulletin, people)
    reveal = RevealRequest.objects.create(comment=reply, reason="Threats", requested_by=people.hq.user, requested_at=timezone.now(),
                                          status="approved", decided_by=people.carol.user, decided_at=timezone.now())  # fmt: skip
    mail.outbox.clear()
    tell_member_of_reveal.call(reveal_id=reveal.pk)
    (message,) = mail.outbox
    assert "you posted as Night Shift (a pseudonym) under" in message.body and "List-Unsubscribe" not in message.extra_headers


def test_no_reply_email_for_replying_to_yourself_or_to_an_address_that_bounced(bulletin, people):
    first = do_post_comment(member=people.alice, bulletin=bulletin, draft=CommentDraft(body="One", as_pseudonym=False))
    mail.outbox.clear()
    do_post_comment(member=people.alice, bulletin=bulletin, draft=CommentDraft(body="Two", as_pseudonym=False, parent=first))
    do_ingest_bounces([people.alice.email], source="test")
    do_post_comment(member=people.bob, bulletin=bulletin, draft=CommentDraft(body="Three", as_pseudonym=False, parent=first))
    assert not mail.outbox


def test_the_member_sets_email_choices_on_their_settings_page(client, people):
    sign_in(client, people.alice, mfa=False)
    client.post(reverse("bulletin_email_preferences"), {"weekly_digest": "on"})
    reader = Reader.objects.get(member=people.alice)
    assert reader.weekly_digest and not reader.reply_emails


def test_digest_readers_get_one_weekly_email_instead_of_each_bulletin(blog, people):
    Reader.objects.create(member=people.alice, weekly_digest=True)
    first = publish(blog, people.hq, title="Pay update")
    second = publish(blog, people.hq, title="Caseload survey")
    assert people.alice.email not in {a for m in mail.outbox for a in m.to}
    mail.outbox.clear()
    assert send_digests() == 1
    (message,) = mail.outbox
    assert message.to == [people.alice.email] and "Pay update" in message.body and "Caseload survey" in message.body
    assert "List-Unsubscribe" in message.extra_headers and Message.objects.get(member=people.alice, topic="digest").status == "sent"
    mail.outbox.clear()
    assert send_digests() == 0  # nothing new since
    Bulletin.objects.filter(pk__in=[first.pk, second.pk]).update(released_at=timezone.now() - dt.timedelta(days=8))
    publish(blog, people.hq, title="Ballot opens")
    mail.outbox.clear()
    call_command("send_digests")
    (message,) = mail.outbox
    assert "Ballot opens" in message.body and "Pay update" not in message.body


def test_leaving_the_digest_stops_bulletins_by_email_rather_than_sending_each_one(blog, people):
    Reader.objects.create(member=people.alice, weekly_digest=True)
    publish(blog, people.hq, title="Pay update")
    mail.outbox.clear()
    send_digests()
    url = mail.outbox[0].extra_headers["List-Unsubscribe"].split(">")[0].removeprefix("<" + BASE_URL)
    assert "neither the weekly digest nor each one" in Client().post(url).content.decode()
    mail.outbox.clear()
    publish(blog, people.hq, title="Ballot opens")
    assert people.alice.email not in {a for m in mail.outbox for a in m.to} and mail.outbox  # others still get it
    assert not Member.objects.get(pk=people.alice.pk).bulletins_by_email and send_digests() == 0
