"""Elections from nomination to declaration. Each step is checked (check_*)
and then done atomically with its audit entry (do_* and the HQ actions); the
do_* functions take the election's row lock and check again under it, so the
close of nominations cannot be raced past.

Times come in as ``now`` so tests can stand on either side of a deadline."""

import datetime as dt
import secrets
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

import stvcount
from stvcount.render.text import render_text
from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.elections import notices
from unionhall.elections.models import Election, Nomination
from unionhall.members.access import active_member
from unionhall.members.models import ROLE_SCOPE, Member, Office, Role, add_years
from unionhall.members.services import office_create
from unionhall.refusals import Refused


def _when(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y at %H:%M}"


def lock_election(election: Election) -> Election:
    return Election.objects.select_for_update(of=("self",)).select_related("branch").get(pk=election.pk)


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of non-space characters."""
    return len(text.split())


# --- Who may take part ---------------------------------------------------------


def may_vote(*, election: Election, member: Member | None) -> bool:
    """An active member; for a branch office, a member of that branch."""
    if member is None or member.status != Member.Status.ACTIVE:
        return False
    return not election.branch_id or member.branch_id == election.branch_id


def may_stand(*, election: Election, member: Member | None) -> bool:
    return may_vote(election=election, member=member)


def _eligible_text(election: Election) -> str:
    return f"an active member of {election.branch} branch" if election.branch_id else "an active member"


# --- Creating an election ---------------------------------------------------------


@transaction.atomic
def election_create(*, election: Election, actor) -> Election:
    election.created_by = actor if getattr(actor, "is_authenticated", False) else None
    election.full_clean()
    election.save()
    audit_record(
        actor=actor, action=Action.CHANGE, subject=election,
        detail={"event": "election called", "role": election.role, "seats": election.seats, "term_years": election.term_years},
    )  # fmt: skip
    return election


# --- Nominations ---------------------------------------------------------------------


def check_window(*, election: Election, now: dt.datetime) -> None:
    if election.status != Election.Status.NOMINATIONS:
        raise Refused("Nominations for this election are closed.", status=409)
    if now < election.nominations_open:
        raise Refused(f"Nominations open on {_when(election.nominations_open)}.", status=409)
    if now >= election.nominations_close:
        raise Refused(f"Nominations closed on {_when(election.nominations_close)}.", status=409)


# What the proposer is told after proposing, whatever the membership numbers
# they typed turned out to be: the same words for a nomination recorded and for
# none, so the form cannot be used to learn whether a number is a member's,
# whose it is, or whether that member may stand.
PROPOSED = (
    "Thank you. If those membership numbers belong to members who may stand and second in this election, the candidate "
    "has been asked by email to accept. You will hear once they have, and the seconder is then asked to confirm."
)


def check_nominate(*, election: Election, proposer: Member | None, seconder: Member | None, candidate: Member | None, now: dt.datetime) -> None:
    """Refuse what the proposer may be told about: the window, and the proposer
    themself (eligibility, naming themself). Nothing here depends on who else
    holds the numbers they typed."""
    check_window(election=election, now=now)
    if not may_vote(election=election, member=proposer):
        raise Refused(f"Only {_eligible_text(election)} can propose a candidate in this election.", status=403)
    if candidate is not None and candidate.pk == proposer.pk:
        raise Refused("You cannot propose yourself: another member must propose you.")
    if seconder is not None and seconder.pk == proposer.pk:
        raise Refused("The proposer and the seconder must be different members.")


def nomination_problem(*, election: Election, proposer: Member, seconder: Member | None, candidate: Member | None) -> str | None:
    """Why the named candidate and seconder cannot make a nomination, or None.
    For the audit log only, never for the proposer (see ``PROPOSED``)."""
    if not may_stand(election=election, member=candidate):
        return "the candidate's number is not a member who may stand"
    if not may_vote(election=election, member=seconder):
        return "the seconder's number is not a member who may second"
    if candidate.pk == seconder.pk:
        return "the candidate and the seconder are the same member"
    if Nomination.objects.filter(election=election, candidate=candidate).exists():
        return "the candidate is already nominated"
    return None


@transaction.atomic
def do_nominate(*, election: Election, proposer: Member | None, seconder: Member | None, candidate: Member | None, now: dt.datetime | None = None) -> Nomination | None:
    """The proposer nominates ``candidate``. Only the candidate hears of it
    first; once they accept, the proposer hears and the seconder is asked to
    confirm, and the nomination stands when they do. Returns None, recording
    only an audit entry, when the named members cannot make a nomination: the
    proposer is answered the same either way (``PROPOSED``)."""
    now = now or timezone.now()
    election = lock_election(election)
    check_nominate(election=election, proposer=proposer, seconder=seconder, candidate=candidate, now=now)
    problem = nomination_problem(election=election, proposer=proposer, seconder=seconder, candidate=candidate)
    if problem:
        audit_record(actor=proposer.user, action=Action.CHANGE, subject=election,
                     detail={"event": "nomination not recorded", "election": election.pk, "why": problem})  # fmt: skip
        return None
    nomination = Nomination.objects.create(election=election, candidate=candidate, proposer=proposer, seconder=seconder, nominated_at=now)
    audit_record(
        actor=proposer.user, action=Action.CHANGE, subject=nomination,
        detail={"event": "nominated", "election": election.pk, "candidate": candidate.membership_number,
                "proposer": proposer.membership_number, "seconder": seconder.membership_number},
    )  # fmt: skip
    notices.nomination_step(nomination, "nominated")
    return nomination


def check_second(*, nomination: Nomination, member: Member | None, now: dt.datetime) -> None:
    if member is None or member.pk != nomination.seconder_id:
        raise Refused("Only the member named as seconder can second this nomination.", status=403)
    check_window(election=nomination.election, now=now)
    if not may_vote(election=nomination.election, member=member):
        raise Refused(f"The seconder must be {_eligible_text(nomination.election)}.", status=403)
    if nomination.seconded_at:
        raise Refused("You have already seconded this nomination.", status=409)
    if nomination.accepted_at is None:  # the candidate confirms first: until then the seconder is not told of it
        raise Refused("This nomination is not ready to second.", status=404)


@transaction.atomic
def do_second(*, nomination: Nomination, member: Member | None, now: dt.datetime | None = None) -> Nomination:
    now = now or timezone.now()
    lock_election(nomination.election)
    nomination = Nomination.objects.select_related("election__branch").get(pk=nomination.pk)
    check_second(nomination=nomination, member=member, now=now)
    nomination.seconded_at = now
    nomination.save(update_fields=["seconded_at"])
    audit_record(actor=member.user, action=Action.CHANGE, subject=nomination, detail={"event": "seconded", "election": nomination.election_id})
    notices.nomination_step(nomination, "seconded")
    return nomination


def check_accept(*, nomination: Nomination, member: Member | None, address: str, now: dt.datetime) -> None:
    if member is None or member.pk != nomination.candidate_id:
        raise Refused("Only the candidate can accept this nomination.", status=403)
    election = nomination.election
    check_window(election=election, now=now)
    if not may_stand(election=election, member=member):
        raise Refused(f"The candidate must be {_eligible_text(election)}.", status=403)
    words = word_count(address)
    if words > election.address_word_limit:
        raise Refused(
            f"Your election address has {words} words; the limit for every candidate is {election.address_word_limit}. "
            "Shorten it and send it again."
        )


@transaction.atomic
def do_accept(*, nomination: Nomination, member: Member | None, address: str, now: dt.datetime | None = None) -> Nomination:
    """The candidate accepts (or, while nominations are open, replaces their
    election address). The address is stored exactly as written."""
    now = now or timezone.now()
    lock_election(nomination.election)
    nomination = Nomination.objects.select_related("election__branch").get(pk=nomination.pk)
    check_accept(nomination=nomination, member=member, address=address, now=now)
    first = nomination.accepted_at is None
    nomination.address = address
    nomination.accepted_at = nomination.accepted_at or now
    nomination.save(update_fields=["address", "accepted_at"])
    audit_record(
        actor=member.user, action=Action.CHANGE, subject=nomination,
        detail={"event": "accepted" if first else "address replaced", "election": nomination.election_id, "words": word_count(address)},
    )  # fmt: skip
    if first:
        notices.nomination_step(nomination, "accepted")
    return nomination


# --- Close of nominations and the result ---------------------------------------------


def is_hq(actor) -> bool:
    member = active_member(actor)
    return bool(member) and Office.objects.current().filter(member=member, role=Role.HQ_ADMIN).exists()


def check_close(*, election: Election, actor, now: dt.datetime) -> None:
    if not is_hq(actor):
        raise Refused("Only HQ can close nominations.", status=403)
    if election.status != Election.Status.NOMINATIONS:
        raise Refused("Nominations for this election are already closed.", status=409)
    if now < election.nominations_close:
        raise Refused(f"Nominations stay open until {_when(election.nominations_close)}.", status=409)


def appoint(*, election: Election, winners: Sequence[Nomination], actor) -> list[Office]:
    """Each winner's term in the register, validated by ``Office.clean`` (the
    statutory limit) through ``office_create``. A term the register refuses
    undoes the whole declaration."""
    ends_on = add_years(election.term_starts_on, election.term_years)
    offices = []
    for nomination in winners:
        office = Office(
            member=nomination.candidate, role=election.role, starts_on=election.term_starts_on, ends_on=ends_on,
            branch=election.branch if ROLE_SCOPE[election.role] == "branch" else None,
        )  # fmt: skip
        try:
            offices.append(office_create(office=office, actor=actor))
        except ValidationError as exc:
            raise Refused(f"The register refused {nomination.candidate.full_name}'s term: {' '.join(exc.messages)}") from exc
        nomination.elected = True
        nomination.save(update_fields=["elected"])
    return offices


@transaction.atomic
def election_close_nominations(*, election: Election, actor, now: dt.datetime | None = None) -> Election:
    """HQ closes nominations. No more candidates than seats: they are elected
    unopposed and their terms entered in the register. More: the election goes
    to ballot, counted later by ``online`` (first past the post through the
    ballot engine) or ``scrutineer`` (the scrutineer's BLT file)."""
    now = now or timezone.now()
    election = lock_election(election)
    check_close(election=election, actor=actor, now=now)
    standing = election.ballot_order()
    if not standing:
        election.status = Election.Status.NO_CANDIDATES
    elif len(standing) <= election.seats:
        election.status = Election.Status.UNCONTESTED
        election.declared_at = now
        appoint(election=election, winners=sorted(standing, key=lambda n: n.pk), actor=actor)
    else:
        election.status = Election.Status.BALLOT
    election.closed_at = now
    election.save(update_fields=["status", "closed_at", "declared_at"])
    audit_record(
        actor=actor, action=Action.OFFICE if election.status == Election.Status.UNCONTESTED else Action.CHANGE, subject=election,
        detail={"event": "nominations closed", "status": election.status, "candidates": [n.candidate.membership_number for n in standing]},
    )  # fmt: skip
    if election.status == Election.Status.UNCONTESTED:
        notices.result_declared(election, standing)
    return election


def check_ballots(*, candidates: int, ballots: Sequence[Sequence[int]]) -> None:
    for number, ranking in enumerate(ballots, start=1):
        if any(not isinstance(c, int) or isinstance(c, bool) or not 0 <= c < candidates for c in ranking):
            raise Refused(f"Ballot {number} names a candidate that is not standing.")
        if len(set(ranking)) != len(ranking):
            raise Refused(f"Ballot {number} ranks a candidate twice.")
    if not any(ballots):
        raise Refused("There are no valid ballots to count.")


def check_counting(*, election: Election, actor) -> None:
    if not is_hq(actor):
        raise Refused("Only HQ can declare the result of an election.", status=403)
    if election.status != Election.Status.BALLOT:
        raise Refused("Only a contested election whose ballot has closed can be counted.", status=409)


def blt_name(text: str) -> str:
    """``text`` as a BLT file holds it: one line, no double quotes (BLT
    quotes names with '"' and has no escape for it)."""
    return " ".join(text.replace('"', "'").split())


def declare_count(*, election: Election, standing: Sequence[Nomination], profile: stvcount.Election, actor, now: dt.datetime, source: dict) -> Election:
    """Count ``profile`` (candidates numbered as in ``standing``, the ballot
    order) by the election's rule, publish the profile as BLT with stvcount's
    result, enter the winners' terms and tell the candidates. Call holding
    the election's row lock, inside a transaction; ``source`` says where the
    ballots came from, for the audit entry."""
    # A fresh seed, drawn now: a lot nobody could know before the count. It is
    # published with any tie it settles, so anyone can repeat the draw.
    seed = secrets.randbelow(2**32)
    result = stvcount.count(profile, Election.RULES[election.method], seed=seed)
    election.blt = stvcount.format_blt(profile)
    election.stage_table = result.to_dict()
    election.count_report = render_text(result)
    election.status = Election.Status.DECLARED
    election.declared_at = now
    election.save(update_fields=["blt", "stage_table", "count_report", "status", "declared_at", "scrutineer"])
    appoint(election=election, winners=[standing[i] for i in result.winners], actor=actor)
    audit_record(
        actor=actor, action=Action.OFFICE, subject=election,
        detail={"event": "result declared", "rule": result.rule, "valid": result.valid,
                "elected": [standing[i].candidate.membership_number for i in result.winners], "seed": seed, **source},
    )  # fmt: skip
    notices.result_declared(election, standing)
    return election


@transaction.atomic
def count_ranked(*, election: Election, ballots: Sequence[Sequence[int]], actor, now: dt.datetime | None = None) -> Election:
    """Count a contested election from anonymised ranked ballots: each is a
    list of candidate indices in ``ballot_order()``, first preference first
    (for first past the post only the first counts). Publishes the ballot
    profile as BLT, records stvcount's result and the winners' terms.
    Needs the ballots already separated from who cast them."""
    now = now or timezone.now()
    election = lock_election(election)
    check_counting(election=election, actor=actor)
    standing = election.ballot_order()
    check_ballots(candidates=len(standing), ballots=ballots)
    profile = stvcount.Election.of(
        [blt_name(n.candidate.full_name) for n in standing], election.seats,
        [(1, tuple(ranking)) for ranking in ballots], title=blt_name(election.title),
    )  # fmt: skip
    return declare_count(election=election, standing=standing, profile=profile, actor=actor, now=now, source={"from": "ranked ballots"})
