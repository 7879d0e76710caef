"""The ballot engine's published interface: all that elections, conference,
mandates, and any app to come (bargaining), may use of ``ballots``.

Every function takes keyword-only arguments and answers in frozen dataclasses
or the engine's own enums, so no caller reads the engine's models or unpacks
its answers by position. A caller's row points at its ballot with a
ForeignKey named by string (``"ballots.Ballot"``) and passes its id
(``ballot_id=row.ballot_id``) back in here. A refusal is ``Refused``, as
everywhere.

The engine knows none of its callers. A rule profile (the law around some
ballots) plugs in at start-up through ``register_profile`` (``ballots.hooks``).

What the engine does, step by step, is in its phase modules (setup, roll,
casting, board, counting, record); this module only translates."""

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from unionhall.ballots import demo, hooks
from unionhall.ballots.casting import check_cast_ballot, do_cast_ballot
from unionhall.ballots.counting import AreaResult, OptionResult, QuestionResult, Results, ballot_close as _close, lot_seed as _lot_seed, results
from unionhall.ballots.hooks import DriveTerms, RuleProfile
from unionhall.ballots.models import Ballot, Question, RollEntry
from unionhall.ballots.record import ballot_record as _record
from unionhall.ballots.roll import entitled_members as _entitled
from unionhall.ballots.setup import ballot_create, ballot_open as _open
from unionhall.members.models import Branch, Employer, Member, User, Workplace
from unionhall.refusals import Refused

__all__ = [
    "NO", "YES", "AreaKind", "AreaResult", "BallotFacts", "BallotSpec", "DriveTerms", "Electorate", "OptionResult",
    "QuestionFacts", "QuestionKind", "QuestionResult", "QuestionSpec", "Receipt", "Results", "RollCounts", "RuleProfile",
    "Status", "TrusteeSpec", "Window", "ballot_cast", "ballot_close", "ballot_define", "ballot_facts", "ballot_find",
    "ballot_open", "ballot_questions", "ballot_record", "ballot_results", "ballot_lot_seed", "entitled_members", "register_profile",
    "roll_counts", "voted_members",
    "demo_aliases", "demo_cast_votes", "demo_decrypt_headline", "demo_keys", "demo_save_key_files",
    "demo_spread_voting_times", "demo_vote",
]  # fmt: skip

# The engine's enums, for callers to name values instead of copying strings.
Status = Ballot.Status
QuestionKind = Question.Kind
AreaKind = Ballot.AreaKind
YES, NO = Question.YES_NO_OPTIONS  # the options of a YES_NO question, in the ballot's order


# --- Defining a ballot ------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    text: str
    kind: QuestionKind = QuestionKind.YES_NO
    options: tuple[str, ...] = ()  # none for YES_NO: its options are YES and NO
    max_choices: int = 1  # for UP_TO


@dataclass(frozen=True)
class TrusteeSpec:
    user: User
    label: str  # how the result names them, e.g. "Independent scrutineer"


@dataclass(frozen=True)
class Electorate:
    """Who may vote, read from the register when the roll freezes: active
    members matching every field given. ``members``, when given, names the
    only members entitled (conference's delegates)."""

    employer: Employer | None = None
    branch: Branch | None = None
    workplace: Workplace | None = None
    grades: tuple[str, ...] = ()
    joined_by: dt.date | None = None
    members: tuple[Member, ...] = ()


@dataclass(frozen=True)
class Window:
    opens_at: dt.datetime
    closes_at: dt.datetime


@dataclass(frozen=True)
class BallotSpec:
    """A ballot to define. The rule profile that governs it is not named here:
    a profile claims its ballots itself, through its own rows (see hooks)."""

    slug: str
    title: str
    description: str
    questions: tuple[QuestionSpec, ...]
    window: Window
    trustees: tuple[TrusteeSpec, ...]
    threshold: int  # how many trustees together can decrypt
    electorate: Electorate = Electorate()
    areas: AreaKind = AreaKind.BRANCH  # how the turnout and area results are broken down


@dataclass(frozen=True)
class BallotFacts:
    """A ballot as a caller may see it."""

    id: int
    slug: str
    title: str
    status: Status
    window: Window
    roll_frozen_at: dt.datetime | None
    closed_at: dt.datetime | None
    employer_id: int | None

    @property
    def status_label(self) -> str:
        return Status(self.status).label


