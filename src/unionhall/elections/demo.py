"""Two elections for the demo union: a General Secretary elected unopposed,
and an NEC election (three seats, five candidates) counted by STV from 200
invented ranked ballots. Every name comes from the demo register and every
election address is invented.

Built through the services, so it is audited like real use. Needs the demo
union (``build_demo_union``) first."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from unionhall.elections import services
from unionhall.elections.models import Election
from unionhall.members.models import Member, Office, Role

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
GS_ADDRESS = (
    "I have served the union as an NEC member and as a branch secretary.\n\n"
    "As General Secretary I will keep the union member-led: national pay talks, safe workloads, and an office that reports to members, not to itself."
)


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
    services.do_second(nomination=nomination, member=seconder, now=now)
    services.do_accept(nomination=nomination, member=candidate, address=address, now=now)


@transaction.atomic
def build_demo_elections(seed: int = 1) -> list[Election]:
    rng = random.Random(seed)
    now = timezone.now()
    opens, closes = now - dt.timedelta(days=60), now - dt.timedelta(days=30)
    during = opens + dt.timedelta(days=5)
    hq = _holder(Role.HQ_ADMIN).member.user
    office_holders = set(Office.objects.current().values_list("member_id", flat=True))
    pool = list(Member.objects.filter(status=Member.Status.ACTIVE).exclude(pk__in=office_holders).order_by("pk"))
    people = rng.sample(pool, 3 * (1 + len(ADDRESSES)))
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
    _stand(gs, trios[0], GS_ADDRESS, during)
    gs = services.election_close_nominations(election=gs, actor=hq, now=closes)

    nec = services.election_create(
        election=Election(
            title="National Executive Committee election", role=Role.NEC_MEMBER, seats=3, method=Election.Method.STV_SCOTTISH,
            nominations_open=opens, nominations_close=closes, term_starts_on=term_start(Role.NEC_MEMBER),
            term_years=3, address_word_limit=150,
        ),
        actor=hq,
    )  # fmt: skip
    for trio, address in zip(trios[1:], ADDRESSES):
        _stand(nec, trio, address, during)
    services.election_close_nominations(election=nec, actor=hq, now=closes)
    nec = services.count_ranked(election=nec, ballots=_ranked_ballots(rng, len(ADDRESSES), 200), actor=hq, now=now)
    return [gs, nec]
