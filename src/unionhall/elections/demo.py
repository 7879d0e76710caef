"""Two elections for the demo union, both run from nominations to terms in
the register:

- a General Secretary election, contested by three candidates, first past the
  post, by secret ballot through the ballot engine: the trustees' keys, the
  members' encrypted votes, the close and the trustees' decryption are made
  here as the ballots demo makes them, then HQ declares;
- an NEC election (three seats, five candidates) by STV, counted from an
  invented independent scrutineer's BLT file of 200 ranked postal ballots.

Every name comes from the demo register and every election address and
organisation is invented. Built through the services, so it is audited like
real use. Needs the demo union (``build_demo_union``) and the demo ballots
(for the scrutineer's account) first."""

import datetime as dt
import random

import stvcount
from django.db import transaction
from django.utils import timezone

from unionhall.ballots import api as ballots
from unionhall.elections import online, scrutineer, services
from unionhall.elections.models import Election
from unionhall.members.models import Member, Office, Role, User

MAX_DEMO_VOTERS = 240  # each vote is encrypted with proofs; enough for a result, quick to build
SCRUTINEER = "Fairpoll Scrutineers Ltd (fictional)"

ADDRESSES = [
    "I have worked in probation for fourteen years, most of them as a PSO in approved premises.\n\n"
    "I will put safe caseloads at the top of every meeting with the employers, and report back to branches in plain words after each one.",
    "Members told me the same thing in every office I visited: too many cases, too little time, and nobody listening.\n\n"
    "If elected I will push for a written workload measure that members can check for themselves.",
    "I am a branch secretary and a workplace rep of long standing.\n\n"
    "My priorities:\n- national pay talks, restored\n- proper cover for sickness absence\n- a union that answers its members' emails within a week",
    "I joined the union after it won my colleague's grievance.\n\nI want every new starter to meet a rep in their first month, and every rep to have time off to do the job properly.",
    "Our strength is our membership. I will stand for open NEC minutes, a hardship fund for members facing sudden loss of pay, "
    "and training for new reps in every branch.",
]
GS_ADDRESSES = [
    "I have served the union as an NEC member and as a branch secretary.\n\n"
    "As General Secretary I will keep the union member-led: national pay talks, safe workloads, and an office that reports to members, not to itself.",
    "Twenty years a probation officer, ten a workplace rep.\n\n"
    "I will publish every agreement we sign, in full, the week it is signed, and visit every branch in my first year.",
    "Our members carry the service on goodwill, and the goodwill is running out.\n\n"
    "I will ballot for action when an employer breaks its word, and I will tell members the turnout the same day.",
]
GS_SHARES = (0.46, 0.33, 0.21)  # how the demo's voters lean, in nomination order


def _holder(role: Role) -> Office:
    return Office.objects.current().filter(role=role).select_related("member__user").order_by("pk").first()


def _ranked_ballots(rng: random.Random, candidates: int, ballots: int) -> list[list[int]]:
    """Invented preferences: each candidate has a popularity; each voter ranks
    between one and all candidates, drawn by popularity without replacement."""
    popularity = [rng.uniform(0.5, 3.0) for _ in range(candidates)]
    papers = []
    for _ in range(ballots):
        left, ranking = list(range(candidates)), []
        for _ in range(rng.randint(1, candidates)):
            choice = rng.choices(left, weights=[popularity[c] for c in left])[0]
            left.remove(choice)
            ranking.append(choice)
        papers.append(ranking)
    return papers


def _stand(election: Election, trio: list[Member], address: str, now: dt.datetime) -> None:
    candidate, proposer, seconder = trio
    nomination = services.do_nominate(election=election, proposer=proposer, seconder=seconder, candidate=candidate, now=now)
    services.do_accept(nomination=nomination, member=candidate, address=address, now=now)
    services.do_second(nomination=nomination, member=seconder, now=now)


