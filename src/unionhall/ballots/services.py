"""What happens to a ballot, each step validated and then done atomically with
its audit entry (check_* then do_*, after Zulip). The cryptography is
``votecrypt.api``; this module decides who may do what, and when."""

import datetime as dt
import secrets
from collections import Counter
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.ballots import hooks
from unionhall.ballots.curves import comparable, voting_curve
from unionhall.ballots.models import AuditedBallot, Ballot, Cast, Question, ReplayKey, RollEntry, Trustee
from unionhall.mail import queue_email
from unionhall.members.models import Member
from unionhall.refusals import Refused
from votecrypt import api

# Areas with fewer entitled members than this are merged into "Other areas"
# when the roll is frozen, and an area tally with fewer ballots is never
# decrypted on its own: a handful of votes would reveal how people voted.
MIN_AREA_SIZE = 10
OTHER_AREAS = "Other areas"


# --- Setting up -------------------------------------------------------------------


@transaction.atomic
def ballot_create(*, ballot: Ballot, questions: list[dict], trustees: list[tuple], actor, electorate=()) -> Ballot:
    """Save a new draft ballot with its questions and trustees; ``electorate``,
    if given, names the only members entitled to vote (still only while active)."""
    ballot.created_by = actor
    ballot.full_clean()
    ballot.save()
    ballot.electorate.set(electorate)
    for position, q in enumerate(questions, start=1):
        Question.objects.create(ballot=ballot, position=position, key=f"q{position}", text=q["text"], kind=q["kind"], options=q["options"], max_choices=q["max"])
    for index, (user, label) in enumerate(trustees, start=1):
        Trustee.objects.create(ballot=ballot, index=index, user=user, label=label)
    audit_record(actor=actor, action=Action.CHANGE, subject=ballot, detail={"event": "ballot created", "questions": len(questions), "trustees": len(trustees)})
    return ballot


def ballot_manifest(ballot: Ballot) -> dict:
    questions = [q.manifest_entry() for q in ballot.questions.all()]
    if not questions:
        raise Refused("The ballot has no questions.")
    n = ballot.trustees.count()
    if n < 1 or not 1 <= ballot.trustee_threshold <= n:
        raise Refused(f"The ballot needs trustees: {ballot.trustee_threshold} of at least {ballot.trustee_threshold}.")
    election_id = f"unionhall/{ballot.slug}" + (f"/attempt-{ballot.ceremony_attempt}" if ballot.ceremony_attempt > 1 else "")
    return api.make_manifest(election_id, ballot.title, questions, n, ballot.trustee_threshold)


@transaction.atomic
def ballot_set_keys(*, ballot: Ballot, manifest: dict, joint_key: str, publics: list[dict], actor) -> None:
    """Record the outcome of the trustees' key generation: only public data."""
    if ballot.status != Ballot.Status.DRAFT:
        raise Refused("Keys can only be set before the ballot opens.")
    ballot.manifest, ballot.joint_key, ballot.trustee_publics = manifest, joint_key, publics
    ballot.save(update_fields=["manifest", "joint_key", "trustee_publics"])
    audit_record(actor=actor, action=Action.CHANGE, subject=ballot, detail={"event": "trustee keys recorded", "fingerprint": api.fingerprint(manifest)})


def eligible_members(ballot: Ballot):
    members = Member.objects.filter(status=Member.Status.ACTIVE)
    if ballot.pk and ballot.electorate.exists():
        members = members.filter(pk__in=ballot.electorate.values("pk"))
    for field in ("employer", "branch", "workplace"):
        if getattr(ballot, f"{field}_id"):
            members = members.filter(**{f"{field}_id": getattr(ballot, f"{field}_id")})
    if ballot.grades:
        members = members.filter(grade__in=ballot.grades)
    if ballot.joined_by:
        members = members.exclude(joined_on__gt=ballot.joined_by)
    return members


def _area_of(ballot: Ballot, member: Member) -> str:
    return str({"branch": member.branch, "employer": member.employer, "workplace": member.workplace}[ballot.area_kind] or OTHER_AREAS)


