"""Counting: closing sums the counted ballots under encryption, overall and
per area; trustees post decryption shares with proofs, and a tally is
decrypted once enough have; area results stay sealed until the officers
decide, and an area too small to hide its voters is never shown alone. The
result comes out as typed values (Results), never tuples to unpack."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.ballots.board import board
from unionhall.ballots.curves import comparable, voting_curve
from unionhall.ballots.models import Ballot, Cast, RollEntry, Trustee
from unionhall.ballots.roll import MIN_AREA_SIZE, OTHER_AREAS
from unionhall.refusals import Refused
from votecrypt import api
from votecrypt.ceremony_record import SEED_REVEAL, seed_commitment
from votecrypt.ceremony_record import lot_seed as ceremony_lot_seed


@transaction.atomic
def ballot_close(*, ballot: Ballot, actor, now: dt.datetime | None = None) -> None:
    """Close the ballot and sum the counted ballots, overall and per area."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    now = now or timezone.now()
    if ballot.status != Ballot.Status.OPEN:
        raise Refused("Only an open ballot can be closed.")
    if now < ballot.closes_at:
        raise Refused(f"Voting is open until {timezone.localtime(ballot.closes_at):%-d %B %Y %H:%M}.")
    _merge_small_areas(ballot)
    ballot.tallies = api.tally(ballot.manifest, ballot.joint_key, board(ballot))
    ballot.status = Ballot.Status.CLOSED
    ballot.closed_at = now
    voted = RollEntry.objects.filter(ballot=ballot, removed_at__isnull=True, voted_at__isnull=False).values_list("voted_at", flat=True)
    ballot.turnout_curve = voting_curve(voted.iterator(), ballot.opens_at, ballot.closes_at) if comparable(ballot, voted.count()) else []
    ballot.save(update_fields=["tallies", "status", "closed_at", "turnout_curve"])
    audit_record(actor=actor, action=Action.CHANGE, subject=ballot, detail={"event": "closed and summed", "ballots": ballot.tallies[0]["ballots"] if ballot.tallies else 0})


def _merge_small_areas(ballot: Ballot) -> None:
    """At close, move voters of every area with fewer than MIN_AREA_SIZE
    counted ballots into OTHER_AREAS, so no area tally is that small (the
    record's roll shows the areas as counted)."""
    counted = Counter(
        Cast.objects.filter(ballot=ballot, superseded=False).values_list("roll_entry__area", flat=True)
    )
    small = [area for area in RollEntry.objects.filter(ballot=ballot).values_list("area", flat=True).distinct()
             if area != OTHER_AREAS and counted[area] < MIN_AREA_SIZE]  # fmt: skip
    if small:
        RollEntry.objects.filter(ballot=ballot, area__in=small).update(area=OTHER_AREAS)


def areas_can_open(ballot: Ballot) -> str | None:
    """Why the area results can never be shown, or None. Every area tally must
    hold at least MIN_AREA_SIZE ballots: otherwise the smallest could be worked
    out by subtracting the others from the published overall result."""
    small = [t["area"] for t in ballot.tallies[1:] if t["ballots"] < MIN_AREA_SIZE]
    if small:
        return (
            f"Area results cannot be shown for this ballot: {', '.join(small)} had fewer than {MIN_AREA_SIZE} votes, "
            "and its result could be worked out by subtracting the other areas from the overall result."
        )
    return None


def tally_for(ballot: Ballot, area: str) -> dict | None:
    return next((t for t in ballot.tallies if t["area"] == area), None)


def may_decrypt(ballot: Ballot, area: str) -> str | None:
    """Why ``area``'s tally may not be decrypted now, or None if it may."""
    if ballot.status not in (Ballot.Status.CLOSED, Ballot.Status.RESULT):
        return "The ballot has not closed."
    t = tally_for(ballot, area)
    if t is None:
        return "There is no such tally."
    if area and ballot.areas_opened_at is None:
        return "Area results are sealed until the officers decide to open them."
    if area:
        return areas_can_open(ballot)
    return None


