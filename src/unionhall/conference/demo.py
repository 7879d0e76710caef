"""A conference for the demo union, held about a hundred days ago: motions (one
composite, one amended, one ruled out), a card vote, resolutions with their
later history, and an NEC meeting without a quorum. Everything is invented.

Built through the services, so it is audited like real use. Needs the demo
union (``build_demo_union``) first."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from unionhall.ballots import api as ballots
from unionhall.conference import meetings, register, services, voting
from unionhall.conference.models import Body, Conference, Motion, Proposer, Resolution, Responsible
from unionhall.members.models import Branch, Member, Office, Role

MOTIONS = [
    ("tyne-wear", "Bring back national pay talks",
     "Conference notes that pay has been set for two years without national talks.\n\n"
     "Conference instructs the officers to press the employer to return to national negotiations, and to report to every branch each quarter on progress."),
    ("mersey", "A cap on caseloads",
     "Conference believes that no probation officer can supervise safely above an agreed caseload.\n\n"
     "Conference instructs the NEC to seek a written caseload cap in talks with every employer."),
    ("trent-valley", "Workload limits that mean something",
     "Conference notes the rise in stress-related sickness among PSOs and POs.\n\n"
     "Conference instructs the NEC to agree a workload measure with the employers and to publish it to members."),
    ("london", "Enter a five-a-side football league",
     "Conference instructs the officers to enter a union team in the regional five-a-side league."),
]
AMENDMENT = ("pennine", "Add at the end: \"and to publish a plain-language summary after every meeting with the employer.\"")
NEC_MOTION = ("A hardship fund for members",
              "Conference instructs the officers to set up a hardship fund for members facing sudden loss of pay, paid for from general funds.")  # fmt: skip
COMPOSITE = ("Composite A: safe workloads",
             "Conference believes that safe practice needs limits on caseloads and a workload measure members can check.\n\n"
             "Conference instructs the NEC to seek a written caseload cap and an agreed workload measure with every employer, and to publish both to members.")  # fmt: skip


def _holder(role: Role, **scope) -> Member:
    return Office.objects.current().filter(role=role, **scope).select_related("member__user").order_by("pk").first().member


@transaction.atomic
def build_demo_conference(seed: int = 1) -> Conference:
    rng = random.Random(seed)
    held_on = timezone.localdate() - dt.timedelta(days=100)
    at = lambda day, hour=10: timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))  # noqa: E731
    conference = Conference.objects.create(
        slug=f"agm-{held_on:%Y}", title=f"Annual conference {held_on:%Y}", held_on=held_on,
        motions_deadline=at(held_on - dt.timedelta(days=60)), amendments_deadline=at(held_on - dt.timedelta(days=30)),
        weights_on=held_on - dt.timedelta(days=45),
    )  # fmt: skip
    hq = _holder(Role.HQ_ADMIN).user
    soc = _appoint_soc(conference, rng, hq, at(held_on - dt.timedelta(days=90)))
    motions = _submit_motions(conference, at(held_on - dt.timedelta(days=70)))
    first, cap, limits, football, hardship = motions
    amendment = services.do_submit_amendment(
        motion=first, user=_secretary(AMENDMENT[0]).user, proposer=Proposer.BRANCH, branch=Branch.objects.get(code=AMENDMENT[0]),
        text=AMENDMENT[1], now=at(held_on - dt.timedelta(days=40)),
    )  # fmt: skip
    for item in (first, amendment, hardship):
        services.soc_accept(item=item, actor=soc)
    services.soc_rule_out(item=football, reason="Outside the objects of the union as set out in its rules.", actor=soc)
    composite = services.soc_composite(conference=conference, sources=[cap, limits], title=COMPOSITE[0], text=COMPOSITE[1],
                                       instructs=Responsible.NEC, actor=soc, now=at(held_on - dt.timedelta(days=20)))  # fmt: skip
    voting.weights_freeze(conference=conference, actor=hq, now=at(held_on - dt.timedelta(days=20)))
    services.agenda_publish(conference=conference, actor=soc, now=at(held_on - dt.timedelta(days=14)))
    _conference_day(conference, rng, hq, first=first, amendment=amendment, composite=composite, hardship=hardship, at=at)
    _after_conference(conference, hq, at=at)
    return conference


def _appoint_soc(conference: Conference, rng: random.Random, hq, when: dt.datetime):
    """HQ appoints three members with no other office to the standing orders
    committee; the first of them (a user account) records its rulings."""
    holders = Office.objects.current().values("member_id")
    pool = list(Member.objects.filter(status=Member.Status.ACTIVE, user__isnull=False).exclude(pk__in=holders).order_by("membership_number")[:200])
    seats = [services.soc_appoint(conference=conference, member=m, actor=hq, now=when) for m in rng.sample(pool, 3)]
    return seats[0].member.user


def _secretary(branch_code: str) -> Member:
    return _holder(Role.BRANCH_SECRETARY, branch__code=branch_code)


def _submit_motions(conference: Conference, when: dt.datetime) -> list[Motion]:
    motions = []
    for code, title, text in MOTIONS:
        draft = services.MotionDraft(title=title, text=text, proposer=Proposer.BRANCH, branch=Branch.objects.get(code=code),
                                     instructs=Responsible.NEC if code in ("mersey", "trent-valley") else Responsible.OFFICERS)  # fmt: skip
        motions.append(services.do_submit_motion(conference=conference, user=_secretary(code).user, draft=draft, now=when))
    nec_draft = services.MotionDraft(title=NEC_MOTION[0], text=NEC_MOTION[1], proposer=Proposer.NEC)
    motions.append(services.do_submit_motion(conference=conference, user=_holder(Role.NEC_MEMBER).user, draft=nec_draft, now=when))
    return motions


def _conference_day(conference, rng, hq, *, first, amendment, composite, hardship, at) -> None:
    """Amendment carried by show of hands; motion 1 carried on a card vote; the
    composite carried on a show of hands; the NEC's motion lost in a secret vote."""
    day = conference.held_on
    voting.vote_show_of_hands(motion=first, amendment=amendment, actor=hq, votes_for=131, votes_against=42, abstentions=9, now=at(day, 10))
    card = voting.vote_open_card(motion=first, actor=hq, now=at(day, 11))
    branches = list(Branch.objects.order_by("name"))
    # Three branches against and one abstaining: with the demo's branch sizes the rest always outweigh them.
    dissent = dict.fromkeys(rng.sample(branches, 3), "against") | dict.fromkeys(rng.sample(branches, 1), "abstain")
    for branch in branches:
        delegate = Member.objects.filter(branch=branch, status=Member.Status.ACTIVE).order_by("membership_number").first()
        if delegate is None:
            continue
        voting.do_register_delegate(conference=conference, branch=branch, member=delegate, actor=hq)
        voting.do_cast_card(vote=card, member=delegate, branch=branch, choice=dissent.get(branch, "for"), now=at(day, 11))
    voting.vote_close_card(vote=card, actor=hq, now=at(day, 12))
    voting.vote_show_of_hands(motion=composite, actor=hq, votes_for=170, votes_against=6, abstentions=4, now=at(day, 14))
    _secret_vote(hardship, rng, hq, opens=at(day, 15), closes=at(day, 16))


