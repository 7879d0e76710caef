"""First past the post by secret ballot through the ballot engine.

HQ starts the ballot once nominations close contested: one question whose
options are the candidates in the election's ballot order, the roll the
election's electorate (the branch, or the whole union), and the trustees HQ
names. The ballots app then runs it (key ceremony, voting, close, trustees'
decryption) through its own pages. Once the headline result is decrypted,
HQ declares: the most votes win.

Ties: if candidates tie for the last seat(s), the seats are settled by lot,
drawn from the ballot's lot seed: the hash of values the ballot's trustees
committed to at the key ceremony and revealed with their shares at the count
(``ballots.api.ballot_lot_seed``; docs/election-record.md §6.8), so neither
the server nor any one trustee chose it, and the election record lets anyone
recompute it. Only a ballot whose ceremony had no such values (made before
them, or the demo's) falls back to a seed the server draws at declaration.
HQ sees the tie on the election page before declaring; the seed, the tied
candidates and who was drawn are published in the stage table, written in
the audit entry and mentioned in the email to every candidate, so the lot
can be re-drawn by anyone (``random.Random(int(seed, 16)).sample(tied, places)``
for the trustees' hex seed, ``random.Random(seed)`` for a server-drawn number).

Ranked (STV) ballots cannot be summed under encryption, so STV elections
take the scrutineer's route (``scrutineer.py``) instead.

The elections app calls the ballot engine only through ``ballots.api``: it
defines the ballot from a spec, keeps its id (``Election.ballot``, a
ForeignKey named by string), and reads back the typed result."""

import datetime as dt
import random
import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.ballots import api as ballots
from unionhall.elections import notices
from unionhall.elections.models import Election, Nomination
from unionhall.elections.services import appoint, is_hq, lock_election
from unionhall.refusals import Refused

def ballot_option(nomination: Nomination) -> str:
    return f"{nomination.candidate.full_name} ({nomination.candidate.branch} branch)"


def ballot_explanation(election: Election) -> str:
    return (
        f"The {election.title}: {election.seats} {election.get_role_display()} seat{'s' if election.seats > 1 else ''} "
        f"for {election.scope_label}, first past the post. "
        f"Every candidate's election address, exactly as written and in the same order as on this ballot: "
        f"{reverse('election_detail', args=[election.pk])}"
    )


def check_start_ballot(*, election: Election, actor, opens_at: dt.datetime, closes_at: dt.datetime, trustees: list, threshold: int, now: dt.datetime) -> None:
    if not is_hq(actor):
        raise Refused("Only HQ can start an election's ballot.", status=403)
    if election.status != Election.Status.BALLOT:
        raise Refused("Only a contested election, after the close of nominations, goes to ballot.", status=409)
    if election.ballot_id:
        raise Refused("This election's ballot has already been started.", status=409)
    if election.method != Election.Method.FPTP:
        raise Refused(
            "Ranked (STV) ballots cannot be added up while encrypted, so an STV election is counted from the "
            "independent scrutineer's ballot profile: upload it as a BLT file.", status=409,
        )  # fmt: skip
    if closes_at <= opens_at:
        raise Refused("Voting must close after it opens.")
    if closes_at <= now:
        raise Refused("Voting must close in the future.")
    if not trustees:
        raise Refused("Name at least one trustee to hold the ballot's key.")
    if not 1 <= threshold <= len(trustees):
        raise Refused(f"The number of trustees needed to decrypt must be between 1 and {len(trustees)}.")


@transaction.atomic
def election_start_ballot(*, election: Election, actor, opens_at: dt.datetime, closes_at: dt.datetime,
                          trustees: list[tuple], threshold: int, now: dt.datetime | None = None) -> ballots.BallotFacts:  # fmt: skip
    """Create the election's secret ballot as a draft in the ballot engine;
    ``trustees`` are (user, label) pairs. Returns the ballot."""
    now = now or timezone.now()
    election = lock_election(election)
    check_start_ballot(election=election, actor=actor, opens_at=opens_at, closes_at=closes_at, trustees=trustees, threshold=threshold, now=now)
    standing = election.ballot_order()
    options = [ballot_option(n) for n in standing]
    if len(set(options)) != len(options):
        raise Refused("Two candidates have the same name and branch, so the ballot paper could not tell them apart.")
    question = ballots.QuestionSpec(
        text=f"Vote for {'one candidate' if election.seats == 1 else f'up to {election.seats} candidates'}",
        kind=ballots.QuestionKind.ONE if election.seats == 1 else ballots.QuestionKind.UP_TO, options=tuple(options), max_choices=election.seats,
    )  # fmt: skip
    ballot = ballots.ballot_define(
        spec=ballots.BallotSpec(
            slug=f"election-{election.pk}", title=election.title, description=ballot_explanation(election), questions=(question,),
            window=ballots.Window(opens_at=opens_at, closes_at=closes_at), electorate=ballots.Electorate(branch=election.branch),
            trustees=tuple(ballots.TrusteeSpec(user=user, label=label) for user, label in trustees), threshold=threshold,
        ),
        actor=actor,
    )  # fmt: skip
    election.ballot_id = ballot.id
    election.save(update_fields=["ballot"])
    audit_record(actor=actor, action=Action.CHANGE, subject=election, detail={"event": "ballot started", "ballot": ballot.slug, "trustees": len(trustees)})
    return ballot


