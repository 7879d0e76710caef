"""Q&A events: asking under a pseudonym, one vote each, moderators' marks,
the polling endpoint, and hostile text shown as text."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.bulletins.conftest import publish
from tests.unionhall.conftest import sign_in
from unionhall.bulletins.events import EventDraft, do_ask, do_create_event, do_moderate_question, do_vote, event_questions
from unionhall.bulletins.models import Audience, Question, QuestionVote
from unionhall.bulletins.pseudonyms import do_set_pseudonym
from unionhall.refusals import Refused

XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


@pytest.fixture
def event(people, db):
    now = timezone.now()
    return do_create_event(user=people.hq.user, draft=EventDraft(title="Pay Q&A", speaker="The General Secretary", starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1), moderators=(people.bob.user,)))


def test_only_hq_sets_up_an_event(people):
    now = timezone.now()
    with pytest.raises(Refused) as refused:
        do_create_event(user=people.carol.user, draft=EventDraft(title="x", speaker="y", starts_at=now, ends_at=now + dt.timedelta(hours=1)))
    assert refused.value.status == 403


def test_a_member_asks_under_a_pseudonym_and_others_vote_once_each(event, people):
    do_set_pseudonym(member=people.alice, pseudonym="Quiet Otter")
    question = do_ask(member=people.alice, event=event, body="When is the pay offer?", as_pseudonym=True)
    assert question.author_label == "Quiet Otter"
    do_vote(member=people.erin, question=question)
    do_vote(member=people.frank, question=question)
    with pytest.raises(Refused, match="already voted"):
        do_vote(member=people.erin, question=question)
    question.refresh_from_db()
    assert question.votes == 2 == QuestionVote.objects.count()
    (shown,) = event_questions(event, people.erin)
    assert shown["author"] == "Quiet Otter" and shown["voted"] and "Alice" not in str(shown)


def test_questions_are_refused_after_the_event_and_without_a_pseudonym(event, people):
    with pytest.raises(Refused, match="pseudonym"):
        do_ask(member=people.alice, event=event, body="Q", as_pseudonym=True)
    with pytest.raises(Refused, match="has ended"):
        do_ask(member=people.alice, event=event, body="Q", as_pseudonym=False, now=event.ends_at)
    assert not Question.objects.exists()


def test_an_event_of_a_reps_only_bulletin_is_a_404_for_other_members(client, blog, people):
    reps = publish(blog, people.hq, audience=Audience.ACTIVISTS)
    now = timezone.now()
    event = do_create_event(user=people.hq.user, draft=EventDraft(title="Reps", speaker="S", bulletin=reps, starts_at=now, ends_at=now + dt.timedelta(hours=1)))
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("event_detail", args=[event.pk])).status_code == 404
    assert client.get(reverse("event_poll", args=[event.pk])).status_code == 404
    with pytest.raises(Refused):
        do_ask(member=people.alice, event=event, body="Q", as_pseudonym=False)


def test_moderators_mark_answered_pin_hide_and_merge_and_others_cannot(event, people):
    first = do_ask(member=people.alice, event=event, body="Pay?", as_pseudonym=False)
    duplicate = do_ask(member=people.erin, event=event, body="Pay offer?", as_pseudonym=False)
    do_vote(member=people.frank, question=duplicate)
    do_vote(member=people.frank, question=first)
    do_vote(member=people.gina, question=duplicate)
    with pytest.raises(Refused) as refused:
        do_moderate_question(user=people.carol.user, question=first, action="hide")
    assert refused.value.status == 403
    do_moderate_question(user=people.bob.user, question=duplicate, action="merge", into=first)
    first.refresh_from_db()
    assert first.votes == 2  # Frank counted once, Gina moved over
    do_moderate_question(user=people.bob.user, question=first, action="pin")
    do_moderate_question(user=people.hq.user, question=first, action="answered")
    (shown,) = event_questions(event, people.alice)
    assert shown["pinned"] and shown["answered"] and shown["votes"] == 2
    do_moderate_question(user=people.bob.user, question=first, action="hide")
    assert event_questions(event, people.alice) == []


def test_the_page_and_the_poll_show_hostile_text_as_text(client, event, people):
    question = do_ask(member=people.alice, event=event, body=XSS, as_pseudonym=False)
    sign_in(client, people.erin, mfa=False)
    page = client.get(reverse("event_detail", args=[event.pk])).content.decode()
    assert "<script>alert(2)" not in page and "&lt;script&gt;alert(2)" in page
    assert 'src="/static/bulletins/qa.js"' in page and "<script>" not in page.replace('<script src="/static/bulletins/qa.js" defer></script>', "")
    data = client.get(reverse("event_poll", args=[event.pk])).json()
    assert data["questions"][0]["body"] == XSS and data["questions"][0]["votes"] == 0
    response = client.post(reverse("question_vote", args=[question.pk]), headers={"X-Requested-With": "fetch"})
    assert response.json() == {"votes": 1}
    again = client.post(reverse("question_vote", args=[question.pk]), headers={"X-Requested-With": "fetch"})
    assert again.status_code == 409 and "already voted" in again.json()["error"]


def test_asking_through_the_page_without_javascript(client, event, people):
    sign_in(client, people.erin, mfa=False)
    response = client.post(reverse("question_ask", args=[event.pk]), {"body": "Will there be back pay?", "post_as": "name"})
    question = Question.objects.get()
    assert response["Location"].endswith(f"#q-{question.pk}") and question.author_label == "Erin Evans"
    client.post(reverse("question_vote", args=[question.pk]))
    assert Question.objects.get().votes == 1
    assert "Reload to see new questions" in client.get(reverse("event_detail", args=[event.pk])).content.decode()


def test_after_the_event_the_page_counts_questions_asked_and_answered(client, event, people):
    answered = do_ask(member=people.alice, event=event, body="One", as_pseudonym=False)
    do_ask(member=people.erin, event=event, body="Two", as_pseudonym=False)
    do_moderate_question(user=people.bob.user, question=answered, action="answered")
    type(event).objects.filter(pk=event.pk).update(ends_at=timezone.now() - dt.timedelta(seconds=1), starts_at=timezone.now() - dt.timedelta(hours=1))
    sign_in(client, people.frank, mfa=False)
    page = client.get(reverse("event_detail", args=[event.pk])).content.decode()
    assert "2 questions asked, 1 answered" in page and "Ask a question" not in page