@transaction.atomic
def ballot_open(*, ballot: Ballot, actor, now: dt.datetime | None = None) -> int:
    """Freeze the roll and open the ballot. Returns the roll's size."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if ballot.status != Ballot.Status.DRAFT:
        raise Refused("This ballot is already open or closed.")
    if not ballot.joint_key or not ballot.manifest:
        raise Refused("The trustees have not yet generated the ballot's key.")
    # A rule profile (mandates, registered at start-up) may hold the ballot back.
    if problems := hooks.blockers(ballot_id=ballot.pk):
        raise Refused("This statutory ballot cannot open yet: " + " ".join(problems), status=409)
    members = list(eligible_members(ballot).select_related("branch", "employer", "workplace"))
    if not members:
        raise Refused("Nobody in the register is entitled to vote in this ballot.")
    areas = {m.pk: _area_of(ballot, m) for m in members}
    sizes = Counter(areas.values())
    RollEntry.objects.bulk_create(
        [
            RollEntry(ballot=ballot, member=m, alias=new_alias(), area=areas[m.pk] if sizes[areas[m.pk]] >= MIN_AREA_SIZE else OTHER_AREAS,
                      employer_id=m.employer_id, branch_id=m.branch_id, workplace_id=m.workplace_id)  # fmt: skip
            for m in members
        ],
        batch_size=2000,
    )
    ballot.status = Ballot.Status.OPEN
    ballot.roll_frozen_at = now or timezone.now()
    ballot.save(update_fields=["status", "roll_frozen_at"])
    audit_record(actor=actor, action=Action.CHANGE, subject=ballot, detail={"event": "opened; roll frozen", "roll": len(members)})
    from unionhall.ballots.reminders import invite  # reminders builds on this module

    invite(ballot)
    return len(members)


def new_alias() -> str:
    return "v" + secrets.token_hex(8)


@transaction.atomic
def roll_add(*, ballot: Ballot, member: Member, reason: str, actor) -> RollEntry:
    """Add a member after the roll froze: needs a reason; audited and in the record."""
    if not reason.strip():
        raise Refused("Give the reason for adding a member after the roll was frozen.")
    try:
        _hold_open(ballot)  # and keep it open until this commits: closing waits for us
    except Ballot.DoesNotExist:
        raise Refused("Members can be added to the roll only while the ballot is open.", status=409) from None
    entry, created = RollEntry.objects.get_or_create(
        ballot=ballot, member=member, defaults={"alias": new_alias(), "area": OTHER_AREAS, "added_reason": reason,
                                                "employer_id": member.employer_id, "branch_id": member.branch_id, "workplace_id": member.workplace_id}  # fmt: skip
    )
    if not created:
        raise Refused("That member is already on the roll.")
    audit_record(actor=actor, action=Action.CHANGE, subject=ballot, detail={"event": "added to roll", "alias": entry.alias, "reason": reason})
    return entry


@transaction.atomic
def roll_remove(*, ballot: Ballot, member: Member, reason: str, actor, now: dt.datetime | None = None) -> RollEntry:
    """Take a member off the frozen roll (not entitled after all): needs a
    reason; their ballots stop counting and are listed as withdrawn, by
    tracker only; audited and in the record."""
    if not reason.strip():
        raise Refused("Give the reason for removing the member from the roll. It is published in the election record, so do not name anyone.")
    try:
        _hold_open(ballot)  # and keep it open until this commits: closing waits for us
    except Ballot.DoesNotExist:
        raise Refused("Members can be removed from the roll only while the ballot is open.", status=409) from None
    entry = RollEntry.objects.select_for_update().filter(ballot=ballot, member=member, removed_at__isnull=True).first()
    if entry is None:
        raise Refused("That member is not on the roll.")
    entry.removed_at, entry.removed_reason = now or timezone.now(), reason.strip()
    entry.save(update_fields=["removed_at", "removed_reason"])
    withdrawn = Cast.objects.filter(roll_entry=entry, superseded=False).update(superseded=True)
    audit_record(actor=actor, action=Action.CHANGE, subject=ballot,
                 detail={"event": "removed from roll", "alias": entry.alias, "reason": entry.removed_reason, "ballot_withdrawn": bool(withdrawn)})  # fmt: skip
    return entry


# --- Casting --------------------------------------------------------------------


# What casting reads of the roll entry and the member: enough to lock, vote and send the tracker.
TRACKER_FIELDS = ("id", "alias", "voted_at", "removed_at", "member__id", "member__email", "member__first_name")


@dataclass(frozen=True)
class CastCheck:
    entry: RollEntry
    tracker: str
    replay_keys: frozenset[str]


def check_cast_ballot(*, ballot: Ballot, member: Member | None = None, user=None, content, now: dt.datetime | None = None) -> CastCheck:
    """Everything that must hold before a ballot is stored. Raises Refused.
    The voter is ``member``, or the member signed in as ``user`` (one query fewer)."""
    now = now or timezone.now()
    if ballot.status != Ballot.Status.OPEN or not ballot.opens_at <= now < ballot.closes_at:
        raise Refused("This ballot is not open for voting.", status=409)
    on_roll = RollEntry.objects.filter(ballot=ballot, removed_at__isnull=True).only("id", "alias", "voted_at", "member_id")
    if member is not None:
        entry = on_roll.filter(member=member).first()
    elif user is not None and user.is_authenticated:
        entry = on_roll.filter(member__user=user).first()
    else:
        entry = None
    if entry is None:
        raise Refused("You are not on the roll for this ballot.", status=403)
    if not isinstance(content, dict):
        raise Refused("The ballot is malformed.")
    try:
        api.verify_ballot(ballot.manifest, ballot.joint_key, content, alias=entry.alias)
        keys = frozenset(api.replay_keys(ballot.manifest, ballot.joint_key, content))
        tracker = api.tracker(ballot.manifest, ballot.joint_key, content)
    except api.BallotError as exc:
        raise Refused(f"The ballot was refused: {exc}") from None
    except (TypeError, KeyError, ValueError) as exc:
        raise Refused(f"The ballot is malformed: {exc.__class__.__name__}") from None
    if ReplayKey.objects.filter(ballot=ballot, key__in=keys).exists():
        raise Refused("This encrypted ballot is already on the board.", status=409)
    return CastCheck(entry, tracker, keys)


def do_cast_ballot(*, ballot: Ballot, check: CastCheck, content: dict) -> Cast:
    """Store the ballot, superseding the member's earlier one, in one transaction
    holding the roll entry's lock; the tracker email goes after commit."""
    try:
        with transaction.atomic():
            _hold_open(ballot)
            entry = RollEntry.objects.select_for_update(of=("self",)).select_related("member").only(*TRACKER_FIELDS).get(pk=check.entry.pk)
            if entry.removed_at is not None:  # taken off the roll since the check
                raise Refused("You are not on the roll for this ballot.", status=403)
            if entry.voted_at is not None:  # a re-vote: the earlier ballot stops counting
                Cast.objects.filter(roll_entry=entry, superseded=False).update(superseded=True)
            ReplayKey.objects.bulk_create([ReplayKey(ballot=ballot, key=k) for k in check.replay_keys])
            cast = Cast.objects.create(ballot=ballot, roll_entry=entry, content=content, tracker=check.tracker)
            # The day only: an exact time could be matched against the board or the logs.
            entry.voted_at = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
            entry.save(update_fields=["voted_at"])
            transaction.on_commit(lambda: _send_tracker(entry.member, ballot, check.tracker))
    except Ballot.DoesNotExist:
        raise Refused("This ballot is not open for voting.", status=409) from None
    except IntegrityError:
        raise Refused("This encrypted ballot is already on the board.", status=409) from None
    return cast


