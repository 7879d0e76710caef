"""The demo union's campaigns: fictional data that shows the app at work.

Two open campaigns: one from HQ in which members write to their own MPs, with
letters already sent (and a few held, as copies of another's) so the map and
the held queue have something in them; and one of the first branch's, to a
named (fictional) person at the employer. The demo's sign-in accounts have
written nothing, so the demo member can write the first letter of their own.
Letters are written straight to the database as already sent: no mail is
queued for them, and no real MP is ever written to (the demo site does not
set CAMPAIGNS_DELIVER_LETTERS either)."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from unionhall.campaigns import constituencies
from unionhall.campaigns.models import Campaign, Letter, LetterSketch
from unionhall.members.models import Branch, Member, Office, Role

DEMO_DOMAIN = "demo.unionhall.test"
MAX_LETTERS = 600

CASELOAD_MODEL = """Dear [representative],

I am one of your constituents in [constituency], and I work for [employer] at [workplace].

My caseload stands at [your caseload]. [What this means for the people you supervise, in your own words.]

I ask you to write to the minister and press for enough staff to bring caseloads down to a safe level.

Yours sincerely,
[name]"""

ESTATES_MODEL = """Dear [representative],

I work at [workplace]. [What is wrong with the building, and how long it has been wrong.]

I ask you to set a date by which it will be put right, and to tell staff what happens until then.

