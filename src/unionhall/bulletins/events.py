"""Q&A events: members ask questions before and during the event and vote
them up; the event's moderators mark them answered, pin, hide or merge
duplicates. Questions are plain text (escaped wherever shown) and follow
the comments' rules for pseudonyms, suspensions and flooding."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins.models import QUESTION_MAX_CHARS, Bulletin, QAEvent, Question, QuestionVote, Reader
from unionhall.bulletins.queries import bulletins_for, reader_for
from unionhall.bulletins.reading import check_reads
from unionhall.bulletins.roles import may_write
from unionhall.members.models import Member
from unionhall.members.remit import remit_for
from unionhall.refusals import Refused

QUESTIONS_PER_MINUTE = 3
MODERATION_ACTIONS = ("answered", "reopen", "pin", "unpin", "hide", "merge")


def events_for(member: Member):
    """Events the member may attend: standalone ones, and those of bulletins they may read."""
    return QAEvent.objects.filter(Q(bulletin__isnull=True) | Q(bulletin__in=bulletins_for(member).values("pk"))).select_related("bulletin__series")


def may_run(user, event: QAEvent) -> bool:
    return remit_for(user).everyone or event.moderators.filter(pk=user.pk).exists()


def check_attends(*, member: Member, event: QAEvent) -> None:
    if event.bulletin_id:
        check_reads(member=member, bulletin=event.bulletin)


@dataclass(frozen=True)
class EventDraft:
    title: str
    speaker: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    bulletin: Bulletin | None = None
    moderators: tuple = ()


@transaction.atomic
def do_create_event(*, user, draft: EventDraft) -> QAEvent:
    if not may_write(user):
        raise Refused("Only HQ can set up Q&A events for now.", status=403)
    if not (draft.title.strip() and draft.speaker.strip()):
        raise Refused("An event needs a title and a speaker.")
    if draft.ends_at <= draft.starts_at:
        raise Refused("The event must end after it starts.")
    event = QAEvent.objects.create(
        title=draft.title.strip(), speaker=draft.speaker.strip(), bulletin=draft.bulletin,
        starts_at=draft.starts_at, ends_at=draft.ends_at, created_by=user,
    )  # fmt: skip
    event.moderators.set(draft.moderators)
    audit_record(actor=user, action=Action.CHANGE, subject=event, detail={"event": "Q&A event created"})
    return event


# --- Asking and voting ---------------------------------------------------------------------------


def check_ask(*, member: Member, reader: Reader, event: QAEvent, body: str, as_pseudonym: bool, now: dt.datetime) -> None:
    """Call holding the reader's row lock (see check_post_comment)."""
    check_attends(member=member, event=event)
    if now >= event.ends_at:
        raise Refused("This event has ended; it no longer takes questions.", status=409)
    if reader.suspended_until and now < reader.suspended_until:
        raise Refused("A moderator has suspended your commenting, which includes asking questions.", status=403)
    if not body.strip():
        raise Refused("Write your question first.")
    if len(body.strip()) > QUESTION_MAX_CHARS:
        raise Refused(f"A question can be at most {QUESTION_MAX_CHARS} characters; yours has {len(body.strip()):,}.")
    if as_pseudonym and not reader.pseudonym:
        raise Refused("Choose a pseudonym first, or ask under your name.")
    if Question.objects.filter(author=member, asked_at__gt=now - dt.timedelta(minutes=1)).count() >= QUESTIONS_PER_MINUTE:
        raise Refused(f"You have asked {QUESTIONS_PER_MINUTE} questions in the last minute. Wait a minute.", status=429)