@transaction.atomic
def build_demo_elections(seed: int = 1) -> list[Election]:
    rng = random.Random(seed)
    now = timezone.now()
    opens, closes = now - dt.timedelta(days=90), now - dt.timedelta(days=60)
    during = opens + dt.timedelta(days=5)
    hq = _holder(Role.HQ_ADMIN).member.user
    office_holders = set(Office.objects.current().values_list("member_id", flat=True))
    pool = list(Member.objects.filter(status=Member.Status.ACTIVE).exclude(pk__in=office_holders).order_by("pk").values_list("pk", flat=True))
    picked = rng.sample(pool, 3 * (len(GS_ADDRESSES) + len(ADDRESSES)))
    found = Member.objects.in_bulk(picked)
    people = [found[pk] for pk in picked]
    trios = [people[i : i + 3] for i in range(0, len(people), 3)]

    def term_start(role: Role) -> dt.date:
        current = _holder(role)
        follows = current.ends_on + dt.timedelta(days=1) if current and current.ends_on else closes.date()
        return max(follows, closes.date())

    gs = services.election_create(
        election=Election(
            title="General Secretary election", role=Role.GENERAL_SECRETARY, seats=1, method=Election.Method.FPTP,
            nominations_open=opens, nominations_close=closes, term_starts_on=term_start(Role.GENERAL_SECRETARY),
            term_years=5, address_word_limit=250,
        ),
        actor=hq,
    )  # fmt: skip
    for trio, address in zip(trios, GS_ADDRESSES):
        _stand(gs, trio, address, during)
    gs = services.election_close_nominations(election=gs, actor=hq, now=closes)
    gs = _secret_ballot(gs, hq, rng, seed, starts=closes + dt.timedelta(days=5))

    nec = services.election_create(
        election=Election(
            title="National Executive Committee election", role=Role.NEC_MEMBER, seats=3, method=Election.Method.STV_SCOTTISH,
            nominations_open=opens, nominations_close=closes, term_starts_on=term_start(Role.NEC_MEMBER),
            term_years=3, address_word_limit=150,
        ),
        actor=hq,
    )  # fmt: skip
    for trio, address in zip(trios[len(GS_ADDRESSES) :], ADDRESSES):
        _stand(nec, trio, address, during)
    nec = services.election_close_nominations(election=nec, actor=hq, now=closes)
    nec = scrutineer.count_scrutineer_blt(election=nec, raw=_scrutineers_file(nec, rng), scrutineer=SCRUTINEER, actor=hq, now=now)
    return [gs, nec]


def _secret_ballot(election: Election, hq, rng: random.Random, seed: int, *, starts: dt.datetime) -> Election:
    """Run the election's online ballot: HQ starts it with three trustees;
    their keys are made here (a real trustee makes theirs with
    unionhall-trustee); members vote; it closes; trustees 1 and 3 decrypt
    the totals; HQ declares."""
    trustees = [(hq, "HQ membership administrator"), (_holder(Role.GENERAL_SECRETARY).member.user, "General Secretary"),
                (User.objects.get_or_create(email="scrutineer@demo.unionhall.test")[0], "Independent scrutineer")]  # fmt: skip
    ends = starts + dt.timedelta(days=14)
    ballot = online.election_start_ballot(election=election, actor=hq, opens_at=starts, closes_at=ends, trustees=trustees, threshold=2, now=starts)
    keys = ballots.demo_keys(ballot_id=ballot.id, label=f"{seed}/{ballot.slug}", actor=hq)
    ballots.ballot_open(ballot_id=ballot.id, actor=hq, now=starts)
    roll = ballots.demo_aliases(ballot_id=ballot.id)
    for i, alias in enumerate(rng.sample(roll, min(MAX_DEMO_VOTERS, len(roll)))):
        choice = rng.choices(range(len(GS_SHARES)), weights=GS_SHARES)[0]
        ballots.demo_vote(ballot_id=ballot.id, alias=alias, choices=[[int(c == choice) for c in range(len(GS_SHARES))]], label=f"{seed}/gs/{i}", now=starts)
    ballots.demo_spread_voting_times(ballot_id=ballot.id, rng=rng)
    ballots.ballot_close(ballot_id=ballot.id, actor=hq, now=ends)
    ballots.demo_decrypt_headline(ballot_id=ballot.id, keys=keys, trustees=(1, 3), label=f"{seed}/{ballot.slug}")
    return online.election_declare_from_ballot(election=election, actor=hq, now=ends + dt.timedelta(days=1), lot_seed=seed)


def _scrutineers_file(election: Election, rng: random.Random) -> bytes:
    """The invented scrutineer's return: 200 anonymised ranked papers as BLT
    (fewer in a union too small to have returned that many)."""
    names = [services.blt_name(n.candidate.full_name) for n in election.ballot_order()]
    returned = min(200, Member.objects.filter(status=Member.Status.ACTIVE).count() // 2)
    papers = [(1, tuple(ranking)) for ranking in _ranked_ballots(rng, len(names), returned)]
    profile = stvcount.Election.of(names, election.seats, papers, title=f"{election.title}: postal ballot")
    return stvcount.format_blt(profile).encode()
