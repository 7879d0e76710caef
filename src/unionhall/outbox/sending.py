"""The one sender: every queued message, whatever it is for, goes out here.

A send claims its messages first (queued -> sending) with one conditional
update, so a task that is retried, duplicated or raced by ``send_due``
neither loses a message nor sends it twice. Messages go out in batches, over
one connection per batch; each channel (``channels/``) sends its own. A
failure is recorded on its message: a passing one (the server is down,
busy, or says "try later") is tried again with backoff; an address the
server refuses is flagged (bounces.py) and never tried again; anything else
fails for good and shows in the reports.

``send_due`` is what a periodic job calls: it sends whatever waits (retries
whose time has come, messages whose task was lost) and reports sends that
a dead worker left half done."""

import datetime as dt
import math
import secrets
import time
from collections import Counter
from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from unionhall.outbox.bounces import bounce_record, flagged
from unionhall.outbox.channels import CHANNELS, Outcome
from unionhall.outbox.channels.email import email_domain, message_id_sql
from unionhall.outbox.models import Channel, Content, Message, Status

BATCH = 500  # messages per send task, each batch over one connection
CHUNK = 100  # outcomes are written every CHUNK messages: a sender killed mid-batch leaves at most this many unrecorded
MAX_ATTEMPTS = 5
RETRY_BASE_S = 60  # 1, 4, 16, 64 minutes between attempts
INTERRUPTED_AFTER = dt.timedelta(hours=1)
DUE_LIMIT = 20_000  # messages one call of send_due sends at most, so a periodic job ends
SWEEP_S = 1  # single messages queued within this many seconds of the first share one sending task
SWEEP_KEY = "outbox:sweep"
SUPPRESSED_ERROR = "the address bounced before: not sent"  # a message to an address flagged as bouncing


def new_claim() -> str:
    return secrets.token_hex(8)


def retry_delay(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=RETRY_BASE_S * 4 ** max(attempts - 1, 0))


# --- Tasks -----------------------------------------------------------------------------------


@task()
def send_messages(*, message_ids: list[int]) -> dict[str, int]:
    return send_batch(message_ids)


@task()
def send_swept() -> dict[str, int]:
    """The task single messages share (``send_one_soon``): whatever is queued
    and due. Having sent any, it sweeps once more SWEEP_S later (unless a sweep
    is already due then): messages committed while it ran, and those a web
    process queued without asking (``send_one_soon``), go out with the next."""
    counts = send_waiting(now=timezone.now())
    if counts and cache.add(SWEEP_KEY, 1, timeout=SWEEP_S):
        send_swept.using(run_after=timezone.now() + dt.timedelta(seconds=SWEEP_S)).enqueue()
    return counts


def send_soon(message_ids: Iterable[int]) -> int:
    """Enqueue the sending of ``message_ids``, a task per BATCH; the number of tasks."""
    ids = list(message_ids)
    for start in range(0, len(ids), BATCH):
        send_messages.enqueue(message_ids=ids[start : start + BATCH])
    return (len(ids) + BATCH - 1) // BATCH


_sweep_asked_at = -math.inf  # this process's last ask (time.monotonic) whether a sweep is due


def send_one_soon(message_id: int) -> None:
    """Have a single message (a tracker, a sign-in code, a notice) sent within
    about SWEEP_S seconds. Where tasks can wait (the database backend), the
    first message of each SWEEP_S enqueues one task to run SWEEP_S later, and
    that task sends every message then waiting, in batches: at a ballot's peak
    a hundred trackers a second are one task and one SMTP connection a second,
    not a hundred of each, and casting a vote writes no task row of its own.
    Elsewhere (the immediate backend of the demo and the tests) it is sent at once.

    Each process asks the cache at most once a SWEEP_S: a sweep is then due
    (its own or another's), and a sweep that sent anything sweeps again, so
    a message queued meanwhile goes with one of them. Whatever a sweep
    misses the worker's ``send_due`` sends within the minute."""
    global _sweep_asked_at
    if not send_swept.get_backend().supports_defer:
        send_messages.enqueue(message_ids=[message_id])
        return
    clock = time.monotonic()
    if clock - _sweep_asked_at < SWEEP_S:
        return
    _sweep_asked_at = clock
    if cache.add(SWEEP_KEY, 1, timeout=SWEEP_S):
        send_swept.using(run_after=timezone.now() + dt.timedelta(seconds=SWEEP_S)).enqueue()


def forget_sweep() -> None:
    """Forget this process's last ask (``send_one_soon``): for tests, which clear the cache too."""
    global _sweep_asked_at
    _sweep_asked_at = -math.inf


# --- Claiming and sending ------------------------------------------------------------------------


def claim(message_ids: list[int], now: dt.datetime) -> tuple[str, list[Message]]:
    """Take the queued, due messages among ``message_ids`` for this sender, in
    one conditional update; rows another sender holds, or has sent, are not
    taken. Messages past their expiry fail instead, unsent."""
    Message.objects.filter(pk__in=message_ids, status=Status.QUEUED, expires_at__lte=now).update(
        status=Status.FAILED, last_error="expired before it could be sent: not sent"
    )
    token = new_claim()
    # While sending, next_attempt_at holds when the attempt began (see fail_interrupted).
    Message.objects.filter(pk__in=message_ids, status=Status.QUEUED, next_attempt_at__lte=now).exclude(channel=Channel.POST).exclude(
        channel=Channel.EMAIL, content__isnull=True
    ).update(status=Status.SENDING, claim=token, attempts=F("attempts") + 1, next_attempt_at=now)  # fmt: skip
    return token, list(Message.objects.filter(pk__in=message_ids, status=Status.SENDING, claim=token).order_by("pk"))