@transaction.atomic
def do_ask(*, member: Member, event: QAEvent, body: str, as_pseudonym: bool, now: dt.datetime | None = None) -> Question:
    now = now or timezone.now()
    reader = Reader.objects.select_for_update().get(pk=reader_for(member).pk)
    check_ask(member=member, reader=reader, event=event, body=body, as_pseudonym=as_pseudonym, now=now)
    question = Question.objects.create(
        event=event, author=member, as_pseudonym=as_pseudonym, body=body.strip(), asked_at=now,
        author_label=reader.pseudonym if as_pseudonym else member.full_name,
    )  # fmt: skip
    audit_record(actor=member.user, action=Action.CHANGE, subject=question, detail={"event": "question asked", "qa_event": event.pk})
    return question


@transaction.atomic
def do_vote(*, member: Member, question: Question, now: dt.datetime | None = None) -> Question:
    """One vote per member per question; the count moves with the vote row."""
    question = Question.objects.select_for_update(of=("self",)).select_related("event__bulletin").get(pk=question.pk)
    check_attends(member=member, event=question.event)
    if question.state != Question.State.OPEN:
        raise Refused("Only open questions can be voted up.", status=409)
    if QuestionVote.objects.filter(question=question, member=member).exists():
        raise Refused("You have already voted for this question.", status=409)
    QuestionVote.objects.create(question=question, member=member, voted_at=now or timezone.now())
    Question.objects.filter(pk=question.pk).update(votes=F("votes") + 1)
    question.refresh_from_db(fields=["votes"])
    return question


# --- Running the event ---------------------------------------------------------------------------


@transaction.atomic
def do_moderate_question(*, user, question: Question, action: str, into: Question | None = None) -> Question:
    """Mark answered (or reopen), pin (or unpin), hide, or merge into ``into``,
    whose votes then count the merged question's voters once each."""
    question = Question.objects.select_for_update().select_related("event").get(pk=question.pk)
    if not may_run(user, question.event):
        raise Refused("Only this event's moderators can do that.", status=403)
    if action not in MODERATION_ACTIONS:
        raise Refused("Unknown action.")
    if action == "merge":
        _merge(question, into)
    elif action == "pin" or action == "unpin":
        question.pinned = action == "pin"
    else:
        question.state = {"answered": Question.State.ANSWERED, "reopen": Question.State.OPEN, "hide": Question.State.HIDDEN}[action]
    question.save(update_fields=["state", "pinned", "merged_into"])
    audit_record(actor=user, action=Action.CHANGE, subject=question, detail={"event": f"question {action}", "into": into.pk if into else None})
    return question


def _merge(question: Question, into: Question | None) -> None:
    if into is None or into.event_id != question.event_id or into.pk == question.pk or into.state == Question.State.MERGED:
        raise Refused("Merge into another open question of the same event.")
    voters = QuestionVote.objects.filter(question=question).exclude(member__in=QuestionVote.objects.filter(question=into).values("member"))
    moved = [QuestionVote(question=into, member_id=member_id, voted_at=at) for member_id, at in voters.values_list("member_id", "voted_at")]
    QuestionVote.objects.bulk_create(moved)
    Question.objects.filter(pk=into.pk).update(votes=F("votes") + len(moved))
    question.state, question.merged_into = Question.State.MERGED, into


# --- What the page shows -------------------------------------------------------------------------


def event_questions(event: QAEvent, member: Member) -> list[dict]:
    """The questions everyone sees (open and answered), pinned first, then by
    votes: one query for them and one for the member's own votes."""
    questions = list(event.questions.filter(state__in=[Question.State.OPEN, Question.State.ANSWERED]))
    voted = set(QuestionVote.objects.filter(member=member, question__event=event).values_list("question_id", flat=True))
    return [
        {
            "id": q.pk, "author": q.author_label, "pseudonym": q.as_pseudonym, "body": q.body, "votes": q.votes,
            "answered": q.state == Question.State.ANSWERED, "pinned": q.pinned, "voted": q.pk in voted,
            "vote_url": reverse("question_vote", args=[q.pk]), "moderate_url": reverse("question_moderate", args=[q.pk]),
        }  # fmt: skip
        for q in questions
    ]