def _secret_vote(motion: Motion, rng: random.Random, hq, *, opens: dt.datetime, closes: dt.datetime) -> None:
    """The NEC's motion is put to a secret vote of the delegates, through the
    ballot engine, and lost: most delegates vote against it, one abstains."""
    trustees = [(hq, "HQ membership administrator"), (_holder(Role.GENERAL_SECRETARY).user, "General Secretary")]
    vote = voting.vote_open_secret(motion=motion, actor=hq, opens_at=opens, closes_at=closes, trustees=trustees, threshold=2, now=opens)
    slug = ballots.ballot_facts(ballot_id=vote.ballot_id).slug
    keys = ballots.demo_keys(ballot_id=vote.ballot_id, label=slug, actor=hq)
    ballots.ballot_open(ballot_id=vote.ballot_id, actor=hq, now=opens)
    for i, alias in enumerate(ballots.demo_aliases(ballot_id=vote.ballot_id)[1:]):  # the first delegate abstains
        choice = [[1, 0]] if i % 4 == 0 else [[0, 1]]
        ballots.demo_vote(ballot_id=vote.ballot_id, alias=alias, choices=choice, label=f"{slug}/{i}", now=opens + dt.timedelta(minutes=10))
    ballots.ballot_close(ballot_id=vote.ballot_id, actor=hq, now=closes)
    ballots.demo_decrypt_headline(ballot_id=vote.ballot_id, keys=keys, trustees=(1, 2), label=slug)
    voting.vote_close_secret(vote=vote, actor=hq, now=closes)


def _after_conference(conference: Conference, hq, *, at) -> None:
    """A quorate NEC meeting supersedes a resolution; an inquorate one is flagged."""
    day = conference.held_on
    nec = Body.objects.get(slug="nec")
    quorate = meetings.meeting_create(body=nec, held_on=day + dt.timedelta(days=40), title="NEC ordinary meeting", actor=hq)
    members = list(meetings.body_members(nec, quorate.held_on).order_by("membership_number"))
    meetings.meeting_record_attendance(meeting=quorate, members=members[: quorate.quorum + 1], actor=hq)
    change = meetings.decision_record(
        meeting=quorate, minute="Minute 4", actor=hq, now=at(quorate.held_on),
        text="With national talks still closed, the NEC agrees to take part in employer-level talks for this year, and to put the question back to the next conference.",
    )  # fmt: skip
    short = meetings.meeting_create(body=nec, held_on=day + dt.timedelta(days=70), title="NEC special meeting", actor=hq)
    meetings.meeting_record_attendance(meeting=short, members=members[:2], actor=hq)
    meetings.decision_record(meeting=short, minute="Minute 2", text="To stop publishing summaries of meetings with the employer.", actor=hq, now=at(short.held_on))

    pay, workloads = Resolution.objects.filter(conference=conference).order_by("motion__number")
    register.do_resolution_update(resolution=pay, user=hq, status=Resolution.Status.IN_PROGRESS, on=day + dt.timedelta(days=12),
                                  note="The General Secretary wrote to the employer asking to reopen national talks; no reply yet.")  # fmt: skip
    register.do_resolution_update(resolution=pay, user=hq, status=Resolution.Status.SUPERSEDED, on=day + dt.timedelta(days=41), decision=change,
                                  note="The NEC decided to take part in employer-level talks instead, for this year.")  # fmt: skip
    register.do_resolution_update(resolution=workloads, user=hq, status=Resolution.Status.IN_PROGRESS, on=day + dt.timedelta(days=30),
                                  note="A caseload cap was tabled at the joint committee; the employer will answer next month.")  # fmt: skip
