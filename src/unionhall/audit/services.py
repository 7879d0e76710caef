"""Writing, witnessing and checking the audit log. Call ``audit_record``
inside the same transaction as the change it records, so both happen or
neither does.

The log is several hash chains (models.py): a writer appends to one chain and
moves only that chain's head, so writers on other chains carry on. A witness
statement (``audit_witness_publish``), kept outside the database, pins every
chain's head; ``audit_verify_chain`` checks every chain, every head, and the
log against any witness statements it is given. docs/audit-log.md explains
what each check catches and what none can."""

import hashlib
import hmac
import json
import os
import random
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Max
from django.utils import timezone

from unionhall.audit.models import GENESIS, Action, AuditEntry, AuditHead

DEFAULT_CHAINS = 16
MAX_CHAINS = 256
# PostgreSQL's source of seq (migration 0003): nextval never waits on another writer.
SEQUENCE = "audit_entry_seq"
WITNESS_FORMAT = "unionhall-audit-witness/1"


class AuditLogBroken(Exception):
    """The heads disagree with the entries, so the log cannot be written to or
    witnessed as it is; ``verify_audit`` says more."""


class WitnessRefused(ValueError):
    """A witness statement that is unreadable, of an unknown format, or not
    signed with this log's audit key."""


# Seams for tests (after Django's PasswordResetTokenGenerator._now).
def _now() -> datetime:
    return timezone.now()


# The chain this thread last wrote to. Django gives each thread its own
# connection, so this is per connection: a transaction that writes twice keeps
# to the head it already holds (and so never waits for a second one while
# holding the first, which could deadlock), and over time each connection
# settles on a chain of its own.
_local = threading.local()


def _preferred_chain(n: int) -> int:
    chain = getattr(_local, "chain", None)
    return chain if chain is not None and chain < n else random.randrange(n)


def audit_chain_count() -> int:
    """How many chains writers spread over: settings.UNIONHALL_AUDIT_CHAINS,
    16 unless set. 1 is the single chain of old, every writer in one queue.
    Lowering it retires the higher chains (kept, verified, no longer written)."""
    n = getattr(settings, "UNIONHALL_AUDIT_CHAINS", DEFAULT_CHAINS)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_CHAINS:
        raise ImproperlyConfigured(f"UNIONHALL_AUDIT_CHAINS must be a whole number from 1 to {MAX_CHAINS}, not {n!r}")
    return n


