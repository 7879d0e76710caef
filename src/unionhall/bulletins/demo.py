"""Bulletins for the demo union: two series, a few numbered bulletins (one
scheduled for next week, one for reps only and delivered by email, with its
delivery report and a bounced address), a discussion with pseudonymous
comments, a reply and a reported comment whose author HQ has asked to
reveal (awaiting a second moderator), a named moderator, and a live Q&A
event with questions and votes. Everything is invented.

Built through the services, so it is audited like real use. Needs the demo
union (``build_demo_union``) first."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from unionhall.bulletins import delivery, events
from unionhall.bulletins.comments import CommentDraft, do_post_comment
from unionhall.bulletins.models import Audience, Bulletin, Series
from unionhall.bulletins.moderation import do_report_comment
from unionhall.bulletins.pseudonyms import do_set_pseudonym
from unionhall.bulletins.publishing import BulletinDraft, do_publish_bulletin, do_write_bulletin
from unionhall.bulletins.queries import reader_for
from unionhall.bulletins.reveal import do_request_reveal
from unionhall.bulletins.roles import do_assign_moderator
from unionhall.members.demo.builder import DEMO_DOMAIN
from unionhall.members.models import Member, Office, Role

GS_BLOG = ("General Secretary's blog", "gs-blog", "{n}", "Short notes from the General Secretary on what the union is doing.")
JOINT = ("Joint bulletin", "joint", "JTU{n}-{year}", "Bulletins agreed with the other unions at the national table.")

# (series slug, days before today, audience, by email, title, summary, body). The older
# ones are web-only, so building the demo does not email every demo member.
BULLETINS = [
    ("gs-blog", 40, Audience.ALL, False, "Why we are asking about caseloads",
     "We want to know how many cases each of you holds. The numbers will back our claim for a caseload cap.",
     "Every week members tell us their caseload is too high. The employer says the figures do not show it.\n\n"
     "So we will collect the figures ourselves. Next month you will get a short survey. It takes five minutes.\n\n"
     "## What happens to your answers\n\n- Nobody outside the union sees your answers.\n- We only publish totals for groups of ten or more.\n\n"
     "Thank you for everything you do."),
    ("joint", 25, Audience.ALL, False, "Pay talks: where things stand",
     "The unions met the employer on pay. No offer yet. Talks resume next month.",
     "The three unions met the employer's pay team on Tuesday.\n\n"
     "We set out the claim: a rise that matches prices, and the increments that were frozen last year.\n\n"
     "The employer said it is waiting for its budget. We said members will not wait for ever. "
     "Read the full claim on the [union website](https://example.org/pay-claim-demo)."),
    ("gs-blog", 10, Audience.ACTIVISTS, True, "Notes for reps: running a workplace meeting",
     "For reps and branch officers: a checklist for the workplace meetings on the caseload survey.",
     "Book a room at lunchtime and tell members a week ahead.\n\n1. Explain the survey in two minutes.\n2. Take questions.\n"
     "3. Note any issues to raise at the local joint committee.\n\nSend a short note of the meeting to your branch secretary."),
    ("joint", -7, Audience.ALL, True, "Pay talks: the employer's first offer",
     "The employer will make its first pay offer this week. We will tell you what it is and ask what you think.",
     "This bulletin is scheduled. Members see it next week, after the meeting with the employer."),
]

COMMENTS = [
    ("Quiet Otter", "About time. My caseload went up by a third since the spring and nobody asked."),
    ("Night Shift PSO", "Will the survey count cases held by agency staff? In our office they hold a lot of them."),
    ("Blue Kettle", "The unions should publish the totals by office, so we can see where it is worst."),
]
REPLY = "Good question. Ask your rep to raise agency caseloads at the next local meeting."
REPORTED = "Whoever runs the Castle office rota should be ashamed of themselves, and everyone knows who it is."
REVEAL_REASON = "The comment points at a colleague who has since been threatened; the police have asked the union for help."

QA_EVENT = ("Pay talks: ask the negotiators", "The union's negotiating team")
QUESTIONS = [
    ("Quiet Otter", "Will the offer include the increments frozen last year?"),
    ("Night Shift PSO", "Are agency staff covered by the same pay offer?"),
    ("Blue Kettle", "When will members get to vote on the offer?"),
    ("Fed Up Again", "What happens to back pay if talks drag on past April?"),
]


def _holder(role: Role) -> Member:
    return Office.objects.current().filter(role=role).select_related("member__user").order_by("pk").first().member


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@transaction.atomic
def build_demo_bulletins(seed: int = 1) -> list[Bulletin]:
    rng = random.Random(seed)
    hq = _holder(Role.HQ_ADMIN).user
    today = timezone.localdate()
    series = {
        slug: Series.objects.create(name=name, slug=slug, code_pattern=pattern, description=description)
        for name, slug, pattern, description in (GS_BLOG, JOINT)
    }
    bulletins = []
    for slug, days_ago, audience, by_email, title, summary, body in BULLETINS:
        publish_at = _at(today - dt.timedelta(days=days_ago))
        written = min(publish_at, timezone.now()) - dt.timedelta(days=2)
        draft = BulletinDraft(series=series[slug], title=title, summary=summary, body=body, publish_at=publish_at, audience=audience, by_email=by_email)
        bulletin = do_write_bulletin(user=hq, draft=draft, now=written)
        bulletins.append(do_publish_bulletin(bulletin=bulletin, user=hq, now=written + dt.timedelta(hours=1)))

    # A discussion under the first bulletin, by members with sign-in accounts.
    candidates = list(Member.objects.filter(status=Member.Status.ACTIVE, user__isnull=False).order_by("pk")[:400])
    first = bulletins[0]
    commenters = rng.sample(candidates, len(COMMENTS) + 4)
    posted_at = first.publish_at + dt.timedelta(hours=2)
    comments = []
    for (pseudonym, text), member in zip(COMMENTS, commenters, strict=False):
        do_set_pseudonym(member=member, pseudonym=pseudonym, now=posted_at - dt.timedelta(days=60))
        comments.append(do_post_comment(member=member, bulletin=first, draft=CommentDraft(body=text, as_pseudonym=True), now=posted_at))
        posted_at += dt.timedelta(minutes=rng.randint(5, 90))
    rep = _holder(Role.WORKPLACE_REP)
    do_post_comment(member=rep, bulletin=first, draft=CommentDraft(body=REPLY, as_pseudonym=False, parent=comments[1]), now=posted_at)
    secretary = Member.objects.select_related("user").get(email__startswith="secretary@")
    writer = next(m for m in candidates if m.branch_id == secretary.branch_id and m not in commenters and not m.email.endswith(DEMO_DOMAIN))
    do_set_pseudonym(member=writer, pseudonym="Fed Up Again", now=posted_at - dt.timedelta(days=60))
    reported = do_post_comment(member=writer, bulletin=first, draft=CommentDraft(body=REPORTED, as_pseudonym=True), now=posted_at + dt.timedelta(minutes=3))
    do_report_comment(member=commenters[-1], comment=reported, reason="It points at a named colleague.", now=posted_at + dt.timedelta(hours=1))

    # The branch secretary moderates their branch's discussion; HQ asks who wrote
    # the reported comment, and the secretary is the second moderator who may decide.
    do_assign_moderator(actor=hq, member=secretary, branch=secretary.branch)
    do_request_reveal(user=hq, comment=reported, reason=REVEAL_REASON)
    _bounce_one_rep(bulletins[2])
    _qa_event(hq, secretary, [*commenters[: len(COMMENTS)], writer], rng)
    return bulletins


def _bounce_one_rep(reps_bulletin: Bulletin) -> None:
    """The reps' bulletin went out by email when published; one address bounced."""
    sent = reps_bulletin.deliveries.filter(status="sent").exclude(address__endswith=DEMO_DOMAIN).order_by("pk").first()
    if sent:
        delivery.do_ingest_bounces([sent.address], source="demo bounce")


def _qa_event(hq, secretary: Member, askers: list[Member], rng: random.Random) -> None:
    """A live event: started an hour ago, open for two more days."""
    now = timezone.now()
    title, speaker = QA_EVENT
    draft = events.EventDraft(title=title, speaker=speaker, starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(days=2), moderators=(secretary.user,))
    event = events.do_create_event(user=hq, draft=draft)
    voters = list(Member.objects.filter(status=Member.Status.ACTIVE, user__isnull=False).order_by("pk")[:60])
    questions = []
    for (pseudonym, text), member in zip(QUESTIONS, askers, strict=False):
        asked_as_pseudonym = reader_for(member).pseudonym == pseudonym
        questions.append(events.do_ask(member=member, event=event, body=text, as_pseudonym=asked_as_pseudonym, now=now - dt.timedelta(minutes=50)))
    for question in questions:
        for voter in rng.sample(voters, rng.randint(2, 12)):
            events.do_vote(member=voter, question=question)
    events.do_moderate_question(user=secretary.user, question=questions[0], action="answered")
    events.do_moderate_question(user=secretary.user, question=questions[2], action="pin")