def send_batch(message_ids: list[int], now: dt.datetime | None = None) -> dict[str, int]:
    """Send the queued, due messages among ``message_ids``; the number that
    ended in each status. Each content is read once; each channel sends its
    messages over one connection."""
    now = now or timezone.now()
    token, claimed = claim(message_ids, now)
    counts: Counter = Counter()
    if not claimed:
        return {}
    bounced = flagged(m.address for m in claimed if m.channel == Channel.EMAIL)
    stopped = [m for m in claimed if m.channel == Channel.EMAIL and m.address.strip().lower() in bounced]
    if stopped:  # flagged after it was queued
        Message.objects.filter(pk__in=[m.pk for m in stopped], claim=token, status=Status.SENDING).update(
            status=Status.SUPPRESSED, last_error=SUPPRESSED_ERROR
        )
        counts[Status.SUPPRESSED] += len(stopped)
    contents = Content.objects.in_bulk({m.content_id for m in claimed if m.content_id})
    by_channel: dict[str, list[Message]] = {}
    held = {m.pk for m in stopped}
    for message in claimed:
        if message.pk not in held:
            by_channel.setdefault(message.channel, []).append(message)
    for channel, messages in by_channel.items():
        pending: list[tuple[Message, Outcome]] = []
        for message, outcome in CHANNELS[channel](messages, contents):
            pending.append((message, outcome))
            if len(pending) == CHUNK:
                counts.update(_record(pending, token, now))
                pending = []
        counts.update(_record(pending, token, now))
    _defer_retries(message_ids, now)
    return dict(counts)


def _record(outcomes: list[tuple[Message, Outcome]], token: str, now: dt.datetime) -> Counter:
    """Write what happened to each message, still held under ``token``."""
    counts: Counter = Counter()
    mine = Message.objects.filter(claim=token, status=Status.SENDING)
    ours, theirs = [], []  # sent emails known by our Message-ID, and messages with the provider's own id (or none: texts)
    for message, outcome in outcomes:
        if outcome.kind == Outcome.SENT:
            if message.channel == Channel.EMAIL and not outcome.provider_id:
                ours.append(message.pk)
            else:
                message.status, message.sent_at, message.provider_id, message.last_error = Status.SENT, now, outcome.provider_id[:200], ""
                theirs.append(message)
            counts[Status.SENT] += 1
            continue
        error = outcome.error[:300]
        rows = mine.filter(pk=message.pk)
        if outcome.kind == Outcome.TRANSIENT and message.attempts < MAX_ATTEMPTS:
            rows.update(status=Status.QUEUED, last_error=error, next_attempt_at=now + retry_delay(message.attempts))
            counts[Status.QUEUED] += 1
        elif outcome.kind == Outcome.REFUSED:
            rows.update(status=Status.BOUNCED, last_error=error)
            bounce_record(address=message.address, reason=f"refused by the mail server: {error}", message=message, now=now)
            counts[Status.BOUNCED] += 1
        else:
            rows.update(status=Status.FAILED, last_error=error)
            counts[Status.FAILED] += 1
    if ours:  # one statement for the batch: per-row updates cost more than the sending
        mine.filter(pk__in=ours).update(status=Status.SENT, sent_at=now, last_error="", provider_id=message_id_sql(token, email_domain()))
    if theirs:
        mine.bulk_update(theirs, ["status", "sent_at", "provider_id", "last_error"], batch_size=CHUNK)
    return counts


def _defer_retries(message_ids: list[int], now: dt.datetime) -> None:
    """On a backend that can run a task later, enqueue each retry for its
    time; on others ``send_due`` finds them."""
    if not send_messages.get_backend().supports_defer:
        return
    groups: dict[dt.datetime, list[int]] = {}
    for at, pk in Message.objects.filter(pk__in=message_ids, status=Status.QUEUED, next_attempt_at__gt=now).values_list("next_attempt_at", "pk"):
        groups.setdefault(at, []).append(pk)
    for run_after, ids in groups.items():
        send_messages.using(run_after=run_after).enqueue(message_ids=ids)


# --- What a periodic job calls -------------------------------------------------------------------


def fail_interrupted(now: dt.datetime | None = None) -> int:
    """Mark failed the messages a sender began over an hour ago and never
    finished (it died mid-batch). Whether each left is unknown, so it is not
    tried again (nobody gets it twice) but shows as failed in the reports."""
    now = now or timezone.now()
    stuck = Message.objects.filter(status=Status.SENDING, next_attempt_at__lt=now - INTERRUPTED_AFTER)
    return stuck.update(status=Status.FAILED, last_error="interrupted while sending: it may not have arrived; not retried, so nobody gets it twice")


def send_due(*, now: dt.datetime | None = None, limit: int = DUE_LIMIT) -> dict[str, int]:
    """Send what is due, in batches, up to ``limit`` messages: retries whose
    time has come, and messages whose sending task was lost. Safe to run at
    any time, beside the tasks and beside itself. The number of messages
    that ended in each status, and ``interrupted``: sends found abandoned."""
    now = now or timezone.now()
    counts: Counter = Counter(interrupted=fail_interrupted(now))
    counts.update(send_waiting(now=now, limit=limit))
    return dict(counts)


def send_waiting(*, now: dt.datetime, limit: int = DUE_LIMIT) -> dict[str, int]:
    """Send the messages queued and due at ``now``, in batches, up to ``limit``."""
    counts: Counter = Counter()
    taken = 0
    last = 0
    while taken < limit:
        due = Message.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now, pk__gt=last).exclude(channel=Channel.POST)
        ids = list(due.order_by("pk").values_list("pk", flat=True)[: min(BATCH, limit - taken)])
        if not ids:
            break
        counts.update(send_batch(ids, now=now))
        taken += len(ids)
        last = ids[-1]
    return dict(counts)