def audit_heads_ensure(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Give each chain writers may use a head, at its start. A chain that has
    entries but lost its head is left headless: a fresh head there would hide
    what happened (verification reports it instead). Runs after every migrate."""
    heads = AuditHead.objects.using(using)
    missing = set(range(audit_chain_count())) - set(heads.values_list("chain", flat=True))
    if not missing:
        return
    in_use = set(AuditEntry.objects.using(using).filter(chain__in=missing).order_by().values_list("chain", flat=True).distinct())
    heads.bulk_create([AuditHead(chain=chain) for chain in sorted(missing - in_use)], ignore_conflicts=True)


def _subject(subject) -> tuple[str, str]:
    if subject is None:
        return "", ""
    if isinstance(subject, tuple):
        return str(subject[0]), str(subject[1])
    return subject._meta.label_lower, str(subject.pk)


def _wait_for_head(chain: int) -> AuditHead:
    """Lock ``chain``'s head, waiting for it if another writer holds it. Call
    inside a transaction that holds no other head."""
    head = AuditHead.objects.select_for_update().filter(chain=chain).first()
    if head is None:
        if AuditEntry.objects.filter(chain=chain).exists():
            raise AuditLogBroken(f"audit chain {chain} has entries but no head: run verify_audit")
        AuditHead.objects.get_or_create(chain=chain)  # concurrent creators: one insert wins
        head = AuditHead.objects.select_for_update().get(chain=chain)
    return head


@dataclass
class _Tip:
    """A locked head as read by raw SQL: the fields ``_append`` uses."""

    chain: int
    chain_seq: int
    digest: str


def _take_a_free_head_postgresql(conn, n: int, preferred: int) -> tuple[_Tip, int] | None:
    """One round trip: lock the preferred head if it is free, else any free
    one, and only then take the next seq (so seq rises along each chain)."""
    with conn.cursor() as cursor:
        cursor.execute(
            f"""WITH head AS MATERIALIZED (
                    SELECT chain, chain_seq, digest FROM {AuditHead._meta.db_table} WHERE chain < %s
                    ORDER BY chain = %s DESC, random() LIMIT 1 FOR UPDATE SKIP LOCKED)
                SELECT chain, chain_seq, digest, nextval(%s) FROM head""",
            [n, preferred, SEQUENCE],
        )
        row = cursor.fetchone()
    return (_Tip(*row[:3]), row[3]) if row else None


def _take_a_place(conn) -> tuple[AuditHead | _Tip, int]:
    """Lock the head of a chain to append to, and take the entry's seq: this
    connection's usual chain if it is free, else any free one, and only if
    every head is busy (more writers than chains), wait for the usual one."""
    n = audit_chain_count()
    preferred = _preferred_chain(n)
    taken = _take_a_free_head_postgresql(conn, n, preferred) if conn.vendor == "postgresql" else None
    # Without SKIP LOCKED (SQLite) writers are one at a time anyway.
    head, seq = taken or (_wait_for_head(preferred), None)
    _local.chain = head.chain
    return head, seq if seq is not None else _next_seq(conn)


def _next_seq(conn) -> int:
    """The next seq, taken while holding a head, so seq rises along each chain."""
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SELECT nextval(%s)", [SEQUENCE])
        else:
            # SQLite: this transaction holds the database's only write lock
            # from its BEGIN IMMEDIATE (settings), so no one else can take the
            # same number before we insert it.
            cursor.execute(f"SELECT COALESCE(MAX(seq), 0) + 1 FROM {AuditEntry._meta.db_table}")
        return cursor.fetchone()[0]


def _insert_if_head_unmoved_postgresql(conn, entry: AuditEntry) -> bool:
    """One round trip, one statement: move the entry's chain's head onto it,
    only if the head is still where the entry links (its place before and its
    digest), and insert the entry only then. False, with nothing written, if
    another writer moved the head first. Like ``save()`` but without its
    signals, which nothing listens to for entries."""
    fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(conn.ops.quote_name(f.column) for f in fields)
    with conn.cursor() as cursor:
        cursor.execute(
            f"""WITH moved AS (
                    UPDATE {AuditHead._meta.db_table} SET chain_seq = %s, digest = %s
                    WHERE chain = %s AND chain_seq = %s AND digest = %s RETURNING chain)
                INSERT INTO {AuditEntry._meta.db_table} ({columns}) SELECT {", ".join(["%s"] * len(fields))} FROM moved
                RETURNING {AuditEntry._meta.pk.column}""",
            [entry.chain_seq, entry.digest, entry.chain, entry.chain_seq - 1, entry.prev_digest,
             *(f.get_db_prep_save(getattr(entry, f.attname), conn) for f in fields)],
        )  # fmt: skip
        row = cursor.fetchone()
    if row is None:
        return False
    entry.pk = row[0]
    entry._state.adding, entry._state.db = False, conn.alias
    return True


def _new_entry(*, head: AuditHead | _Tip, seq: int, actor, action: Action | str, subject, detail: dict | None) -> AuditEntry:
    """The entry that follows ``head`` in its chain, numbered ``seq``, with its digest."""
    subject_type, subject_id = _subject(subject)
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        seq=seq,
        chain=head.chain,
        chain_seq=head.chain_seq + 1,
        at=_now(),
        actor=user,
        actor_label=user.email if user else "",
        action=str(action),
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail or {},
        prev_digest=head.digest,
    )
    entry.digest = entry.compute_digest()
    return entry


def _append(conn, *, head: AuditHead | _Tip, seq: int, actor, action: Action | str, subject, detail: dict | None) -> AuditEntry:
    """Append one entry, numbered ``seq``, to the chain whose head the caller
    has locked, and move the head on."""
    entry = _new_entry(head=head, seq=seq, actor=actor, action=action, subject=subject, detail=detail)
    if conn.vendor == "postgresql":
        # Round trips are most of a write's cost on a busy database server.
        if not _insert_if_head_unmoved_postgresql(conn, entry):
            raise AuditLogBroken(f"audit chain {head.chain}'s head moved while locked")
    else:
        entry.save()
        AuditHead.objects.filter(chain=head.chain).update(chain_seq=entry.chain_seq, digest=entry.digest)
    head.chain_seq, head.digest = entry.chain_seq, entry.digest
    return entry


# A write outside any transaction tries this many chains without a lock
# before it takes the locking way (which always succeeds, possibly after a wait).
_UNLOCKED_TRIES = 3


def _append_alone_postgresql(conn, *, actor, action: Action | str, subject, detail: dict | None) -> AuditEntry | None:
    """A write that is not part of a caller's transaction needs no lock: read
    a head and the next seq, then insert the entry and move the head in one
    statement, which is its own transaction, if the head has not moved. Two
    round trips, against four with BEGIN, a lock and COMMIT. None, with nothing
    written, if other writers kept moving the heads it tried."""
    n = audit_chain_count()
    for _ in range(_UNLOCKED_TRIES):
        chain = _preferred_chain(n)
        with conn.cursor() as cursor:
            # A plain read: a row lock here would be a transaction of its own,
            # with a commit to flush. seq is taken after the head is read, so
            # it is above that of the entry the head is on.
            cursor.execute(f"SELECT chain_seq, digest, nextval(%s) FROM {AuditHead._meta.db_table} WHERE chain = %s", [SEQUENCE, chain])
            row = cursor.fetchone()
        if row is None:
            return None  # a chain without its head yet: the locking way makes it
        entry = _new_entry(head=_Tip(chain, row[0], row[1]), seq=row[2], actor=actor, action=action, subject=subject, detail=detail)
        if _insert_if_head_unmoved_postgresql(conn, entry):
            _local.chain = chain
            return entry
        _local.chain = random.randrange(n)  # another writer is on this chain: try elsewhere
    return None


def audit_record(*, actor, action: Action | str, subject=None, detail: dict | None = None) -> AuditEntry:
    """Append one entry. ``subject`` is a model instance or a (type, id) pair;
    ``detail`` must be JSON-serialisable and should name fields, not copy values.
    Inside the caller's transaction it holds one chain's head until that
    transaction ends; outside any, the entry is written in a transaction of its own."""
    # The thread's own connection, looked up once: each lookup through the
    # ``connection`` proxy costs as much as the rest of the Python in a write.
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor == "postgresql" and not conn.in_atomic_block and conn.get_autocommit():
        entry = _append_alone_postgresql(conn, actor=actor, action=action, subject=subject, detail=detail)
        if entry is not None:
            return entry
    with transaction.atomic(using=conn.alias):
        head, seq = _take_a_place(conn)
        return _append(conn, head=head, seq=seq, actor=actor, action=action, subject=subject, detail=detail)


# --- Witness statements ---------------------------------------------------------------


@dataclass(frozen=True)
class WitnessStatement:
    """A witness statement as read back: when it was made, and for each chain
    the place (chain_seq) and digest of its last entry then."""

    witnessed_at: datetime
    heads: dict[int, tuple[int, str]]
    site: str
    mac: str
    source: str = ""

    def __str__(self):
        return f"the witness of {self.witnessed_at:%Y-%m-%d %H:%M:%S %Z}" + (f" ({self.source})" if self.source else "")


@dataclass(frozen=True)
class Witness:
    """What ``audit_witness_publish`` did: the statement, the file it wrote (if
    any) and whom it emailed."""

    statement: dict
    text: str
    path: Path | None
    emailed: tuple[str, ...] = ()


def _witness_mac(body: dict) -> str:
    # A key of its own, derived from the audit key, so a statement's MAC can
    # never be passed off as an entry's digest or the other way round.
    key = hmac.new(settings.UNIONHALL_AUDIT_KEY, WITNESS_FORMAT.encode(), hashlib.sha256).digest()
    message = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _consistent_heads() -> dict[int, tuple[int, str, int | None]]:
    """Every chain's head as (chain_seq, digest, seq of that entry), after
    checking each head against its chain's entries. Raises AuditLogBroken if
    a head is missing, behind its chain's last entry, or names an entry that
    is not there."""
    # Entries first, heads second: an entry commits with its head's move, so
    # heads read later are never behind entries read earlier, however busy.
    last = dict(AuditEntry.objects.order_by().values_list("chain").annotate(last=Max("chain_seq")))
    heads = {h.chain: h for h in AuditHead.objects.all()}
    for chain, chain_seq in sorted(last.items()):
        head = heads.get(chain)
        if head is None:
            raise AuditLogBroken(f"audit chain {chain} has entries but no head: run verify_audit")
        if head.chain_seq < chain_seq:
            raise AuditLogBroken(f"audit chain {chain}'s head is behind its last entry: run verify_audit")
    found = {}
    for chain, head in sorted(heads.items()):
        tip = None
        if head.chain_seq:
            tip = AuditEntry.objects.filter(chain=chain, chain_seq=head.chain_seq).values_list("seq", "digest").first()
        if (tip[1] if tip else GENESIS) != head.digest:
            raise AuditLogBroken(f"audit chain {chain}'s head does not match its entries: run verify_audit")
        found[chain] = (head.chain_seq, head.digest, tip[0] if tip else None)
    return found


def _write_statement(text: str, to: Path, at: datetime) -> Path:
    """Write to ``to``, never over an existing file: a path ending in .json is
    the file itself; anything else is a directory (made if missing) in which a
    new file is named by the time."""
    if to.suffix == ".json" and not to.is_dir():
        path = to
    else:
        # A daily job's directory that does not exist yet must not become a file of that name.
        to.mkdir(parents=True, exist_ok=True)
        path = to / f"audit-witness-{at:%Y%m%dT%H%M%S%fZ}.json"
    with open(path, "x", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    return path


def audit_witness_publish(*, to: str | os.PathLike | None = None, emails: Sequence[str] | None = None,
                          send: Callable[..., None] | None = None) -> Witness:
    """Witness every chain's head outside the database: build a statement of
    each chain's last place and digest, MAC'd under the audit key; write it to
    ``to`` (a directory, or a new file ending .json; default
    settings.UNIONHALL_AUDIT_WITNESS_DIR); record it in the log, one entry in
    every chain writers use, listing every chain's head, so each chain vouches
    for the others; and once recorded, email it to ``emails`` (default
    settings.UNIONHALL_AUDIT_WITNESS_EMAILS) through ``send(subject=, text=,
    to=, key=)``, called inside a transaction: the caller's sender (the worker's
    job and the ``audit_witness`` command pass the outbox's; this module sends
    no mail itself, because the outbox builds on the audit log). Raises
    AuditLogBroken, writing and sending nothing, when a head disagrees with its
    chain.

    For the daily worker; call it outside any transaction."""
    to = to if to is not None else getattr(settings, "UNIONHALL_AUDIT_WITNESS_DIR", None)
    emails = emails if emails is not None else getattr(settings, "UNIONHALL_AUDIT_WITNESS_EMAILS", ())
    if isinstance(emails, str):
        raise ImproperlyConfigured("UNIONHALL_AUDIT_WITNESS_EMAILS must be a list of addresses, not one string")
    emails = tuple(emails)
    if not to and not emails:
        raise ImproperlyConfigured("a witness needs somewhere to go: UNIONHALL_AUDIT_WITNESS_DIR or UNIONHALL_AUDIT_WITNESS_EMAILS (or --to / --email)")
    if emails and send is None:
        raise ImproperlyConfigured("emailing a witness needs a sender: run the worker's audit-witness job or manage.py audit_witness")
    heads = _consistent_heads()
    at = _now().astimezone(UTC)
    body = {
        "format": WITNESS_FORMAT,
        "site": getattr(settings, "UNIONHALL_NAME", "unionhall"),
        "witnessed_at": at.isoformat(timespec="microseconds"),
        "chains": [{"chain": c, "seq": k, "digest": d, "entry": seq} for c, (k, d, seq) in sorted(heads.items())],
    }
    statement = {**body, "mac": _witness_mac(body)}
    text = json.dumps(statement, indent=2, sort_keys=True) + "\n"
    path = _write_statement(text, Path(to), at) if to else None
    anchor = {
        "event": "heads witnessed",
        "witnessed_at": body["witnessed_at"],
        "mac": statement["mac"],
        "heads": [[c, k, d] for c, (k, d, _) in sorted(heads.items())],
    }
    for chain in range(audit_chain_count()):
        with transaction.atomic():  # one head at a time: writers on the others carry on
            conn = connections[DEFAULT_DB_ALIAS]
            _append(conn, head=_wait_for_head(chain), seq=_next_seq(conn), actor=None, action=Action.WITNESS, subject=("audit.witness", body["witnessed_at"]), detail=anchor)
    if emails:
        subject = f"{body['site']}: audit log witness statement, {at:%Y-%m-%d %H:%M} UTC"
        # The body is the statement alone, so saving the message's text gives the file.
        with transaction.atomic():
            send(subject=subject, text=text, to=list(emails), key=f"audit-witness:{statement['mac'][:32]}")
    return Witness(statement=statement, text=text, path=path, emailed=emails)


def audit_witness_parse(raw, *, source: str = "") -> WitnessStatement:
    """Check a parsed witness statement: its format tag, its shape, and its MAC
    under this log's audit key. Raises WitnessRefused saying what is wrong."""
    where = f"{source}: " if source else ""
    if not isinstance(raw, dict) or raw.get("format") != WITNESS_FORMAT:
        found = raw.get("format") if isinstance(raw, dict) else type(raw).__name__
        raise WitnessRefused(f"{where}not a witness statement in format {WITNESS_FORMAT} (found {found!r})")
    body = {k: v for k, v in raw.items() if k != "mac"}
    if not isinstance(raw.get("mac"), str) or not hmac.compare_digest(raw["mac"], _witness_mac(body)):
        raise WitnessRefused(f"{where}its MAC does not match: altered, or not made with this log's audit key")
    try:
        witnessed_at = datetime.fromisoformat(raw["witnessed_at"])
        heads = {}
        for item in raw["chains"]:
            chain, chain_seq, digest = item["chain"], item["seq"], item["digest"]
            if not (isinstance(chain, int) and isinstance(chain_seq, int) and chain >= 0 and chain_seq >= 0 and isinstance(digest, str)):
                raise ValueError(f"bad chain {item!r}")
            if chain in heads:
                raise ValueError(f"chain {chain} twice")
            heads[chain] = (chain_seq, digest)
    except (KeyError, TypeError, ValueError) as e:
        raise WitnessRefused(f"{where}malformed statement ({e})") from None
    return WitnessStatement(witnessed_at=witnessed_at, heads=heads, site=str(raw.get("site", "")), mac=raw["mac"], source=source)