Yours sincerely,
[name]"""

# Fragments the demo's letters are made of: fictional, written for the demo.
OPENINGS = [
    "I have been a probation officer for {years} years and I have never known caseloads like this.",
    "I joined the service {years} years ago because I wanted to help people change their lives.",
    "I work in a court team and for the last {years} years the work has only grown.",
    "After {years} years in the job I am writing to you for the first time.",
    "I supervise people on licence, and I have done so for {years} years.",
]
CASELOADS = [
    "My caseload today is {n} cases, and {k} of them are assessed as high risk.",
    "I am responsible for {n} people, when the guidance we were given says no more than {k}.",
    "Last month my caseload went up to {n} after a colleague left and was not replaced.",
    "I hold {n} cases; a year ago it was {k}.",
]
EFFECTS = [
    "Home visits are the first thing to go when there is no time, and they are where we see risk most clearly.",
    "I cut appointments to fifteen minutes, which is not enough to talk about anything that matters.",
    "I spend my evenings finishing court reports and still fall behind.",
    "Two colleagues in my team are off sick with stress and their cases have been shared out among the rest of us.",
    "Victims are waiting longer for the contact they are entitled to, and I cannot give them a date.",
    "Newly qualified officers are leaving within a year because the job they trained for is not the job they find.",
    "I worry every week that something serious will be missed because nobody had the time to look.",
]
ASKS = [
    "Please ask the minister what caseload the service considers safe, and when we will reach it.",
    "Please raise this with the minister and ask for funding for the staff we were promised.",
    "I would be grateful if you would press for a workload measure that is published and kept to.",
    "Please ask the minister to meet staff, not only managers, and hear this for themselves.",
]
ESTATE_PROBLEMS = [
    "The heating in our office has failed on and off since {month}, and we have interviewed people in our coats.",
    "The lift has been out of use since {month}, so people with mobility problems are seen in the reception area with no privacy.",
    "Water comes through the ceiling of the interview rooms whenever it rains, and two rooms have been closed since {month}.",
    "The panic alarms in the interview rooms were found not to work in {month} and have not been repaired.",
]
MONTHS = ["January", "February", "March", "April", "September", "October", "November"]


def _letter_text(rng: random.Random, greeting: str, name: str) -> str:
    years = rng.randint(2, 24)
    n = rng.randint(38, 85)
    parts = [
        rng.choice(OPENINGS).format(years=years),
        rng.choice(CASELOADS).format(n=n, k=rng.randint(25, n - 5)),
        *rng.sample(EFFECTS, 2),
        rng.choice(ASKS),
    ]
    return f"Dear {greeting},\n\n" + "\n\n".join(parts) + f"\n\nYours sincerely,\n{name}"


def _estates_text(rng: random.Random, greeting: str, name: str) -> str:
    problem = rng.choice(ESTATE_PROBLEMS).format(month=rng.choice(MONTHS))
    return (
        f"Dear {greeting},\n\n{problem} {rng.choice(EFFECTS)}\n\n"
        f"I ask you to set a date by which this will be put right.\n\nYours sincerely,\n{name}"
    )


def _address(member: Member) -> str:
    return "\n".join(x for x in (member.address_line1, member.town, member.postcode) if x)


def _recipient(rng: random.Random, member: Member):
    found = constituencies.find(member.postcode)
    if found is None or not found.candidates:
        return None
    rep = rng.choice(found.candidates).representative if found.by == "northern_ireland" else found.candidates[0].representative
    return rep if rep.email else None


@transaction.atomic
def build_demo(seed: int) -> list[str]:
    """Build this app's part of the demo union (members, offices and ballots
    exist already); return the lines the demo command prints about it."""
    rng = random.Random(seed * 1_000_003 + 11)
    now = timezone.now()
    hq = Office.objects.current().filter(role=Role.HQ_ADMIN).select_related("member__user").first()
    first_branch = Branch.objects.order_by("pk").first()
    secretary = Office.objects.current().filter(role=Role.BRANCH_SECRETARY, branch=first_branch).select_related("member__user").first()
    if hq is None or secretary is None:
        return []
    caseloads = Campaign.objects.create(
        title="Safe caseloads now", slug="safe-caseloads", status=Campaign.Status.OPEN,
        summary="Write to your MP about caseloads: what yours is, and what it means for the people you supervise.",
        brief=(
            "Caseloads have grown every year since the last restructuring, and the promised workload measure has not been published.\n\n"
            "MPs take most notice of letters from their own constituents **in their own words**. Tell your MP what your caseload is, "
            "what it stops you doing, and ask them to raise it with the minister.\n\n"
            "Write from your home address: your MP answers constituents, and your employer has no part in this."
        ),
        points="Your own caseload, and how it has changed\nOne thing it stops you doing that matters\nWhat you want the MP to ask the minister",
        model_letter=CASELOAD_MODEL, subject="Safe caseloads in probation", target=Campaign.Target.MP,
        closes_on=(now + dt.timedelta(days=45)).date(), created_by=hq.member.user, created_at=now - dt.timedelta(days=21),
    )  # fmt: skip
    estates = Campaign.objects.create(
        title=f"Fix our offices ({first_branch.name})", slug="fix-our-offices", status=Campaign.Status.OPEN,
        summary="Tell the regional director what is wrong with your building, and ask for a date to put it right.",
        brief="Repairs reported a year ago are still waiting. The regional director has agreed to read every letter before the next JNCC.",
        points="What is wrong, and since when\nWhat it means for you and the people you see\nAsk for a date",
        model_letter=ESTATES_MODEL, subject="Repairs at our offices", target=Campaign.Target.NAMED,
        target_name="Regional Director", target_email=f"regional.director@employer.{DEMO_DOMAIN}",
        created_by=secretary.member.user, created_at=now - dt.timedelta(days=9),
    )  # fmt: skip
    estates.branches.set([first_branch])

    writers = list(
        Member.objects.filter(status=Member.Status.ACTIVE).exclude(email__endswith=f"@{DEMO_DOMAIN}").exclude(postcode="")
        .order_by("membership_number").only("pk", "first_name", "last_name", "postcode", "address_line1", "town", "branch_id", "workplace_id")
    )  # fmt: skip
    share = min(0.15, MAX_LETTERS / max(1, len(writers)))  # about one member in seven, at most MAX_LETTERS
    letters, sketches = [], []
    for member in writers:
        if rng.random() >= share:
            continue
        rep = _recipient(rng, member)
        if rep is None:
            continue
        written = now - dt.timedelta(days=20) + dt.timedelta(minutes=rng.randint(0, 20 * 24 * 60 - 60))
        body = _letter_text(rng, rep.title, member.full_name)
        letters.append(Letter(
            campaign=caseloads, member=member, status=Letter.Status.SENT, constituency_code=rep.code, constituency_name=rep.constituency,
            recipient_name=rep.title, recipient_email=rep.email, body=body, signed_name=member.full_name, address=_address(member),
            written_at=written, confirmed_at=written + dt.timedelta(minutes=7), sent_at=written + dt.timedelta(minutes=7), likeness=0.0,
        ))  # fmt: skip
    # Three held letters: copies of a letter already sent, with the copier's name.
    if letters:
        copied = letters[0]
        wrote = {l.member_id for l in letters}
        copiers = (m for m in writers if m.branch_id == first_branch.pk and m.pk not in wrote)
        held = 0
        for member in copiers:
            rep = _recipient(rng, member)
            if rep is None:
                continue
            written = now - dt.timedelta(hours=rng.randint(2, 40))
            body = copied.body.replace(copied.signed_name, member.full_name)
            letters.append(Letter(
                campaign=caseloads, member=member, status=Letter.Status.HELD, constituency_code=rep.code, constituency_name=rep.constituency,
                recipient_name=rep.title, recipient_email=rep.email, body=body, signed_name=member.full_name, address=_address(member),
                written_at=written, confirmed_at=written + dt.timedelta(minutes=3), likeness=1.0,
            ))  # fmt: skip
            held += 1
            if held == 3:
                break
    branch_writers = [m for m in writers if m.branch_id == first_branch.pk and m.workplace_id]
    for member in rng.sample(branch_writers, min(12, len(branch_writers))):
        written = now - dt.timedelta(days=8) + dt.timedelta(minutes=rng.randint(0, 7 * 24 * 60))
        letters.append(Letter(
            campaign=estates, member=member, status=Letter.Status.SENT, recipient_name=estates.target_name,
            recipient_email=estates.target_email, body=_estates_text(rng, estates.target_name, member.full_name),
            signed_name=member.full_name, address=_address(member), written_at=written, confirmed_at=written, sent_at=written, likeness=0.0,
        ))  # fmt: skip
    held = sum(1 for l in letters if l.status == Letter.Status.HELD)
    Letter.objects.bulk_create(letters, batch_size=500)
    from unionhall.campaigns.services import sketch_of

    for letter in letters:
        sketches += [LetterSketch(campaign_id=letter.campaign_id, letter=letter, hash=h) for h in sketch_of(letter)]
    LetterSketch.objects.bulk_create(sketches, batch_size=2000)
    from unionhall.campaigns.tallies import tallies_rebuild

    tallies_rebuild(caseloads)  # letters made directly, not sent through services: count them once
    tallies_rebuild(estates)
    sent = sum(1 for l in letters if l.campaign_id == caseloads.pk and l.status == Letter.Status.SENT)
    seats = len({l.constituency_code for l in letters if l.campaign_id == caseloads.pk and l.status == Letter.Status.SENT})
    hq_user = hq.member.user
    bulletin = _announce(caseloads, hq_user, now)
    wrote = {l.member_id for l in letters}
    live = _write_and_confirm(rng, caseloads, [m for m in writers if m.pk not in wrote][:LIVE_LETTERS])
    replied = _replies(rng, caseloads, [l for l in letters if l.campaign_id == caseloads.pk and l.status == Letter.Status.SENT], hq_user, now)
    scrubbed = _older_campaign(rng, hq_user, writers, now)
    call, anonymous = _call_for_evidence(rng, hq_user, writers, now)
    return [
        f"Campaigns: \"{caseloads.title}\" to members' MPs ({sent} letters sent to {seats} constituencies, {held} held) and",
        f"  \"{estates.title}\" to a named person, at /campaigns/; officers run them at /campaigns/manage/",
        f"  announced in bulletin \"{bulletin}\"; {live} letters written and confirmed through the outbox; {replied} replies recorded",
        f"  an older campaign's {scrubbed} letters scrubbed; \"{call.title}\" has {anonymous} anonymous submissions"
        f" (pack at /campaigns/manage/{call.slug}/evidence/)",
    ]


LIVE_LETTERS = 4
PERSONAL = [
    "Last {day} I had {n} appointments back to back and wrote up none of them until after nine at night.",
    "On {day} a man I supervise waited {n} minutes in reception because every interview room was taken.",
    "This {day} I covered {n} cases for a colleague on sick leave on top of my own.",
    "I was asked on {day} to take {n} more transfers from another office, with no end date.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def _announce(campaign: Campaign, user, now) -> str:
    """A bulletin announcing the campaign, through bulletins' own services (a
    series is found from a bulletin already published; the demo's bulletins
    exist by now). Not emailed: the demo's members have had their bulletins."""
    from unionhall.bulletins import queries as bulletin_queries
    from unionhall.bulletins import publishing as bulletin_services

    latest = bulletin_queries.published(now).order_by("-published_at").select_related("series").first()
    if latest is None:
        return "(no bulletin series in the demo)"
    draft = bulletin_services.BulletinDraft(
        series=latest.series, title=f"Write to your MP: {campaign.title}", summary=campaign.summary,
        body=(f"{campaign.summary}\n\nIt takes two minutes: open [the campaign](/campaigns/{campaign.slug}/), fill in the blanks "
              "and write a sentence or two of your own. Nothing is sent until you confirm it from the email we send you."),
        publish_at=now - dt.timedelta(days=20), by_email=False,
    )  # fmt: skip
    bulletin = bulletin_services.do_write_bulletin(user=user, draft=draft, now=now - dt.timedelta(days=20))
    bulletin = bulletin_services.do_publish_bulletin(bulletin=bulletin, user=user, now=now - dt.timedelta(days=20))
    return str(bulletin)