@transaction.atomic
def trustee_post_shares(*, ballot: Ballot, trustee: Trustee, shares: dict) -> list[str]:
    """Store a trustee's decryption shares ({area: share}) after checking each
    proof; combine any tally that now has enough. Returns the areas accepted.

    Beside the areas, ``"seed_reveal"`` carries the trustee's tie-lot value,
    committed to in round 1 of the key ceremony. It must come with the share
    of the overall result while that is still sealed, and must match the
    commitment. Values are kept only until the overall result is decrypted:
    the lot seed is the hash of exactly the values sent with the shares that
    decrypted it (docs/election-record.md §6.8)."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    trustee = Trustee.objects.select_for_update().get(pk=trustee.pk)
    if not isinstance(shares, dict):
        raise Refused("Upload the file of decryption shares that the trustee tool wrote.")
    shares = dict(shares)
    reveal = shares.pop(SEED_REVEAL, None)
    if not shares:
        raise Refused("Upload the file of decryption shares that the trustee tool wrote.")
    keep_reveal = _check_reveal(ballot, trustee, reveal, headline="" in shares)
    accepted = []
    for area, share in shares.items():
        reason = may_decrypt(ballot, area)
        if reason:
            raise Refused(f"{area or 'Overall result'}: {reason}")
        try:
            good = isinstance(share, dict) and share.get("index") == trustee.index and api.verify_decryption_share(
                ballot.manifest, ballot.joint_key, ballot.trustee_publics, tally_for(ballot, area), share
            )
        except (ValueError, TypeError, KeyError):
            good = False
        if not good:
            raise Refused(f"{area or 'Overall result'}: the decryption share's proof does not verify for trustee {trustee.index}.")
        trustee.shares[area] = share
        accepted.append(area)
    if keep_reveal:
        trustee.seed_reveal = reveal
    trustee.save(update_fields=["shares", "seed_reveal"])
    audit_record(actor=trustee.user, action=Action.CHANGE, subject=ballot, detail={"event": "decryption shares posted", "trustee": trustee.index, "areas": accepted,
                                                                            "tie_lot_value": "kept" if keep_reveal else ("not used" if reveal else "none")})  # fmt: skip
    _combine_ready(ballot)
    return accepted


def _check_reveal(ballot: Ballot, trustee: Trustee, reveal, *, headline: bool) -> bool:
    """Whether to keep this trustee's tie-lot value; Refused if it is wrong or missing."""
    counted = "" in ballot.counts
    if reveal is None:
        if headline and not counted and trustee.seed_commitment and not trustee.seed_reveal:
            raise Refused("Send your tie-lot value with your share of the overall result: make the shares from the key file of "
                          "this ballot's key ceremony, with the current tool or this page.")  # fmt: skip
        return False
    if not trustee.seed_commitment:
        return False  # a ceremony from before tie-lot values: nothing to check it against
    try:
        good = seed_commitment(ballot.manifest, trustee.index, reveal) == trustee.seed_commitment
    except (ValueError, TypeError):
        good = False
    if not good:
        raise Refused("Your tie-lot value does not match the one you committed to in round 1 of the key ceremony: nothing was recorded.")
    return headline and not counted and not trustee.seed_reveal


def lot_seed(ballot: Ballot) -> str | None:
    """The seed for drawing lots, once the overall result is decrypted: the
    hash of the tie-lot values the trustees who decrypted it revealed, each
    committed to before any trustee's key was made. None before, or for a
    ballot whose ceremony had no tie-lot values."""
    reveals = {t.index: t.seed_reveal for t in ballot.trustees.all() if t.seed_reveal}
    if "" not in ballot.counts or not reveals:
        return None
    return ceremony_lot_seed(ballot.manifest, reveals)


def _combine_ready(ballot: Ballot) -> None:
    trustees = list(ballot.trustees.all())
    changed = False
    for t in ballot.tallies:
        area = t["area"]
        if area in ballot.counts:
            continue
        shares = [tr.shares[area] for tr in trustees if area in tr.shares]
        if len(shares) >= ballot.trustee_threshold:
            ballot.counts[area] = api.combine_shares(ballot.manifest, t, shares[: ballot.trustee_threshold])
            changed = True
    if "" in ballot.counts and ballot.status == Ballot.Status.CLOSED:
        ballot.status = Ballot.Status.RESULT
        changed = True
    if changed:
        ballot.save(update_fields=["counts", "status"])


