"""Delegates, card weights and conference's votes. A carried motion becomes a
resolution in the same transaction that records the vote.

Outcome rule: carried when more votes are for than against; abstentions are
not counted; a tie is lost."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.ballots import api as ballots
from unionhall.conference.models import (
    Amendment,
    Card,
    CardWeight,
    Conference,
    Delegate,
    Motion,
    Outcome,
    Resolution,
    Vote,
    delegate_entitlement,
)  # fmt: skip
from unionhall.conference.standing import acts_as_clerk, branches_spoken_for, require_clerk
from unionhall.members.models import Branch, Member
from unionhall.refusals import Refused

# --- Membership counts, weights and entitlement -----------------------------------


def membership_by_branch(on: dt.date) -> dict[int, int]:
    """Members of each branch on ``on``, from the register's join and lapse
    dates: active members who had joined, and lapsed or resigned members who
    had joined and not yet lapsed."""
    joined = Q(joined_on__isnull=True) | Q(joined_on__lte=on)
    still = Q(status=Member.Status.ACTIVE) | Q(lapsed_on__gt=on)
    rows = Member.objects.filter(joined & still).values("branch_id").annotate(n=Count("pk"))
    return {row["branch_id"]: row["n"] for row in rows}


def branch_membership(conference: Conference, branch: Branch) -> int:
    """The frozen card weight if there is one, else today's count on the weights date."""
    weight = CardWeight.objects.filter(conference=conference, branch=branch).first()
    return weight.members if weight else membership_by_branch(conference.weights_on).get(branch.pk, 0)


def entitlement(conference: Conference, branch: Branch) -> int:
    return delegate_entitlement(branch_membership(conference, branch))


@transaction.atomic
def weights_freeze(*, conference: Conference, actor, now: dt.datetime | None = None) -> int:
    """Freeze every branch's card weight. Returns the number of branches."""
    require_clerk(actor)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    if conference.weights_frozen_at:
        raise Refused("The card weights are already frozen.", status=409)
    counts = membership_by_branch(conference.weights_on)
    CardWeight.objects.bulk_create([CardWeight(conference=conference, branch_id=b, members=n) for b, n in counts.items() if n])
    conference.weights_frozen_at = now or timezone.now()
    conference.save(update_fields=["weights_frozen_at"])
    audit_record(actor=actor, action=Action.CHANGE, subject=conference, detail={"event": "card weights frozen", "branches": len(counts)})
    return len(counts)


# --- Delegates ---------------------------------------------------------------------


def check_may_register(*, branch: Branch, actor) -> None:
    if branch.pk not in branches_spoken_for(actor) and not acts_as_clerk(actor):
        raise Refused(f"Only the secretary or chair of {branch} branch can register its delegates.", status=403)


def check_register_delegate(*, conference: Conference, branch: Branch, member: Member, actor) -> None:
    check_may_register(branch=branch, actor=actor)
    if member.branch_id != branch.pk or member.status != Member.Status.ACTIVE:
        raise Refused(f"A delegate must be an active member of {branch} branch.")
    if Delegate.objects.filter(conference=conference, member=member).exists():
        raise Refused("That member is already registered as a delegate.", status=409)
    allowed = entitlement(conference, branch)
    if Delegate.objects.filter(conference=conference, branch=branch).count() >= allowed:
        raise Refused(f"{branch} branch is entitled to {allowed} delegate(s), and all are registered.", status=409)


@transaction.atomic
def do_register_delegate(*, conference: Conference, branch: Branch, member: Member, actor) -> Delegate:
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    check_register_delegate(conference=conference, branch=branch, member=member, actor=actor)
    delegate = Delegate.objects.create(conference=conference, branch=branch, member=member, registered_by=actor)
    audit_record(actor=actor, action=Action.CHANGE, subject=delegate, detail={"event": "delegate registered", "branch": branch.code})
    return delegate


# --- Votes -------------------------------------------------------------------------


def _check_votable(motion: Motion, amendment: Amendment | None) -> None:
    if not motion.conference.agenda_published_at or motion.status != Motion.Status.ACCEPTED:
        raise Refused("Only motions on the published agenda are voted on.", status=409)
    if motion.outcome:
        raise Refused(f"Motion {motion.number} has already been {motion.get_outcome_display().lower()}.", status=409)
    if motion.votes.filter(status=Vote.Status.OPEN).exists():
        raise Refused("A vote on this motion is still open.", status=409)
    if amendment is not None:
        if amendment.motion_id != motion.pk or amendment.status != Amendment.Status.ACCEPTED or amendment.outcome:
            raise Refused("That amendment is not before conference.", status=409)