def _write_and_confirm(rng: random.Random, campaign: Campaign, members: list[Member]) -> int:
    """Letters written and confirmed as a member would: the confirmation
    email's link, then the letter and the member's copy queued in the outbox
    (to letters.invalid: the demo site does not deliver to MPs)."""
    import re

    from unionhall.campaigns import services
    from unionhall.outbox.models import Message

    done = 0
    for member in members:
        rep = _recipient(rng, member)
        if rep is None or not member.email:
            continue
        body = _letter_text(rng, rep.title, member.full_name).replace(
            "\n\nYours sincerely", "\n\n" + rng.choice(PERSONAL).format(day=rng.choice(DAYS), n=rng.randint(6, 14)) + "\n\nYours sincerely"
        )
        draft = services.LetterDraft(body=body, signed_name=member.full_name, address=_address(member), postcode=member.postcode,
                                     constituency_code=rep.code)  # fmt: skip
        try:
            letter = services.letter_write(member=member, campaign=campaign, draft=draft)
        except Exception:  # a refusal (say, a postcode the data does not know): the demo carries on
            continue
        text = Message.objects.filter(topic=services.TOPIC_CONFIRM, about_id=letter.pk).values_list("content__text", flat=True).first() or ""
        token = re.search(r"/campaigns/confirm/([^/\s]+)/", text)
        if token:
            services.letter_confirm(token=token.group(1))
            done += 1
    return done