@transaction.atomic
def ballot_open_areas(*, ballot: Ballot, actor, decision: str) -> None:
    """Record the officers' decision to open the area results; trustees may then decrypt them."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if ballot.status != Ballot.Status.RESULT:
        raise Refused("Area results can be opened only after the overall result.")
    if not decision.strip():
        raise Refused("Record the decision (who decided, and when) that opens the area results.")
    if reason := areas_can_open(ballot):
        raise Refused(reason)
    ballot.areas_opened_at = timezone.now()
    ballot.areas_decision = decision.strip()
    ballot.save(update_fields=["areas_opened_at", "areas_decision"])
    audit_record(actor=actor, action=Action.CHANGE, subject=ballot, detail={"event": "area results opened", "decision": decision.strip()[:500]})


@dataclass(frozen=True)
class OptionResult:
    option: str
    votes: int
    percent: float  # of the ballots counted in the area


@dataclass(frozen=True)
class QuestionResult:
    key: str  # the question's key on the ballot, as in the manifest
    text: str
    options: tuple[OptionResult, ...]  # in the ballot's order of options

    def votes_for(self, option: str) -> int:
        """The votes for ``option`` (0 for an option the question does not have)."""
        return next((o.votes for o in self.options if o.option == option), 0)

    @property
    def outcome(self) -> str:
        """The result in words, to read before the numbers: which answer had
        the most votes, or a tie. Whether that carries the question (a
        threshold, a quorum) is for the rules around the ballot to say."""
        top = max((o.votes for o in self.options), default=0)
        if top == 0:
            return "No votes were cast on this question."
        leaders = [o for o in self.options if o.votes == top]
        if len(leaders) > 1:
            return f"A tie: {' and '.join(o.option for o in leaders)} had {top:,} votes each."
        first = leaders[0]
        return f"{first.option} had the most votes: {first.votes:,}, {first.percent:.1f}% of the ballots counted."


@dataclass(frozen=True)
class AreaResult:
    area: str
    ballots: int  # counted ballots in the area
    entitled: int  # on the roll for the area
    questions: tuple[QuestionResult, ...]


@dataclass(frozen=True)
class Results:
    entitled: int
    headline: AreaResult | None  # None until the trustees have decrypted it
    areas: tuple[AreaResult, ...]  # the areas opened and decrypted
    sealed_areas: tuple[str, ...]

    @property
    def turnout_percent(self) -> float:
        return 100 * self.headline.ballots / self.entitled if self.headline and self.entitled else 0.0


def results(ballot: Ballot) -> Results:
    """What the result page shows: turnout and totals, overall and for opened areas."""
    entitled = RollEntry.objects.filter(ballot=ballot, removed_at__isnull=True).count()
    by_area = Counter(RollEntry.objects.filter(ballot=ballot, removed_at__isnull=True).values_list("area", flat=True))
    questions = list(ballot.questions.all())

    def area_result(area: str) -> AreaResult | None:
        t = tally_for(ballot, area)
        if t is None or area not in ballot.counts:
            return None
        per_q = api.option_counts(ballot.manifest, ballot.counts[area], t["ballots"])
        total = t["ballots"] or 1
        qs = tuple(
            QuestionResult(q.key, q.text, tuple(OptionResult(o, v, 100 * v / total) for o, v in zip(entry["options"], votes)))
            for q, entry, votes in zip(questions, ballot.manifest["questions"], per_q)
        )  # fmt: skip
        return AreaResult(area or "All areas", t["ballots"], entitled if not area else by_area.get(area, 0), qs)

    headline = area_result("")
    areas = tuple(r for t in ballot.tallies[1:] if (r := area_result(t["area"])))
    sealed = tuple(t["area"] for t in ballot.tallies[1:] if t["area"] not in ballot.counts)
    return Results(entitled, headline, areas, sealed)
