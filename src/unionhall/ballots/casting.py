"""Casting: a member's encrypted ballot checked, then stored (check_cast_ballot
then do_cast_ballot, after Zulip's check_*/do_*); and a ballot the voter opened
to check the booth, published and spoilt (spoil_ballot). The cryptography is
``votecrypt.api``; this module decides who may vote, and when.

Casting is the busiest request the hall serves, so its statements are
written here as SQL (``_SQL``), each built once, rather than by the ORM,
which spent more CPU composing them than PostgreSQL spent running them. The
rest of the app reads and writes the same tables through the ORM."""

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cache

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from unionhall import bulk
from unionhall.ballots.credentials import check_signature, uses_credentials
from unionhall.ballots.models import AuditedBallot, Ballot, Cast, Credential, ReplayKey, RollEntry
from unionhall.ballots.roll import hold_entry_open
from unionhall.members.models import Member
from unionhall.outbox.models import Topic
from unionhall.outbox.services import email_queue
from unionhall.plainsql import Reader
from unionhall.refusals import Refused
from votecrypt import api

# What casting reads of the ballot: its window, its keys, and what the tracker
# email and voter credentials name. The view reads only these (``ballot_for_casting``).
CASTING_FIELDS = ("id", "slug", "title", "status", "opens_at", "closes_at", "manifest", "joint_key",
                  "credential_authority_id", "credential_authority_name")  # fmt: skip


@cache
def _SQL(name: str) -> str:
    """Casting's statements, by name, with the tables' real names."""
    qn = connection.ops.quote_name
    ballot, roll, member, replay, cast = (qn(m._meta.db_table) for m in (Ballot, RollEntry, Member, ReplayKey, Cast))
    return {
        "ballot": f"SELECT {_ballot_reader().columns()} FROM {ballot} WHERE slug = %s",
        # The voter's roll entry, and whether any of the ballot's ciphertexts is on the board already.
        "entry": (f"SELECT r.id, r.alias, r.member_id, r.voted_at IS NOT NULL, EXISTS (SELECT 1 FROM {replay} k WHERE k.ballot_id = r.ballot_id AND k.{qn('key')} IN ({{keys}})) "
                  f"FROM {roll} r JOIN {member} m ON m.id = r.member_id WHERE r.ballot_id = %s AND r.removed_at IS NULL AND {{who}} LIMIT 1"),
        "supersede": f"UPDATE {cast} SET superseded = %s WHERE roll_entry_id = %s AND superseded = %s",
        "replay": bulk.insert_sql(ReplayKey, ("ballot_id", "key")),
        "cast": bulk.insert_sql(Cast, ("ballot_id", "roll_entry_id", "content", "tracker", "superseded", "credential_id", "signature"), returning="id"),
        "voted": f"UPDATE {roll} SET voted_at = %s WHERE id = %s",
    }[name]


@cache
def _ballot_reader() -> Reader:
    return Reader(Ballot, CASTING_FIELDS)


def _entry_sql(*, keys: int, by_user: bool) -> str:
    return _SQL("entry").format(keys=", ".join(["%s"] * keys) or "NULL", who="m.user_id = %s" if by_user else "m.id = %s")


def ballot_for_casting(slug: str) -> Ballot | None:
    """The ballot at ``slug`` with only what casting reads (CASTING_FIELDS), or None."""
    with connection.cursor() as cursor:
        cursor.execute(_SQL("ballot"), [slug])
        return _ballot_reader().instance(cursor.fetchone())


@dataclass(frozen=True)
class CastCheck:
    entry: RollEntry  # its id, alias and member_id
    tracker: str
    replay_keys: frozenset[str]
    credential: Credential | None = None  # with voter credentials: the one that signed it
    signature: list | None = None
    voted: bool = False  # whether the voter had voted before: this is a re-vote


def check_cast_ballot(*, ballot: Ballot, member: Member | None = None, user=None, content, signed=None,
                      now: dt.datetime | None = None) -> CastCheck:
    """Everything that must hold before a ballot is stored. Raises Refused.
    The voter is ``member``, or the member signed in as ``user`` (one query fewer).
    A ballot with voter credentials also needs ``signed``, ``{"credential",
    "signature"}`` from the booth (ballots.credentials.check_signature: one query more)."""
    now = now or timezone.now()
    if ballot.status != Ballot.Status.OPEN or not ballot.opens_at <= now < ballot.closes_at:
        raise Refused("This ballot is not open for voting.", status=409)
    # The cryptography first, on the ballot's own alias, so that one query can
    # then read the voter's roll entry and whether any of these ciphertexts is
    # on the board already. Its refusals wait until the roll has been checked:
    # someone not on the roll is told that, whatever they sent.
    refusal, keys, tracker = None, frozenset(), ""
    if not isinstance(content, dict):
        refusal = Refused("The ballot is malformed.")
    else:
        try:
            api.verify_ballot(ballot.manifest, ballot.joint_key, content)
            keys = frozenset(api.replay_keys(ballot.manifest, ballot.joint_key, content))
            tracker = api.tracker(ballot.manifest, ballot.joint_key, content)
        except api.BallotError as exc:
            refusal = Refused(f"The ballot was refused: {exc}")
        except (TypeError, KeyError, ValueError) as exc:
            refusal = Refused(f"The ballot is malformed: {exc.__class__.__name__}")
    row = None
    if member is not None or (user is not None and user.is_authenticated):
        with connection.cursor() as cursor:
            voter = member.pk if member is not None else user.pk
            cursor.execute(_entry_sql(keys=len(keys), by_user=member is None), [*sorted(keys), ballot.pk, voter])
            row = cursor.fetchone()
    if row is None:
        raise Refused("You are not on the roll for this ballot.", status=403)
    if refusal is not None:
        raise refusal
    entry = RollEntry(id=row[0], ballot_id=ballot.pk, alias=row[1], member_id=row[2])
    if content["alias"] != entry.alias:  # made for another voter (the proofs are bound to the alias)
        raise Refused(f"The ballot was refused: {api.BallotError('wrong-voter', 'alias')}")
    if row[4]:
        raise Refused("This encrypted ballot is already on the board.", status=409)
    if uses_credentials(ballot):
        credential = check_signature(ballot=ballot, entry=entry, content=content, signed=signed)
        return CastCheck(entry, tracker, keys, credential, list(signed["signature"]), voted=bool(row[3]))
    return CastCheck(entry, tracker, keys, voted=bool(row[3]))


