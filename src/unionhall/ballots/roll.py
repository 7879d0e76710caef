"""The roll: who is entitled to vote, frozen when the ballot opens, and the
few changes made after that, each with its reason, audited and published in
the election record by alias. Also the lock that keeps a ballot open while a
vote or a roll change commits (``hold_open``), which closing waits for."""

import datetime as dt
import secrets
from collections import Counter

from django.db import connection, transaction
from django.utils import timezone

from unionhall import bulk
from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.ballots.models import Ballot, Cast, RollEntry
from unionhall.members.models import Branch, Employer, Member, Workplace
from unionhall.refusals import Refused
from votecrypt.record import roll_commitment

# Areas with fewer entitled members than this are merged into "Other areas"
# when the roll is frozen, and an area tally with fewer ballots is never
# decrypted on its own: a handful of votes would reveal how people voted.
MIN_AREA_SIZE = 10
OTHER_AREAS = "Other areas"


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


def entitled_members(ballot: Ballot):
    """Before the roll freezes, those the register says will be entitled;
    after, the members on the frozen roll (not those taken off it)."""
    if ballot.roll_frozen_at is None:
        return eligible_members(ballot)
    return Member.objects.filter(roll_entries__ballot=ballot, roll_entries__removed_at__isnull=True)


# The register models an area is named after, by the ballot's area kind.
AREA_MODELS = {"branch": Branch, "employer": Employer, "workplace": Workplace}


def roll_freeze(ballot: Ballot) -> int:
    """Put every member entitled now on the ballot's roll, each under a random
    alias, in an area big enough to show (else OTHER_AREAS), and publish the
    roll commitment (votecrypt's hash over the sorted aliases and areas, spec
    §6.3 and §10.5). Returns the roll's size. Call from ``ballot_open``,
    holding the ballot's row lock. A ballot with voter credentials froze its
    roll earlier (``freeze_roll_now``) and opens only once the credential
    authority has uploaded its list."""
    if ballot.credential_authority_id is not None:
        if ballot.roll_frozen_at is None:
            raise Refused("Freeze the roll first, so the credential authority can make the members' credentials.", status=409)
        if ballot.credential_list_uploaded_at is None:
            raise Refused(f"{ballot.credential_authority_name} (the credential authority) has not yet uploaded the credential list.", status=409)
        return RollEntry.objects.filter(ballot=ballot, removed_at__isnull=True).count()
    return _freeze_members(ballot)


def _freeze_members(ballot: Ballot) -> int:
    """Write the roll in one pass: one query over the register for the
    entitled members' ids and places, then one INSERT statement for the
    entries (a roll of 70,000 made through model instances took 25 s).
    Each entry still gets its own ``new_alias()``, from ``secrets``, in Python.
    The entries go in in member-id order: the roll's indexes (ballot and
    member first) then grow at their ends rather than all over, which made
    writing a roll of 70,000 three times quicker on SQLite than the
    register's name order."""
    kind = ballot.area_kind
    members = list(eligible_members(ballot).order_by("pk").values_list("pk", "employer_id", "branch_id", "workplace_id"))
    if not members:
        raise Refused("Nobody in the register is entitled to vote in this ballot.")
    column = ("employer", "branch", "workplace").index(kind) + 1
    names = {pk: str(place) for pk, place in AREA_MODELS[kind].objects.in_bulk({m[column] for m in members} - {None}).items()}
    areas = [names.get(m[column], OTHER_AREAS) for m in members]
    sizes = Counter(areas)
    entries = [
        (ballot.pk, pk, new_alias(), area if sizes[area] >= MIN_AREA_SIZE else OTHER_AREAS, employer_id, branch_id, workplace_id, "", "")
        for (pk, employer_id, branch_id, workplace_id), area in zip(members, areas, strict=True)
    ]
    bulk.insert_many(RollEntry, ROLL_COLUMNS, entries)  # one prepared statement; no model instance per member
    ballot.roll_commitment = roll_commitment([(e[2], e[3]) for e in entries]).hex()
    ballot.save(update_fields=["roll_commitment"])
    return len(members)


ROLL_COLUMNS = ("ballot", "member", "alias", "area", "employer", "branch", "workplace", "added_reason", "removed_reason")


def freeze_roll_now(ballot: Ballot, *, now: dt.datetime | None = None) -> int:
    """Freeze the roll of a draft ballot with voter credentials, before it
    opens, so the credential authority can make credentials for it. Holding
    the ballot's row lock."""
    size = _freeze_members(ballot)
    ballot.roll_frozen_at = now or timezone.now()
    ballot.save(update_fields=["roll_frozen_at"])
    return size


def new_alias() -> str:
    return "v" + secrets.token_hex(8)


def hold_open(ballot: Ballot) -> None:
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


def hold_entry_open(ballot: Ballot, entry_id: int) -> tuple | None:
    """``hold_open`` and a read of the voter's roll entry locked for update,
    in one statement (casting's round trip): the ballot share-locked so it
    stays open until we commit, the entry locked so one member's two casts
    take turns. (voted_at, removed_at, member id, email, first name), or None
    if the ballot is not open. SQLite runs one writer at a time, so it needs
    no row locks."""
    r, m, b = RollEntry._meta.db_table, Member._meta.db_table, Ballot._meta.db_table
    sql = (f"SELECT r.voted_at, r.removed_at, m.id, m.email, m.first_name FROM {r} r "
           f"JOIN {m} m ON m.id = r.member_id JOIN {b} b ON b.id = r.ballot_id "
           "WHERE r.id = %s AND b.id = %s AND b.status = %s")  # fmt: skip
    if connection.vendor == "postgresql":
        sql += " FOR UPDATE OF r FOR SHARE OF b"
    with connection.cursor() as cursor:
        cursor.execute(sql, [entry_id, ballot.pk, Ballot.Status.OPEN])
        return cursor.fetchone()


@transaction.atomic
def roll_add(*, ballot: Ballot, member: Member, reason: str, actor) -> RollEntry:
    """Add a member after the roll froze: needs a reason; audited and in the record."""
    if not reason.strip():
        raise Refused("Give the reason for adding a member after the roll was frozen.")
    try:
        hold_open(ballot)  # and keep it open until this commits: closing waits for us
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
        hold_open(ballot)  # and keep it open until this commits: closing waits for us
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


def roll_changes(ballot: Ballot) -> list[dict]:
    """Who was added to or removed from the roll after it froze, by alias, with the reason."""
    changed = RollEntry.objects.filter(ballot=ballot).exclude(added_reason="", removed_at__isnull=True)
    return [
        {"alias": e.alias, "change": "removed", "reason": e.removed_reason} if e.removed_at
        else {"alias": e.alias, "change": "added", "reason": e.added_reason}
        for e in changed.only("alias", "added_reason", "removed_at", "removed_reason")
    ]  # fmt: skip