def _replies(rng: random.Random, campaign: Campaign, sent: list[Letter], hq_user, now) -> int:
    """Writers of the oldest letters were asked (two weeks on) and a few say
    their MP replied; one MP is marked as already supporting."""
    from unionhall.campaigns import replies
    from unionhall.members.remit import remit_for

    old = sorted((l for l in sent if l.sent_at <= now - replies.ASK_AFTER), key=lambda l: l.sent_at)[:12]
    Letter.objects.filter(pk__in=[l.pk for l in old]).update(reply_asked_at=now - dt.timedelta(days=2))
    from unionhall.campaigns.tallies import writers_asked

    writers_asked(old)
    recorded = 0
    for letter in old[:6]:
        got = rng.random() < 0.7
        answer = replies.ReplyAnswer(
            got_reply=got, after_days=rng.randint(3, 12) if got else None, answered=rng.choice(["yes", "partly", "no"]) if got else "",
            text="Thank you for your letter. I have written to the minister and will share the reply." if got and recorded == 0 else "",
            keep_text=got and recorded == 0,
        )  # fmt: skip
        replies.letter_reply_record(member=letter.member, letter_id=letter.pk, answer=answer)
        recorded += 1
    if old:
        replies.supporter_set(user=hq_user, remit=remit_for(hq_user), campaign=campaign, constituency_code=old[-1].constituency_code, supporting=True)
    return recorded