# --- The count ------------------------------------------------------------------------


def ballot_headline(election: Election) -> ballots.AreaResult | None:
    """The secret ballot's overall result, once the ballot engine has decrypted it; None before."""
    result = ballots.ballot_results(ballot_id=election.ballot_id) if election.ballot_id else None
    return result.headline if result else None


def candidate_votes(headline: ballots.AreaResult) -> list[int]:
    """Votes for each candidate in ballot order: the options of the ballot's one question."""
    return [option.votes for option in headline.questions[0].options]


def ballot_votes(election: Election) -> list[int] | None:
    """Votes for each candidate in ballot order, once decrypted; None before."""
    headline = ballot_headline(election)
    return candidate_votes(headline) if headline else None


def fptp_places(votes: list[int], seats: int) -> tuple[list[int], list[int], int]:
    """(sure winners, candidates tied for the remaining places, places left to
    them). With no tie, the tied list is empty."""
    order = sorted(range(len(votes)), key=lambda i: (-votes[i], i))
    if len(order) <= seats:
        return order, [], 0
    cutoff = votes[order[seats - 1]]
    sure = [i for i in order if votes[i] > cutoff]
    tied = [i for i in order if votes[i] == cutoff]
    if len(sure) + len(tied) == seats:
        return sure + tied, [], 0
    return sure, sorted(tied), seats - len(sure)


def stage_table(election: Election, standing: list[Nomination], votes: list[int], winners: list[int], tie: dict | None, *, valid: int) -> dict:
    """The result in the shape stvcount publishes (candidates numbered from 1),
    so the result page shows it the same way; ``valid``: the ballots counted."""
    number = {i: str(i + 1) for i in range(len(standing))}
    return {
        "rule": "fptp", "title": election.title, "seats": election.seats, "quota": None, "valid": valid,
        "candidates": {number[i]: n.candidate.full_name for i, n in enumerate(standing)},
        "elected": [i + 1 for i in winners],
        "stages": [{"stage": 1, "action": "votes cast in the secret ballot", "totals": {number[i]: str(v) for i, v in enumerate(votes)},
                    "non_transferable": "0"}],
        "ties": [tie] if tie else [],
    }  # fmt: skip


def check_declare(*, election: Election, actor) -> ballots.AreaResult:
    """The decrypted overall result to declare from, or Refused."""
    if not is_hq(actor):
        raise Refused("Only HQ can declare the result of an election.", status=403)
    if election.status != Election.Status.BALLOT or not election.ballot_id:
        raise Refused("Only an election whose secret ballot has been held can be declared from it.", status=409)
    headline = ballot_headline(election)
    if headline is None:
        raise Refused("The trustees have not yet decrypted the ballot's result.", status=409)
    return headline


@transaction.atomic
def election_declare_from_ballot(*, election: Election, actor, now: dt.datetime | None = None, lot_seed: int | None = None) -> Election:
    """Declare the winners by votes in the decrypted headline result; a tie
    for the last place is settled by lot (see the module's docstring).
    ``lot_seed`` is for tests; otherwise the ballot's lot seed is used."""
    now = now or timezone.now()
    election = lock_election(election)
    headline = check_declare(election=election, actor=actor)
    votes = candidate_votes(headline)
    standing = election.ballot_order()
    winners, tied, places = fptp_places(votes, election.seats)
    tie = None
    if tied:
        trustees_seed = ballots.ballot_lot_seed(ballot_id=election.ballot_id) if lot_seed is None else None
        if trustees_seed:
            drawn = random.Random(int(trustees_seed, 16)).sample(tied, places)
            method = f"lot (seed {trustees_seed}, from the ballot's trustees)"
        else:
            seed = secrets.randbits(64) if lot_seed is None else lot_seed
            drawn = random.Random(seed).sample(tied, places)
            method = f"lot (seed {seed})"
        tie = {"stage": 1, "purpose": "elect", "candidates": [i + 1 for i in tied], "chosen": drawn[0] + 1,
               "drawn": [i + 1 for i in drawn], "votes": votes[tied[0]], "method": method}  # fmt: skip
        winners = winners + drawn
    election.stage_table = stage_table(election, standing, votes, winners, tie, valid=headline.ballots)
    election.count_report = ""
    election.status = Election.Status.DECLARED
    election.declared_at = now
    election.save(update_fields=["stage_table", "count_report", "status", "declared_at"])
    appoint(election=election, winners=[standing[i] for i in winners], actor=actor)
    audit_record(
        actor=actor, action=Action.OFFICE, subject=election,
        detail={"event": "result declared", "rule": "fptp", "from": f"ballot {ballots.ballot_facts(ballot_id=election.ballot_id).slug}", "votes": votes,
                "elected": [standing[i].candidate.membership_number for i in winners], "tie": tie},
    )  # fmt: skip
    notices.result_declared(election, standing)
    return election
