"""Bulletins for the demo union: two series, a few numbered bulletins (one
scheduled for next week, one for reps only), and a discussion with
pseudonymous comments, a reply and a reported comment. Everything is invented.

Built through the services, so it is audited like real use. Needs the demo
union (``build_demo_union``) first."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from unionhall.bulletins import services
from unionhall.bulletins.models import Audience, Bulletin, Series
from unionhall.members.models import Member, Office, Role

GS_BLOG = ("General Secretary's blog", "gs-blog", "{n}", "Short notes from the General Secretary on what the union is doing.")
JOINT = ("Joint bulletin", "joint", "JTU{n}-{year}", "Bulletins agreed with the other unions at the national table.")

# (series slug, days before today, audience, title, summary, body)
BULLETINS = [
    ("gs-blog", 40, Audience.ALL, "Why we are asking about caseloads",
     "We want to know how many cases each of you holds. The numbers will back our claim for a caseload cap.",
     "Every week members tell us their caseload is too high. The employer says the figures do not show it.\n\n"
     "So we will collect the figures ourselves. Next month you will get a short survey. It takes five minutes.\n\n"
     "## What happens to your answers\n\n- Nobody outside the union sees your answers.\n- We only publish totals for groups of ten or more.\n\n"
     "Thank you for everything you do."),
    ("joint", 25, Audience.ALL, "Pay talks: where things stand",
     "The unions met the employer on pay. No offer yet. Talks resume next month.",
     "The three unions met the employer's pay team on Tuesday.\n\n"
     "We set out the claim: a rise that matches prices, and the increments that were frozen last year.\n\n"
     "The employer said it is waiting for its budget. We said members will not wait for ever. "
     "Read the full claim on the [union website](https://example.org/pay-claim-demo)."),
    ("gs-blog", 10, Audience.ACTIVISTS, "Notes for reps: running a workplace meeting",
     "For reps and branch officers: a checklist for the workplace meetings on the caseload survey.",
     "Book a room at lunchtime and tell members a week ahead.\n\n1. Explain the survey in two minutes.\n2. Take questions.\n"
     "3. Note any issues to raise at the local joint committee.\n\nSend a short note of the meeting to your branch secretary."),
    ("joint", -7, Audience.ALL, "Pay talks: the employer's first offer",
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
    for slug, days_ago, audience, title, summary, body in BULLETINS:
        publish_at = _at(today - dt.timedelta(days=days_ago))
        written = min(publish_at, timezone.now()) - dt.timedelta(days=2)
        draft = services.BulletinDraft(series=series[slug], title=title, summary=summary, body=body, publish_at=publish_at, audience=audience)
        bulletin = services.do_write_bulletin(user=hq, draft=draft, now=written)
        bulletins.append(services.do_publish_bulletin(bulletin=bulletin, user=hq, now=written + dt.timedelta(hours=1)))

    # A discussion under the first bulletin, by members with sign-in accounts.
    candidates = list(Member.objects.filter(status=Member.Status.ACTIVE, user__isnull=False).order_by("pk")[:400])
    first = bulletins[0]
    commenters = rng.sample(candidates, len(COMMENTS) + 4)
    posted_at = first.publish_at + dt.timedelta(hours=2)
    comments = []
    for (pseudonym, text), member in zip(COMMENTS, commenters, strict=False):
        services.do_set_pseudonym(member=member, pseudonym=pseudonym, now=posted_at - dt.timedelta(days=60))
        comments.append(services.do_post_comment(member=member, bulletin=first, draft=services.CommentDraft(body=text, as_pseudonym=True), now=posted_at))
        posted_at += dt.timedelta(minutes=rng.randint(5, 90))
    rep = _holder(Role.WORKPLACE_REP)
    services.do_post_comment(member=rep, bulletin=first, draft=services.CommentDraft(body=REPLY, as_pseudonym=False, parent=comments[1]), now=posted_at)
    writer = commenters[len(COMMENTS)]
    services.do_set_pseudonym(member=writer, pseudonym="Fed Up Again", now=posted_at - dt.timedelta(days=60))
    reported = services.do_post_comment(member=writer, bulletin=first, draft=services.CommentDraft(body=REPORTED, as_pseudonym=True), now=posted_at + dt.timedelta(minutes=3))
    services.do_report_comment(member=commenters[-1], comment=reported, reason="It points at a named colleague.", now=posted_at + dt.timedelta(hours=1))
    return bulletins