def _older_campaign(rng: random.Random, hq_user, writers: list[Member], now) -> int:
    """A closed campaign from the spring: its letters went long ago, so the
    scrub job erases their text and addresses and only the counts remain."""
    from unionhall.campaigns import services

    older = Campaign.objects.create(
        title="Protect the pension scheme", slug="protect-the-pension-scheme", status=Campaign.Status.CLOSED,
        summary="Ask your MP to oppose closing the pension scheme to new staff.", brief="The consultation has closed.",
        points="What the pension means to you", model_letter="Dear [representative],\n\n[Your words]\n\n[name]",
        subject="The pension scheme", created_by=hq_user, created_at=now - dt.timedelta(days=120),
    )  # fmt: skip
    old_letters = []
    for member in rng.sample(writers, min(30, len(writers))):
        rep = _recipient(rng, member)
        if rep is None:
            continue
        written = now - dt.timedelta(days=100) + dt.timedelta(minutes=rng.randint(0, 20 * 24 * 60))
        old_letters.append(Letter(
            campaign=older, member=member, status=Letter.Status.SENT, constituency_code=rep.code, constituency_name=rep.constituency,
            recipient_name=rep.title, recipient_email=rep.email, body=f"Dear {rep.title},\n\nMy pension matters to me.\n\n{member.full_name}",
            signed_name=member.full_name, address=_address(member), written_at=written, confirmed_at=written, sent_at=written,
        ))  # fmt: skip
    Letter.objects.bulk_create(old_letters, batch_size=500)
    from unionhall.campaigns.tallies import tallies_rebuild

    tallies_rebuild(older)
    # As the retention schedule's nightly run will: past the period, only where each went stays.
    before, forgotten, after = timezone.localdate(now) - dt.timedelta(days=services.keep_days()), 0, 0
    while ids := services.letters_kept_due(before, after, 500):
        forgotten, after = forgotten + services.letters_kept_forget(ids), ids[-1]
    return forgotten


EVIDENCE = [
    "The ceiling in the {room} has been leaking since {month}; buckets are still on the floor.",
    "We have had no hot water in the {room} since {month}, and the kitchen is closed.",
    "Mould has grown on the walls of the {room} since {month}; two colleagues have asthma.",
    "The {room} door lock has been broken since {month}, so we cannot interview anyone in private.",
]
ROOMS = ["interview room", "open-plan office", "reception", "staff kitchen", "group room"]


def _call_for_evidence(rng: random.Random, hq_user, writers: list[Member], now) -> tuple[Campaign, int]:
    """HQ's call for evidence on the state of offices, with members'
    submissions, some kept from officers; no files, so the demo writes nothing to disk."""
    from unionhall.campaigns import evidence

    call = Campaign.objects.create(
        title="Estates horror stories", slug="estates-evidence", status=Campaign.Status.OPEN, kind=Campaign.Kind.EVIDENCE,
        summary="Tell us what is wrong with your building, for our submission to the estates consultation.",
        brief="The employer is consulting on its estates strategy. Your accounts, with photos, make our submission.",
        evidence_prompt="What is wrong with your building, since when, and what it means for you and the people you see.",
        points="What is wrong\nSince when\nWhat it means", created_by=hq_user, created_at=now - dt.timedelta(days=6),
    )  # fmt: skip
    anonymous = 0
    for i, member in enumerate(rng.sample(writers, min(10, len(writers)))):
        kept = i % 3 == 0  # about a third keep their name from officers
        draft = evidence.EvidenceDraft(
            text=rng.choice(EVIDENCE).format(room=rng.choice(ROOMS), month=rng.choice(MONTHS)), keep_name_from_officers=kept,
            consent_quote=rng.random() < 0.8, consent_name=not kept and rng.random() < 0.5,
        )  # fmt: skip
        evidence.evidence_submit(member=member, campaign=call, draft=draft)
        anonymous += kept
    return call, anonymous