def spoil_ballot(*, ballot: Ballot, content: dict, secrets: dict) -> AuditedBallot:
    """Publish an audited ballot on the board (check code, ciphertexts, the
    revealed choices and nonces) and record its ciphertexts so it can never be
    cast: its secrets are now known. Refused if it was already cast or checked.
    Call after ``api.audit_ballot`` accepted it."""
    try:
        keys = api.replay_keys(ballot.manifest, ballot.joint_key, content)
        entry = api.audited_entry(ballot.manifest, ballot.joint_key, content, secrets)
    except (api.BallotError, KeyError, TypeError, ValueError):
        raise Refused("The audited ballot is malformed.") from None
    try:
        with transaction.atomic():
            ReplayKey.objects.bulk_create([ReplayKey(ballot=ballot, key=k) for k in keys])
            return AuditedBallot.objects.create(ballot=ballot, code=entry["code"], entry=entry)
    except IntegrityError:
        raise Refused("This ballot was already cast or checked: only a fresh encryption can be checked.", status=409) from None


def _hold_open(ballot: Ballot) -> None:
    """Within the casting transaction: the ballot is open, and stays open until
    we commit. On PostgreSQL a shared row lock lets casts run side by side
    while ``ballot_close`` (which locks the row exclusively) waits for them, so
    no ballot lands after the tally is taken. SQLite runs one writer at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {Ballot._meta.db_table} WHERE id = %s AND status = %s FOR SHARE", [ballot.pk, Ballot.Status.OPEN])
            found = cursor.fetchone()
    else:
        found = Ballot.objects.filter(pk=ballot.pk, status=Ballot.Status.OPEN).exists()
    if not found:
        raise Ballot.DoesNotExist


def _send_tracker(member: Member, ballot: Ballot, tracker: str) -> None:
    """Queue the tracker email. The vote is already stored and its tracker
    shown on screen; the mail is a convenience and never fails the vote."""
    if not member.email:
        return
    queue_email(
        subject=f"Your vote in “{ballot.title}” was received",
        body=(
            f"Dear {member.first_name},\n\nYour encrypted ballot was received. Its tracker is:\n\n    {tracker}\n\n"
            "Look for it on the ballot's bulletin board to check it was counted as cast. Nobody, including the union, "
            "can see how you voted. You can vote again until the ballot closes; only your last vote counts.\n"
        ),
        to=[member.email],
    )


# --- Closing, decrypting, results ----------------------------------------------------


def board(ballot: Ballot) -> list[dict]:
    """The counted ballots, as votecrypt's record holds them."""
    casts = Cast.objects.filter(ballot=ballot, superseded=False, roll_entry__removed_at__isnull=True).select_related("roll_entry").order_by("tracker")
    return [{"ballot": c.content, "area": c.roll_entry.area, "tracker": c.tracker} for c in casts]