@dataclass(frozen=True)
class QuestionFacts:
    id: int
    key: str
    position: int
    text: str
    kind: QuestionKind
    options: tuple[str, ...]  # as the voter sees them; YES and NO for a YES_NO question


@dataclass(frozen=True)
class Receipt:
    tracker: str  # the voter's tracker, found on the bulletin board


@dataclass(frozen=True)
class RollCounts:
    entitled: int  # on the roll now
    voted: int  # of them, who have voted online


_FACTS = ("id", "slug", "title", "status", "opens_at", "closes_at", "roll_frozen_at", "closed_at", "employer_id")


def _facts(ballot: Ballot) -> BallotFacts:
    return BallotFacts(ballot.pk, ballot.slug, ballot.title, Status(ballot.status), Window(ballot.opens_at, ballot.closes_at),
                       ballot.roll_frozen_at, ballot.closed_at, ballot.employer_id)  # fmt: skip


def _ballot(ballot_id: int) -> Ballot:
    return Ballot.objects.get(pk=ballot_id)


def ballot_define(*, spec: BallotSpec, actor) -> BallotFacts:
    """Save ``spec`` as a draft ballot; its trustees then make its key on the
    ballot's pages, and it opens from there (or ``ballot_open``). Refused,
    naming the fields, if the engine will not hold it (a slug taken, a window
    that closes before it opens). Call inside the caller's transaction to
    tie the ballot to the caller's row."""
    electorate = spec.electorate
    ballot = Ballot(
        slug=spec.slug, title=spec.title, explanation=spec.description, opens_at=spec.window.opens_at, closes_at=spec.window.closes_at,
        employer=electorate.employer, branch=electorate.branch, workplace=electorate.workplace, grades=list(electorate.grades),
        joined_by=electorate.joined_by, area_kind=spec.areas, trustee_threshold=spec.threshold,
    )  # fmt: skip
    questions = [{"text": q.text, "kind": q.kind, "options": list(q.options), "max": q.max_choices} for q in spec.questions]
    try:
        ballot_create(ballot=ballot, questions=questions, trustees=[(t.user, t.label) for t in spec.trustees], actor=actor,
                      electorate=electorate.members)  # fmt: skip
    except ValidationError as exc:
        raise Refused(f"The ballot engine refused the ballot: {' '.join(exc.messages)}") from exc
    return _facts(ballot)


def ballot_facts(*, ballot_id: int) -> BallotFacts:
    """The ballot as it is now (read afresh each call)."""
    return _facts(Ballot.objects.only(*_FACTS).get(pk=ballot_id))


def ballot_find(*, slug: str) -> BallotFacts | None:
    ballot = Ballot.objects.only(*_FACTS).filter(slug=slug).first()
    return _facts(ballot) if ballot else None


def ballot_questions(*, ballot_id: int) -> tuple[QuestionFacts, ...]:
    """The ballot's questions in the order of its paper."""
    return tuple(
        QuestionFacts(q.pk, q.key, q.position, q.text, QuestionKind(q.kind), tuple(q.manifest_entry()["options"]))
        for q in Question.objects.filter(ballot_id=ballot_id).order_by("position")
    )  # fmt: skip


# --- Running it -------------------------------------------------------------------


def ballot_open(*, ballot_id: int, actor, now: dt.datetime | None = None) -> int:
    """Freeze the roll and open the ballot; returns the roll's size. Refused
    before the trustees' key is made, or while a rule profile blocks it."""
    return _open(ballot=_ballot(ballot_id), actor=actor, now=now)


def ballot_close(*, ballot_id: int, actor, now: dt.datetime | None = None) -> None:
    """Close voting and sum the counted ballots; the trustees then decrypt."""
    _close(ballot=_ballot(ballot_id), actor=actor, now=now)


def ballot_cast(*, ballot_id: int, member: Member, content: dict, now: dt.datetime | None = None) -> Receipt:
    """Cast ``member``'s encrypted ballot, as the booth does: checked
    (check_cast_ballot), then stored under the casting lock (do_cast_ballot).
    A later one replaces it. Refused if the ballot is not open, the member is
    not on its roll, or its proofs do not verify."""
    ballot = Ballot.objects.defer("tallies", "counts", "trustee_publics", "turnout_curve", "explanation").get(pk=ballot_id)
    check = check_cast_ballot(ballot=ballot, member=member, content=content, now=now)
    return Receipt(do_cast_ballot(ballot=ballot, check=check, content=content).tracker)


