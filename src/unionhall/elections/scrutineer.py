"""Counting a ranked (STV) or postal election from the independent
scrutineer's anonymised ballot profile.

Why this route: ranked ballots cannot be added up while encrypted, so the
online ballot engine (which sums "choose one" answers homomorphically) cannot
count STV; and the statutory executive elections (TULRCA 1992 ss.46-51) must
be held by post under an independent scrutineer, who counts the returned
papers. The scrutineer gives HQ the preferences of every valid paper, with
nothing that identifies a voter, as a BLT file. HQ uploads it here; it is
checked against the election (the candidates by name in ballot order, the
seats), counted by stvcount under the election's rule, and published with
the stage table, so any member can recount it.

The online route for ranked ballots would be a verifiable mix-net: each
voter encrypts their whole ranking, trustees shuffle and re-encrypt the
ballots in turn with proofs of a correct shuffle, then decrypt the shuffled
rankings, which are counted by stvcount and published as BLT like these.
Nobody (not even the trustees) can link a decrypted ranking to a voter, and
anyone can check the shuffles. That is not built yet."""

import datetime as dt
import hashlib

from django.db import transaction
from django.utils import timezone

import stvcount
from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.elections.models import Election, Nomination
from unionhall.elections.services import blt_name, check_counting, declare_count, lock_election
from unionhall.members.models import Member
from unionhall.refusals import Refused

MAX_BLT_BYTES = 50 * 1024 * 1024


def read_profile(raw: bytes) -> stvcount.Election:
    """The BLT file's ballot profile; Refused naming the line for anything malformed."""
    if not raw.strip():
        raise Refused("The file is empty: upload the scrutineer's BLT file.")
    if len(raw) > MAX_BLT_BYTES:
        raise Refused(f"The file is larger than {MAX_BLT_BYTES // (1024 * 1024)} MB.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise Refused(f"Line {line}: the file is not UTF-8 text. Ask the scrutineer for a BLT text file.") from None
    try:
        return stvcount.parse_blt(text)
    except stvcount.BltError as exc:
        where = f"Line {exc.line}" if exc.line else "The file"
        raise Refused(f"{where}: {exc.message}. Nothing was counted.") from None


def check_profile(*, election: Election, standing: list[Nomination], profile: stvcount.Election) -> None:
    """The profile is of this election: the same seats, the same candidates
    by name in the ballot order, nobody withdrawn, and some valid papers."""
    if len(profile.candidates) != len(standing):
        raise Refused(f"The file has {len(profile.candidates)} candidates; this election has {len(standing)}.")
    if profile.seats != election.seats:
        raise Refused(f"The file is for {profile.seats} seat(s); this election fills {election.seats}.")
    if profile.withdrawn:
        raise Refused("The file withdraws candidates, but every candidate in this election stood.")
    for number, (name, nomination) in enumerate(zip(profile.candidates, standing), start=1):
        expected = blt_name(nomination.candidate.full_name)
        if name.casefold().split() != expected.casefold().split():
            raise Refused(f"Candidate {number} in the file is “{name}”; in this election's ballot order candidate {number} is “{expected}”.")
    if profile.valid_poll == 0:
        raise Refused("The file holds no valid ballot papers.")
    entitled = Member.objects.filter(status=Member.Status.ACTIVE, **({"branch_id": election.branch_id} if election.branch_id else {})).count()
    if profile.valid_poll > entitled:
        raise Refused(f"The file holds {profile.valid_poll:,} valid papers, more than the {entitled:,} members entitled to vote.")


def count_scrutineer_blt(*, election: Election, raw: bytes, scrutineer: str, actor, now: dt.datetime | None = None) -> Election:
    """Count the scrutineer's BLT file and declare the result, all or
    nothing. Success and refusal are both audited, with the file's digest."""
    digest = hashlib.sha256(raw).hexdigest()
    try:
        return _count(election=election, raw=raw, scrutineer=scrutineer, actor=actor, digest=digest, now=now or timezone.now())
    except Refused as exc:
        if exc.status != 403:  # a refusal for want of permission is audited by the view
            audit_record(actor=actor, action=Action.CHANGE, subject=election,
                         detail={"event": "scrutineer's file refused", "sha256": digest, "reason": str(exc)[:300]})  # fmt: skip
        raise


@transaction.atomic
def _count(*, election: Election, raw: bytes, scrutineer: str, actor, digest: str, now: dt.datetime) -> Election:
    election = lock_election(election)
    check_counting(election=election, actor=actor)
    if election.ballot_id:
        raise Refused("This election went to an online ballot; its result comes from that ballot.", status=409)
    if not scrutineer.strip():
        raise Refused("Name the independent scrutineer who counted the ballot.")
    standing = election.ballot_order()
    profile = read_profile(raw)
    check_profile(election=election, standing=standing, profile=profile)
    election.scrutineer = scrutineer.strip()
    return declare_count(
        election=election, standing=standing, profile=profile, actor=actor, now=now,
        source={"from": "scrutineer's BLT", "scrutineer": election.scrutineer, "sha256": digest},
    )  # fmt: skip