def not_counted(ballot: Ballot) -> list[dict]:
    """Ballots replaced by the voter's later one, or withdrawn with the voter
    from the roll: by tracker only, so the board does not show who re-voted."""
    rows = Cast.objects.filter(ballot=ballot, superseded=True).values_list("content", "roll_entry__removed_at").order_by("tracker")
    return [api.not_counted_entry(ballot.manifest, ballot.joint_key, content, "withdrawn" if removed else "replaced") for content, removed in rows]


def audited_ballots(ballot: Ballot) -> list[dict]:
    return list(AuditedBallot.objects.filter(ballot=ballot).values_list("entry", flat=True))


def roll_changes(ballot: Ballot) -> list[dict]:
    """Who was added to or removed from the roll after it froze, by alias, with the reason."""
    changed = RollEntry.objects.filter(ballot=ballot).exclude(added_reason="", removed_at__isnull=True)
    return [
        {"alias": e.alias, "change": "removed", "reason": e.removed_reason} if e.removed_at
        else {"alias": e.alias, "change": "added", "reason": e.added_reason}
        for e in changed.only("alias", "added_reason", "removed_at", "removed_reason")
    ]  # fmt: skip


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
    proof; combine any tally that now has enough. Returns the areas accepted."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    trustee = Trustee.objects.select_for_update().get(pk=trustee.pk)
    if not isinstance(shares, dict) or not shares:
        raise Refused("Upload the file of decryption shares that the trustee tool wrote.")
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
    trustee.save(update_fields=["shares"])
    audit_record(actor=trustee.user, action=Action.CHANGE, subject=ballot, detail={"event": "decryption shares posted", "trustee": trustee.index, "areas": accepted})
    _combine_ready(ballot)
    return accepted


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
class QuestionResult:
    text: str
    options: list[tuple[str, int, float]]  # (option, votes, share of ballots %)


@dataclass(frozen=True)
class AreaResult:
    area: str
    ballots: int
    entitled: int
    questions: list[QuestionResult]


def results(ballot: Ballot) -> dict:
    """What the result page shows: turnout and totals, overall and for opened areas."""
    entitled = RollEntry.objects.filter(ballot=ballot, removed_at__isnull=True).count()
    by_area = Counter(RollEntry.objects.filter(ballot=ballot, removed_at__isnull=True).values_list("area", flat=True))
    questions = list(ballot.questions.all())

    def area_result(area: str) -> AreaResult | None:
        t = tally_for(ballot, area)
        if t is None or area not in ballot.counts:
            return None
        per_q = api.option_counts(ballot.manifest, ballot.counts[area], t["ballots"])
        qs = []
        for q, entry, votes in zip(questions, ballot.manifest["questions"], per_q):
            total = t["ballots"] or 1
            qs.append(QuestionResult(q.text, [(o, v, 100 * v / total) for o, v in zip(entry["options"], votes)]))
        return AreaResult(area or "All areas", t["ballots"], entitled if not area else by_area.get(area, 0), qs)

    headline = area_result("")
    areas = [r for t in ballot.tallies[1:] if (r := area_result(t["area"]))]
    sealed = [t["area"] for t in ballot.tallies[1:] if t["area"] not in ballot.counts]
    return {"entitled": entitled, "headline": headline, "areas": areas, "sealed_areas": sealed}


def ballot_record(ballot: Ballot) -> dict:
    """The election record (docs/election-record.md): everything needed to check the result."""
    roll = dict(RollEntry.objects.filter(ballot=ballot, removed_at__isnull=True).values_list("alias", "area"))
    trustees = list(ballot.trustees.all())
    shares = {}
    for t in ballot.tallies:
        got = [tr.shares[t["area"]] for tr in trustees if t["area"] in tr.shares]
        if t["area"] in ballot.counts:
            shares[t["area"]] = got[: ballot.trustee_threshold]
    return api.build_record(
        ballot.manifest, ballot.joint_key, ballot.trustee_publics, roll, board(ballot), ballot.tallies, shares,
        not_counted=not_counted(ballot), audited=audited_ballots(ballot), roll_changes=roll_changes(ballot),
        **hooks.record_extras(ballot_id=ballot.pk),  # a rule profile's sections: the postal count
    )
