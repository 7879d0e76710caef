"""Queueing messages: the one way the product sends anything.

Call these inside the transaction of the change that causes the message (a
vote, a nomination, a reply): the Message row then exists if and only if
the change does, so a crash between the two can lose nothing. They also
enqueue the sending task in that transaction: with the database task
backend it exists only if the transaction commits, and a worker takes it
after the commit; the immediate backend (DEBUG, the tests) sends at once.
Whatever is queued and not yet sent, ``sending.send_due`` sends.

A message is named by its ``key`` ("reminder:7:member:42:email"): queueing
the same key again changes nothing, so a job that is run twice, or resumed
after a crash, never queues a message twice."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from unionhall import bulk
from unionhall.outbox import sending
from unionhall.outbox.bounces import flagged, is_flagged
from unionhall.outbox.models import AddressFlag, Channel, Content, Message, Status
from unionhall.outbox.unsubscribe import mailing_list

BATCH = sending.BATCH
SUPPRESSED_ERROR = sending.SUPPRESSED_ERROR


@dataclass(frozen=True)
class Recipient:
    """One message of a mailing: who gets it, and under which key."""

    key: str  # the logical message; queued once, however often this is asked
    address: str = ""  # an email address or phone number; blank for post
    member_id: int | None = None
    fields: dict = field(default_factory=dict)  # values for the content's [[name]]s


def about_of(subject) -> tuple[str, int | None]:
    """("app.model", pk) for a model instance, or the pair given."""
    if subject is None:
        return "", None
    if isinstance(subject, tuple):
        return subject
    return subject._meta.label_lower, subject.pk


def content_write(*, text: str, subject: str = "", html: str = "", key: str | None = None, from_email: str = "", reply_to: str = "",
                  headers: dict | None = None, now: dt.datetime | None = None) -> Content:  # fmt: skip
    """The content of a message or of a mailing. Under ``key`` it is written
    once: asked again (a mailing resumed), the content already written is
    returned as it is, so every recipient gets the same words."""
    values = {"subject": subject[:300], "text": text, "html": html, "from_email": from_email, "reply_to": reply_to,
              "headers": headers or {}, "created_at": now or timezone.now()}  # fmt: skip
    if key is None:  # a single message's: written in one plain statement, as its message is
        ops = connection.ops
        row = [*list(values.values())[:5], ops.adapt_json_value(values["headers"], None), ops.adapt_datetimefield_value(values["created_at"])]
        with connection.cursor() as cursor:
            cursor.execute(bulk.insert_sql(Content, list(values), returning="id"), row)
            return Content(pk=cursor.fetchone()[0], **values)
    existing = Content.objects.filter(key=key).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Content.objects.create(key=key, **values)
    except IntegrityError:  # written meanwhile by a concurrent run of the same mailing
        return Content.objects.get(key=key)


def messages_queue(*, topic: str, channel: str, content: Content | None, recipients: Sequence[Recipient], about=None, unsubscribe: str = "",
                   expires_at: dt.datetime | None = None, now: dt.datetime | None = None, send: bool = True) -> list[int]:  # fmt: skip
    """Queue one message per recipient, skipping any whose key is already
    queued. An email to an address that bounced is written ``suppressed``
    (and not sent); a message by post is written ``postal``, for the postal
    list. ``unsubscribe`` names the mailing list a one-click unsubscribe in
    it leaves (only for mail a member chose: see unsubscribe.py).

    Returns the ids of the messages waiting to be sent under these keys (new
    or still waiting from an earlier run), and with ``send`` enqueues their
    sending. Write at most a few thousand recipients per call."""
    _check(channel=channel, recipients=recipients, unsubscribe=unsubscribe, has_content=content is not None)
    if not recipients:
        return []
    now = now or timezone.now()
    about_type, about_id = about_of(about)
    bounced = flagged(r.address for r in recipients) if channel == Channel.EMAIL else set()

    def status_of(recipient: Recipient) -> str:
        if channel == Channel.POST:
            return Status.POSTAL
        return Status.SUPPRESSED if recipient.address.strip().lower() in bounced else Status.QUEUED

    rows = [_row(r, topic=topic, channel=channel, status=status_of(r), content=content, unsubscribe=unsubscribe, about_type=about_type,
                 about_id=about_id, now=now, expires_at=expires_at) for r in recipients]  # fmt: skip
    _insert([_adapted(row) for row in rows])
    if channel == Channel.POST:
        return []
    waiting = list(Message.objects.filter(key__in=[r.key for r in recipients], status=Status.QUEUED).order_by("pk").values_list("pk", flat=True))
    if send:
        sending.send_soon(waiting)
    return waiting


def _check(*, channel: str, recipients: Sequence[Recipient], unsubscribe: str, has_content: bool) -> None:
    """Refuse (ValueError: a caller's mistake, not a user's) what no message may be."""
    if unsubscribe and any(r.member_id is None for r in recipients):
        raise ValueError("a message with an unsubscribe link must name its member")
    if unsubscribe and mailing_list(unsubscribe) is None:
        raise ValueError(f"no mailing list {unsubscribe!r}")
    if channel != Channel.POST and any(not r.address for r in recipients):
        raise ValueError(f"every {channel} message needs an address")
    if channel != Channel.POST and not has_content:
        raise ValueError(f"a {channel} message needs its content")


def _row(r: Recipient, *, topic, channel, status, content, unsubscribe, about_type, about_id, now, expires_at) -> tuple:
    """A message's values in INSERTED's order, as Python values."""
    error = SUPPRESSED_ERROR if status == Status.SUPPRESSED else ""
    return (r.key, topic, channel, status, r.member_id, r.address, content.pk if content else None, r.fields,
            unsubscribe, about_type, about_id, 0, error, now, now, expires_at, "", "")  # fmt: skip


def _adapted(row: tuple) -> tuple:
    """``row`` with its JSON and datetimes as the database takes them (raw SQL skips the fields' own adapting)."""
    ops = connection.ops
    values = list(row)
    for name in ("fields",):
        i = INSERTED.index(name)
        values[i] = ops.adapt_json_value(values[i], None)
    for name in ("queued_at", "next_attempt_at", "expires_at"):
        i = INSERTED.index(name)
        values[i] = ops.adapt_datetimefield_value(values[i])
    return tuple(values)


# The columns _insert writes, in its rows' order.
INSERTED = ("key", "topic", "channel", "status", "member_id", "address", "content_id", "fields", "unsubscribe", "about_type", "about_id",
            "attempts", "last_error", "queued_at", "next_attempt_at", "expires_at", "claim", "provider_id")  # fmt: skip


def _insert(rows: list[tuple]) -> None:
    """Insert message rows, leaving any whose key is already there as it is,
    in one prepared statement (``unionhall.bulk``): the ORM's bulk_create
    spent 0.4 ms a row building its SQL, a third of what sending costs."""
    bulk.insert_many(Message, INSERTED, rows, on_conflict="key")


@cache
def _shared_sql() -> str:
    """_insert_one's statement for a message of shared words: its status
    from the address's bounce flag, its content the one under a key (NULL
    until written)."""
    qn = connection.ops.quote_name
    flag, content = qn(AddressFlag._meta.db_table), qn(Content._meta.db_table)
    return bulk.insert_sql(Message, INSERTED, on_conflict="key", returning=("id", "status", "content_id"), values={
        "status": f"CASE WHEN EXISTS (SELECT 1 FROM {flag} WHERE {qn('key')} = %s AND cleared_at IS NULL) THEN %s ELSE %s END",
        "content_id": f"(SELECT id FROM {content} WHERE {qn('key')} = %s)",
    })  # fmt: skip


def _insert_shared(row: tuple, content_key: str) -> tuple[int, str, int | None] | None:
    """Insert one message row of shared words (``email_queue``'s
    ``content_key``) in one statement; its (id, status, content_id), or None if
    its key was there already."""
    values = list(_adapted(row))
    at = INSERTED.index
    values[at("status")] = (AddressFlag.key_for(values[at("address")]), Status.SUPPRESSED, Status.QUEUED)
    values[at("content_id")] = (content_key,)
    with connection.cursor() as cursor:
        cursor.execute(_shared_sql(), [p for v in values for p in (v if isinstance(v, tuple) else (v,))])
        return cursor.fetchone()


def _insert_one(row: tuple) -> int | None:
    """Insert one message row; its id, or None if its key was there already."""
    with connection.cursor() as cursor:
        cursor.execute(bulk.insert_sql(Message, INSERTED, on_conflict="key", returning="id"), _adapted(row))
        found = cursor.fetchone()
    return found[0] if found else None


def email_queue(*, topic: str, to: str, subject: str, text: str, html: str = "", key: str = "", member_id: int | None = None, about=None,
                unsubscribe: str = "", expires_at: dt.datetime | None = None, from_email: str = "", reply_to: str = "",
                headers: dict | None = None, fields: dict | None = None, content_key: str = "", now: dt.datetime | None = None) -> Message:  # fmt: skip
    """Queue one email to one address (see ``messages_queue``); the Message as
    queued (``queued``, or ``suppressed`` for a bounced address: refresh it to
    see it sent), or as it stands if ``key`` was queued before. Without
    ``key`` every call is a message of its own.

    This is the path of every single message (a vote's tracker, a sign-in
    code, a reply), so it writes in three statements rather than a mailing's
    six: the address's bounce flag, the content, and the message (which says
    whether its key was new); sending is swept (``sending.send_one_soon``). A
    key queued before is the rare case: the content just written goes again
    and the earlier message is returned as it is.

    With ``content_key`` the words are shared, as a mailing's are: written
    once under that key (by the first message that names it, in its
    transaction) and filled in from ``fields`` ([[name]]) when sent. Each
    message is then one statement, which reads the bounce flag and the
    content's id as it writes, and the words are stored once for every
    recipient: a ballot's trackers, a hundred a second at its peak."""
    recipient = Recipient(key=key or f"{topic}:{sending.new_claim()}{sending.new_claim()}", address=to, member_id=member_id, fields=fields or {})
    _check(channel=Channel.EMAIL, recipients=[recipient], unsubscribe=unsubscribe, has_content=True)
    now = now or timezone.now()
    about_type, about_id = about_of(about)
    if content_key:
        row = _row(recipient, topic=topic, channel=Channel.EMAIL, status=Status.QUEUED, content=None, unsubscribe=unsubscribe,
                   about_type=about_type, about_id=about_id, now=now, expires_at=expires_at)  # fmt: skip
        found = _insert_shared(row, content_key)
        if found is None:  # queued before under this key: that message stands
            return Message.objects.get(key=recipient.key)
        pk, status, content_id = found
        if content_id is None:  # the first message under content_key writes the words
            content_id = content_write(key=content_key, subject=subject, text=text, html=html, from_email=from_email, reply_to=reply_to,
                                       headers=headers, now=now).pk  # fmt: skip
            Message.objects.filter(pk=pk).update(content_id=content_id)
        if status == Status.SUPPRESSED:
            Message.objects.filter(pk=pk).update(last_error=SUPPRESSED_ERROR)
        else:
            sending.send_one_soon(pk)
        values = dict(zip(INSERTED, row, strict=True)) | {"status": status, "content_id": content_id}
        return Message(pk=pk, **values)
    status = Status.SUPPRESSED if is_flagged(to) else Status.QUEUED
    content = content_write(subject=subject, text=text, html=html, from_email=from_email, reply_to=reply_to, headers=headers, now=now)
    row = _row(recipient, topic=topic, channel=Channel.EMAIL, status=status, content=content, unsubscribe=unsubscribe,
               about_type=about_type, about_id=about_id, now=now, expires_at=expires_at)  # fmt: skip
    pk = _insert_one(row)
    if pk is None:  # queued before under this key: that message stands
        content.delete()
        return Message.objects.get(key=recipient.key)
    if status == Status.QUEUED:
        sending.send_one_soon(pk)
    values = dict(zip(INSERTED, row, strict=True))
    del values["content_id"]
    return Message(pk=pk, content=content, **values)