def _lock_motion(motion: Motion) -> Motion:
    return Motion.objects.select_for_update(of=("self",)).select_related("conference").get(pk=motion.pk)


@transaction.atomic
def vote_show_of_hands(*, motion: Motion, actor, votes_for: int, votes_against: int, abstentions: int,
                       amendment: Amendment | None = None, now: dt.datetime | None = None) -> Vote:  # fmt: skip
    """Record a vote taken by show of hands, with its figures, and its outcome."""
    require_clerk(actor)
    motion = _lock_motion(motion)
    _check_votable(motion, amendment)
    if min(votes_for, votes_against, abstentions) < 0:
        raise Refused("The counts cannot be negative.")
    now = now or timezone.now()
    vote = Vote.objects.create(
        motion=motion, amendment=amendment, method=Vote.Method.HANDS, votes_for=votes_for, votes_against=votes_against,
        abstentions=abstentions, recorded_by=actor, opened_at=now,
    )  # fmt: skip
    _declare(vote, actor=actor, now=now)
    return vote


@transaction.atomic
def vote_open_card(*, motion: Motion, actor, amendment: Amendment | None = None, now: dt.datetime | None = None) -> Vote:
    require_clerk(actor)
    motion = _lock_motion(motion)
    _check_votable(motion, amendment)
    if not motion.conference.weights_frozen_at:
        raise Refused("Freeze the card weights before calling a card vote.", status=409)
    vote = Vote.objects.create(motion=motion, amendment=amendment, method=Vote.Method.CARD, recorded_by=actor, opened_at=now or timezone.now())
    audit_record(actor=actor, action=Action.CHANGE, subject=vote, detail={"event": "card vote opened", "on": vote.subject_label})
    return vote


def check_cast_card(*, vote: Vote, member: Member | None, branch: Branch, choice: str) -> tuple[Delegate, int]:
    """Only a registered delegate of the branch casts its card, once per vote.
    Returns the delegate and the card's weight."""
    if vote.method != Vote.Method.CARD or vote.status != Vote.Status.OPEN:
        raise Refused("This card vote is not open.", status=409)
    delegate = Delegate.objects.filter(conference=vote.motion.conference_id, branch=branch, member=member).first() if member else None
    if delegate is None:
        raise Refused(f"Only a registered delegate of {branch} branch can cast its card.", status=403)
    if choice not in Card.Choice.values:
        raise Refused("Choose for, against or abstain.")
    weight = CardWeight.objects.filter(conference=vote.motion.conference_id, branch=branch).first()
    if weight is None:
        raise Refused(f"{branch} branch has no card weight for this conference.", status=409)
    if Card.objects.filter(vote=vote, branch=branch).exists():
        raise Refused(f"{branch} branch's card has already been cast in this vote.", status=409)
    return delegate, weight.members


def do_cast_card(*, vote: Vote, member: Member | None, branch: Branch, choice: str, now: dt.datetime | None = None) -> Card:
    try:
        with transaction.atomic():
            vote = Vote.objects.select_for_update(of=("self",)).select_related("motion").get(pk=vote.pk)
            delegate, weight = check_cast_card(vote=vote, member=member, branch=branch, choice=choice)
            card = Card.objects.create(vote=vote, branch=branch, delegate=delegate, choice=choice, weight=weight, cast_at=now or timezone.now())
            audit_record(actor=member.user, action=Action.CHANGE, subject=vote, detail={"event": "card cast", "branch": branch.code, "choice": choice})
    except IntegrityError:
        raise Refused(f"{branch} branch's card has already been cast in this vote.", status=409) from None
    return card


@transaction.atomic
def vote_close_card(*, vote: Vote, actor, now: dt.datetime | None = None) -> Vote:
    """Count the cards by weight and declare the outcome."""
    require_clerk(actor)
    vote = Vote.objects.select_for_update(of=("self",)).select_related("motion__conference", "amendment").get(pk=vote.pk)
    if vote.method != Vote.Method.CARD or vote.status != Vote.Status.OPEN:
        raise Refused("This card vote is not open.", status=409)
    totals = {choice: 0 for choice in Card.Choice.values}
    for choice, weight in vote.cards.values_list("choice", "weight"):
        totals[choice] += weight
    vote.votes_for, vote.votes_against, vote.abstentions = totals["for"], totals["against"], totals["abstain"]
    _declare(vote, actor=actor, now=now or timezone.now())
    return vote


# --- A secret vote of the delegates through the ballot engine ---------------------------

