"""Mail goes out through the outbox (``unionhall.outbox``), never in the
request that causes it.

A request then answers in the same time whether or not a message was sent
(so a sign-in form does not reveal, by its speed, who is a member), a slow
or failed mail server cannot fail a vote, and the outbox retries what fails.
Queue inside the transaction that decides to send: the outbox row is written
in it, so the message exists if and only if the change does, and the sender
takes it after the commit."""

import datetime as dt
import hashlib

from django_tasks import task

from unionhall.outbox.models import Topic
from unionhall.outbox.services import email_queue


def queue_email(*, subject: str, body: str, to: list[str], html: str = "", from_email: str | None = None, headers: dict | None = None,
                topic: str = Topic.NOTICE, key: str = "", member_id: int | None = None, about=None, reply_to: str = "",
                expires_at: dt.datetime | None = None) -> None:  # fmt: skip
    """Queue the email to each address in ``to``, one message each (nobody
    sees who else got it). ``topic`` says what it is for; ``key`` names the
    logical message, so queueing it again changes nothing (each address gets
    ``key:address``); ``member_id`` is whose address it is, when one member's."""
    for address in dict.fromkeys(to):
        email_queue(
            topic=topic, to=address, subject=subject, text=body, html=html, from_email=from_email or "", headers=headers,
            key=address_key(key, address) if key else "", member_id=member_id, about=about, reply_to=reply_to, expires_at=expires_at,
        )  # fmt: skip


def address_key(key: str, address: str) -> str:
    """``key:address``, or, where that would not fit an outbox key (200
    characters; an address may be 254), the address by a digest."""
    whole = f"{key}:{address.lower()}"
    return whole if len(whole) <= 200 else f"{key}:{hashlib.sha256(address.strip().lower().encode()).hexdigest()[:16]}"


def queue_message(message, *, topic: str = Topic.NOTICE, member_id: int | None = None, expires_at: dt.datetime | None = None) -> None:
    """Queue an already-built EmailMessage (allauth builds its own)."""
    html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
    if getattr(message, "content_subtype", "plain") == "html":
        html, body = message.body, ""
    else:
        body = message.body
    queue_email(subject=message.subject, body=body, to=list(message.to), html=html, from_email=message.from_email,
                headers=dict(message.extra_headers), topic=topic, member_id=member_id, expires_at=expires_at)  # fmt: skip


@task()
def send_email(*, subject: str, body: str, to: list[str], html: str = "", from_email: str | None = None, headers: dict | None = None) -> None:
    """Kept for tasks enqueued before the outbox: each becomes an outbox message."""
    queue_email(subject=subject, body=body, to=to, html=html, from_email=from_email, headers=headers)