def ballot_results(*, ballot_id: int) -> Results | None:
    """Turnout and totals, once the trustees have declared the overall result; None before."""
    ballot = _ballot(ballot_id)
    return results(ballot) if ballot.status == Status.RESULT else None


def ballot_lot_seed(*, ballot_id: int) -> str | None:
    """The seed for drawing lots between tied options (64 hex characters), once
    the overall result is decrypted: the hash of values the trustees committed
    to at the key ceremony and revealed at the count, so no single party chose
    it; the election record lets anyone recompute it. None before the count, or
    for a ballot whose key ceremony had no such values."""
    return _lot_seed(_ballot(ballot_id))


def ballot_record(*, ballot_id: int) -> dict:
    """The election record (docs/election-record.md), with any section a rule
    profile adds; ``unionhall-verify`` checks it."""
    return _record(_ballot(ballot_id))


# --- The roll ---------------------------------------------------------------------


def entitled_members(*, ballot_id: int) -> QuerySet[Member]:
    """Before the roll freezes, the members the register says will be
    entitled; after, the members on the frozen roll (not those taken off)."""
    return _entitled(_ballot(ballot_id))


def roll_counts(*, ballot_id: int) -> RollCounts:
    on_roll = RollEntry.objects.filter(ballot_id=ballot_id, removed_at__isnull=True)
    return RollCounts(on_roll.count(), on_roll.filter(voted_at__isnull=False).count())


def voted_members(*, ballot_id: int) -> QuerySet:
    """The ids of the members on the roll who have voted online (never how),
    as a subquery: for a hybrid ballot's papers to set aside."""
    return RollEntry.objects.filter(ballot_id=ballot_id, voted_at__isnull=False, removed_at__isnull=True).values("member_id")


# --- Rule profiles ----------------------------------------------------------------


def register_profile(profile: RuleProfile) -> None:
    """Plug a rule profile into the engine (see ``ballots.hooks``). Call from
    the owning app's ``AppConfig.ready()``, once at start-up."""
    hooks.register(profile)


# --- For the demo union only ---------------------------------------------------------
# Fictional data made through the real services. Trustees' keys made in one
# place with seeded randomness, which no real ballot may do.


def demo_keys(*, ballot_id: int, label: str, actor=None) -> tuple[dict, ...]:
    """Run the trustees' key ceremony for the draft ballot in one place and
    set its key; returns the trustees' keys, for the demo to decrypt with."""
    return tuple(demo.make_demo_keys(_ballot(ballot_id), label=label, actor=actor))


def demo_save_key_files(*, slug: str, keys: Sequence[dict]) -> None:
    """The trustees' key files, sealed with the demo's published passphrase."""
    demo.save_key_files(slug, list(keys))


def demo_aliases(*, ballot_id: int) -> list[str]:
    """The roll's aliases in their members' membership-number order, for the
    demo to pick its voters: aliases are random, so in alias order the same
    seed picked different members from run to run."""
    return list(RollEntry.objects.filter(ballot_id=ballot_id, removed_at__isnull=True).order_by("member__membership_number")
                .values_list("alias", flat=True))  # fmt: skip


def demo_vote(*, ballot_id: int, alias: str, choices: list[list[int]], label: str, now: dt.datetime) -> Receipt:
    """Encrypt ``choices`` (a row of 0/1 per question) for the voter ``alias``,
    seeded by ``label``, and cast it through ``ballot_cast`` at ``now``."""
    return Receipt(demo.demo_vote(_ballot(ballot_id), alias=alias, choices=choices, label=label, now=now).tracker)


def demo_cast_votes(*, ballot_id: int, rng: random.Random, turnout: float, yes_share: tuple[float, ...], seed: int) -> None:
    """Votes from about ``turnout`` of the roll, Yes to each YES_NO question with its ``yes_share``."""
    demo.cast_demo_votes(_ballot(ballot_id), rng, turnout=turnout, yes_share=yes_share, seed=seed)


def demo_spread_voting_times(*, ballot_id: int, rng: random.Random) -> None:
    """Date the votes across the time the ballot was open, most early, as real turnout runs."""
    demo.spread_voting_times(_ballot(ballot_id), rng)


def demo_decrypt_headline(*, ballot_id: int, keys: Sequence[dict], trustees: tuple[int, ...], label: str) -> None:
    """The trustees numbered ``trustees`` decrypt the closed ballot's overall result."""
    demo.decrypt_demo_headline(_ballot(ballot_id), list(keys), trustees, label=label)