def audit_witness_load(path: str | os.PathLike) -> WitnessStatement:
    """Read and check a witness statement file (see ``audit_witness_parse``)."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise WitnessRefused(f"{path}: not a readable JSON file ({e})") from None
    return audit_witness_parse(raw, source=str(path))


# --- Verification ---------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    """What verification found. ``reason`` is empty when everything checked
    out; otherwise it says what is wrong, and ``broken_seq`` names the entry at
    fault when there is one (a cut tail or a missing head has none)."""

    checked: int
    broken_seq: int | None = None
    reason: str = ""
    chain: int | None = None
    chains: int = 0
    witnesses: tuple[WitnessStatement, ...] = field(default=(), repr=False)

    @property
    def ok(self) -> bool:
        return not self.reason


def _entry_failure(entry: AuditEntry, place: int, prev_digest: str, prev_seq: int, chained_form_seen: bool) -> str:
    c, k = entry.chain, entry.chain_seq
    if k > place:
        missing = f"{place}" if k == place + 1 else f"{place} to {k - 1}"
        return f"chain {c} is missing its entry {missing} (the next there is #{entry.seq})"
    if k < place:
        return f"entry #{entry.seq} takes place {k} of chain {c} a second time"
    if entry.version == 1:
        # The old form's place is its seq, and it only ever opened chain 0.
        if c != 0 or k != entry.seq or chained_form_seen:
            return f"entry #{entry.seq} is in the old form out of place (chain {c}, place {k})"
    elif entry.version != 2:
        return f"entry #{entry.seq} is in an unknown form ({entry.version})"
    if entry.seq <= prev_seq:
        return f"entry #{entry.seq} comes after #{prev_seq} in chain {c}, out of order"
    if entry.prev_digest != prev_digest:
        return f"entry #{entry.seq} does not link to the entry before it"
    if not hmac.compare_digest(entry.compute_digest(), entry.digest):
        return f"entry #{entry.seq} was altered after it was written"
    return ""


def _head_failure(chain: int, head: tuple[int, str] | None, tip: tuple[int, str]) -> str:
    end, end_digest = tip
    if head is None:
        return f"chain {chain} has {end} entries but no head: its head was deleted" if end else ""
    place, digest = head
    if place > end:
        return f"chain {chain} ends at its entry {end} but its head records entry {place}: entries were removed from its end"
    if place < end:
        return f"chain {chain} has entries beyond its head (entry {end}, the head records {place}): the head was rewound"
    if digest != end_digest:
        return f"chain {chain}'s head does not match its last entry {end}"
    return ""


def _digest_at(chain: int, chain_seq: int, tips: dict) -> str | None:
    if chain_seq == 0:
        return GENESIS
    if tips.get(chain, (0,))[0] == chain_seq:
        return tips[chain][1]
    return AuditEntry.objects.filter(chain=chain, chain_seq=chain_seq).values_list("digest", flat=True).first()


def audit_verify_chain(*, witnesses: Iterable[WitnessStatement] = (), batch_size: int = 5000) -> ChainReport:
    """Check the whole log and report the first thing wrong:

    - in every chain, each entry in its place (none missing, none twice), linked
      to the one before, and with the digest its content gives under the key;
    - every chain's head present (while the chain has entries) and on its last
      entry: not ahead (entries cut from the end), not behind (head rewound);
    - every witness recorded in the log still holds: each chain reaches the place
      the witness saw, with the digest it saw there;
    - likewise for each witness statement given (kept outside the database),
      which is the only check that catches every chain cut back together with
      its head, or the whole log emptied.

    Safe while writers carry on: entries written meanwhile are checked next time."""
    witnesses = tuple(witnesses)
    # Heads first, entries second (as in _consistent_heads): a head read first
    # is never ahead of the entries read after it.
    heads = {h.chain: (h.chain_seq, h.digest) for h in AuditHead.objects.all()}
    witnessed: dict[int, dict[int, tuple[str, WitnessStatement]]] = {}
    for statement in witnesses:
        for chain, (chain_seq, digest) in statement.heads.items():
            if chain_seq == 0:
                continue
            seen = witnessed.setdefault(chain, {}).setdefault(chain_seq, (digest, statement))
            if seen[0] != digest:
                return ChainReport(0, reason=f"{seen[1]} and {statement} disagree on entry {chain_seq} of chain {chain}", chain=chain)
    recorded: dict[int, tuple[int, str, int]] = {}  # chain -> furthest (place, digest, seq of the witness entry) the log records
    tips: dict[int, tuple[int, str]] = {}
    checked, chain, place, prev_digest, prev_seq, chained_form_seen = 0, None, 1, GENESIS, 0, False
    for entry in AuditEntry.objects.order_by("chain", "chain_seq").iterator(chunk_size=batch_size):
        if entry.chain != chain:
            chain, place, prev_digest, prev_seq, chained_form_seen = entry.chain, 1, GENESIS, 0, False
        failure = _entry_failure(entry, place, prev_digest, prev_seq, chained_form_seen)
        if failure:
            return ChainReport(checked, entry.seq, failure, chain=chain)
        seen = witnessed.get(chain, {}).get(place)
        if seen and seen[0] != entry.digest:
            return ChainReport(checked, entry.seq, f"chain {chain} differs from {seen[1]}: its entry {place} is not the one witnessed", chain=chain)
        if entry.action == Action.WITNESS:
            for c, k, d in entry.detail.get("heads", []):
                if k > recorded.get(c, (0,))[0]:
                    recorded[c] = (k, d, entry.seq)
        chained_form_seen = chained_form_seen or entry.version != 1
        tips[chain] = (place, entry.digest)
        place, prev_digest, prev_seq, checked = place + 1, entry.digest, entry.seq, checked + 1
    chains = sorted(set(heads) | set(tips))
    for c in chains:
        tip = tips.get(c, (0, GENESIS))
        failure = _head_failure(c, heads.get(c), tip)
        if failure and (heads.get(c) is None or heads[c][0] < tip[0]):
            # Perhaps a writer moved on between reading the heads and the entries: look again.
            fresh = AuditHead.objects.filter(chain=c).values_list("chain_seq", "digest").first()
            if fresh and fresh[0] > tip[0]:
                failure = "" if _digest_at(c, fresh[0], tips) == fresh[1] else f"chain {c}'s head does not match its entry {fresh[0]}"
            else:
                failure = _head_failure(c, fresh, tip)
        if failure:
            return ChainReport(checked, reason=failure, chain=c, chains=len(chains))
    for c, places in sorted(witnessed.items()):
        furthest = max(places)
        end = tips.get(c, (0,))[0]
        if end < furthest:
            return ChainReport(checked, reason=f"chain {c} is shorter than {places[furthest][1]}: it ends at its entry {end}, the witness saw entry {furthest}", chain=c, chains=len(chains))
    for c, (k, d, by) in sorted(recorded.items()):
        end = tips.get(c, (0,))[0]
        if end < k:
            return ChainReport(checked, reason=f"chain {c} ends at its entry {end}, but the witness recorded in entry #{by} saw entry {k}: its end was cut", chain=c, chains=len(chains))
        if _digest_at(c, k, tips) != d:
            return ChainReport(checked, reason=f"chain {c} differs from the witness recorded in entry #{by} at its entry {k}", chain=c, chains=len(chains))
    return ChainReport(checked, chains=len(chains), witnesses=witnesses)