def do_cast_ballot(*, ballot: Ballot, check: CastCheck, content: dict) -> Cast:
    """Store the ballot, superseding the member's earlier one, in one transaction
    holding the roll entry's lock; the tracker email is queued in the same
    transaction and sent by the outbox after the commit."""
    try:
        with transaction.atomic():
            locked = hold_entry_open(ballot, check.entry.pk)
            if locked is None:  # closed since the check
                raise Refused("This ballot is not open for voting.", status=409)
            voted_at, removed_at, member_id, email, first_name = locked
            if removed_at is not None:  # taken off the roll since the check
                raise Refused("You are not on the roll for this ballot.", status=403)
            cast = _store(ballot, check, content, revote=voted_at is not None)
            # In the vote's own transaction: the outbox row exists if and only if
            # the vote does, so a crash after the commit cannot lose the email.
            _send_tracker(member_id, email, first_name, ballot, check.tracker)
    except IntegrityError:
        # Asked of the data, not of the database's message: did another
        # member's ballot take this credential in the meantime?
        if check.credential is not None and Cast.objects.filter(credential=check.credential, superseded=False).exclude(roll_entry_id=check.entry.pk).exists():
            raise Refused("That code has already been used by another member. Nothing was stored.", status=409) from None
        raise Refused("This encrypted ballot is already on the board.", status=409) from None
    return cast


def _store(ballot: Ballot, check: CastCheck, content: dict, *, revote: bool) -> Cast:
    """Write the cast: the earlier ballot superseded on a re-vote, the replay
    keys, the ballot itself and the roll entry's day. Inside do_cast_ballot's
    transaction and lock."""
    ops = connection.ops
    credential_id = check.credential.pk if check.credential is not None else None
    # The day only: an exact time could be matched against the board or the logs.
    day = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    with connection.cursor() as cursor:
        if revote:  # the earlier ballot stops counting
            cursor.execute(_SQL("supersede"), [True, check.entry.pk, False])
        if check.replay_keys:  # one statement for them all (executemany runs a pipeline, costlier for a few rows)
            keys = sorted(check.replay_keys)
            cursor.execute(_SQL("replay") + ", (%s, %s)" * (len(keys) - 1), [value for key in keys for value in (ballot.pk, key)])
        cursor.execute(_SQL("cast"), [ballot.pk, check.entry.pk, ops.adapt_json_value(content, None), check.tracker, False, credential_id,
                                      ops.adapt_json_value(check.signature, None) if check.signature is not None else None])  # fmt: skip
        pk = cursor.fetchone()[0]
        cursor.execute(_SQL("voted"), [ops.adapt_datetimefield_value(day), check.entry.pk])
    return Cast(pk=pk, ballot_id=ballot.pk, roll_entry_id=check.entry.pk, content=content, tracker=check.tracker, credential_id=credential_id,
                signature=check.signature)  # fmt: skip


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


# The tracker email: the same words for every voter of a ballot, stored once
# (the outbox's shared content), with the voter's name and tracker as [[fields]].
# The demo queues them as a mailing (ballots.demo._queue_trackers).
TRACKER_SUBJECT = "Your vote in “{title}” was received"
TRACKER_TEXT = (
    "Dear [[first_name]],\n\nYour encrypted ballot was received. Its tracker is:\n\n    [[tracker]]\n\n"
    "Look for it in the ballot's ballot box (on the ballot's page) to check it was counted as cast. Nobody, including the union, "
    "can see how you voted. You can vote again until the ballot closes; only your last vote counts.\n"
)


def tracker_content_key(ballot: Ballot) -> str:
    """The outbox key of a ballot's tracker words; a new title is new words."""
    return f"ballot-tracker:{ballot.pk}:{hashlib.sha256(ballot.title.encode()).hexdigest()[:16]}"


def tracker_message_key(ballot: Ballot, tracker: str, email: str) -> str:
    """The outbox key of one voter's tracker email: the address by a digest, so
    the key fits its column whatever the address (an address may be 254
    characters; a key 200)."""
    return f"tracker:{ballot.pk}:{tracker}:{hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]}"


def _send_tracker(member_id: int, email: str, first_name: str, ballot: Ballot, tracker: str) -> None:
    """Queue the tracker email in the caller's transaction. Queueing writes one
    outbox row and sends nothing, so a mail server that fails later never
    fails the vote; the outbox retries it."""
    if not email:
        return
    email_queue(
        topic=Topic.BALLOT_TRACKER, to=email, member_id=member_id, key=tracker_message_key(ballot, tracker, email),
        subject=TRACKER_SUBJECT.format(title=ballot.title), text=TRACKER_TEXT,
        content_key=tracker_content_key(ballot), fields={"first_name": first_name, "tracker": tracker},
    )  # fmt: skip