@transaction.atomic
def vote_open_secret(*, motion: Motion, actor, opens_at: dt.datetime, closes_at: dt.datetime, trustees: list[tuple],
                     threshold: int, amendment: Amendment | None = None, now: dt.datetime | None = None) -> Vote:  # fmt: skip
    """Put a motion (or an amendment) to a secret vote of the registered
    delegates, one vote each, through the verifiable ballot engine. The ballot
    is made as a draft: its trustees make its key, then it opens from its page."""
    require_clerk(actor)
    motion = _lock_motion(motion)
    _check_votable(motion, amendment)
    delegates = list(Member.objects.filter(pk__in=Delegate.objects.filter(conference=motion.conference).values("member")))
    if not delegates:
        raise Refused("No delegates are registered: there is nobody to vote.", status=409)
    now = now or timezone.now()
    vote = Vote.objects.create(motion=motion, amendment=amendment, method=Vote.Method.SECRET, recorded_by=actor, opened_at=now)
    subject = str(amendment) if amendment else f"Motion {motion.number}: {motion.title}"
    ballot = ballots.ballot_define(
        spec=ballots.BallotSpec(
            slug=f"{motion.conference.slug}-vote-{vote.pk}", title=f"{motion.conference.title}: {subject}",
            description=f"A secret vote of the delegates to {motion.conference.title}. Yes is for, No is against; not voting is an abstention.",
            questions=(ballots.QuestionSpec(text=f"Do you support {subject}?", kind=ballots.QuestionKind.YES_NO),),
            window=ballots.Window(opens_at=opens_at, closes_at=closes_at), threshold=threshold,
            trustees=tuple(ballots.TrusteeSpec(user=user, label=label) for user, label in trustees),
            electorate=ballots.Electorate(members=tuple(delegates)),
        ),
        actor=actor,
    )  # fmt: skip
    vote.ballot_id = ballot.id
    vote.save(update_fields=["ballot"])
    audit_record(actor=actor, action=Action.CHANGE, subject=vote, detail={"event": "secret vote opened", "on": vote.subject_label, "ballot": ballot.slug, "delegates": len(delegates)})
    return vote


@transaction.atomic
def vote_close_secret(*, vote: Vote, actor, now: dt.datetime | None = None) -> Vote:
    """Declare a secret vote from its ballot's decrypted result: Yes for, No
    against, and the delegates who did not vote as abstentions."""
    require_clerk(actor)
    vote = Vote.objects.select_for_update(of=("self",)).select_related("motion__conference", "amendment").get(pk=vote.pk)
    if vote.method != Vote.Method.SECRET or vote.status != Vote.Status.OPEN:
        raise Refused("This secret vote is not open.", status=409)
    result = ballots.ballot_results(ballot_id=vote.ballot_id)
    if result is None or result.headline is None:
        raise Refused("The secret vote's result has not been decrypted yet: its trustees decrypt it after it closes.", status=409)
    question = result.headline.questions[0]  # the one YES_NO question: Yes is for, No against
    vote.votes_for, vote.votes_against = question.votes_for(ballots.YES), question.votes_for(ballots.NO)
    vote.abstentions = result.entitled - result.headline.ballots
    _declare(vote, actor=actor, now=now or timezone.now())
    return vote


def _declare(vote: Vote, *, actor, now: dt.datetime) -> None:
    """Record the outcome on the vote and on what was voted on; a carried
    motion becomes a resolution. Call inside the vote's transaction."""
    vote.outcome = Outcome.CARRIED if vote.votes_for > vote.votes_against else Outcome.LOST
    vote.status, vote.closed_at = Vote.Status.CLOSED, now
    vote.save()
    subject = vote.amendment or vote.motion
    subject.outcome = vote.outcome
    subject.save(update_fields=["outcome"])
    figures = {"for": vote.votes_for, "against": vote.votes_against, "abstain": vote.abstentions}
    audit_record(actor=actor, action=Action.CHANGE, subject=vote, detail={"event": "vote declared", "on": vote.subject_label, "method": vote.method, "outcome": vote.outcome, **figures})
    if vote.amendment is None and vote.outcome == Outcome.CARRIED:
        _make_resolution(vote.motion, now=now)


def _make_resolution(motion: Motion, *, now: dt.datetime) -> Resolution:
    carried = [a for a in motion.amendments.all() if a.outcome == Outcome.CARRIED]
    instructions = motion.text + "".join(f"\n\nAs amended ({a}): {a.text}" for a in carried)
    return Resolution.objects.create(
        motion=motion, conference=motion.conference, title=motion.title, instructions=instructions,
        responsible=motion.instructs, responsible_role=motion.instructs_role, created_at=now,
    )  # fmt: skip
