"""Bounces and spam complaints, from whichever road they come by: the mail
server refusing an address while we send (sending.py), a provider's
tracking webhook (webhooks.py), or bounce messages and CSV files given to
``manage.py ingest_bounces`` for a plain SMTP relay.

Each flags the address (``AddressFlag``): from then on no email goes to it,
for any purpose, until the member's address changes or an officer clears
the flag. Bulletins then go to the member by post."""

import datetime as dt
import email
import email.policy
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.outbox.models import AddressFlag, Channel, Message, Status


def flagged(addresses: Iterable[str]) -> set[str]:
    """Those of ``addresses`` (lower-cased) that bounced and are not cleared."""
    keys = {AddressFlag.key_for(a) for a in addresses if a}
    if not keys:
        return set()
    return set(AddressFlag.objects.filter(key__in=keys, cleared_at__isnull=True).values_list("key", flat=True))


def is_flagged(address: str) -> bool:
    """``flagged`` for one address, in one plain statement: every single
    message (a vote's tracker, a sign-in code) asks it."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {qn(AddressFlag._meta.db_table)} WHERE {qn('key')} = %s AND cleared_at IS NULL LIMIT 1", [AddressFlag.key_for(address)])
        return cursor.fetchone() is not None


def open_flag(address: str) -> AddressFlag | None:
    return AddressFlag.objects.filter(key=AddressFlag.key_for(address), cleared_at__isnull=True).first()


def flag_address(*, address: str, reason: str, member_id: int | None = None, now: dt.datetime | None = None) -> AddressFlag | None:
    """Flag ``address`` (as the address of ``member_id``, when known) as
    bouncing, once: None if that flag is already open. Audited."""
    now = now or timezone.now()
    key = AddressFlag.key_for(address)
    if AddressFlag.objects.filter(key=key, member_id=member_id, cleared_at__isnull=True).exists():
        return None
    flag = AddressFlag.objects.create(member_id=member_id, email=address.strip(), reason=reason[:300], flagged_at=now)
    subject = ("members.member", member_id) if member_id else flag
    audit_record(actor=None, action=Action.CHANGE, subject=subject, detail={"event": "email address flagged as bouncing", "reason": reason[:100]})
    return flag


@dataclass(frozen=True)
class Bounce:
    flags: int  # flags opened
    already_flagged: int
    message_id: int | None  # the message marked bounced, if one was found


@transaction.atomic
def bounce_record(*, address: str, reason: str, member_ids: Iterable[int] = (), message: Message | None = None, now: dt.datetime | None = None) -> Bounce:
    """Take one bounce (or complaint) for ``address``: flag it for each member
    it belongs to (``member_ids``, and the member of ``message``), or for
    nobody in particular if none is known, and mark the message that bounced,
    or else the last email sent to the address, as bounced. Taking the same
    bounce again changes nothing."""
    now = now or timezone.now()
    members = set(member_ids)
    if message is not None and message.member_id:
        members.add(message.member_id)
    # As the address was written when queued (the register's spelling), so pages that match flags to members find it.
    address = message.address if message is not None and message.address.lower() == address.strip().lower() else address.strip()
    opened = already = 0
    for member_id in sorted(members) or [None]:
        if flag_address(address=address, reason=reason, member_id=member_id, now=now):
            opened += 1
        else:
            already += 1
    if message is None:
        sent = Message.objects.filter(channel=Channel.EMAIL, status=Status.SENT, address__iexact=address.strip())
        if members:
            sent = sent.filter(member_id__in=members)
        message = sent.order_by("-sent_at", "-pk").first()
    marked = None
    if message is not None and Message.objects.filter(pk=message.pk, status=Status.SENT).update(status=Status.BOUNCED, last_error=reason[:300]):
        marked = message.pk
    return Bounce(flags=opened, already_flagged=already, message_id=marked)


@transaction.atomic
def address_flag_clear(*, flag: AddressFlag, actor, now: dt.datetime | None = None) -> bool:
    """An officer clears a flag (the member says the address works again):
    email to it resumes. False, changing nothing, if it was already cleared."""
    now = now or timezone.now()
    if not AddressFlag.objects.filter(pk=flag.pk, cleared_at__isnull=True).update(cleared_at=now, cleared_by=actor):
        return False
    subject = ("members.member", flag.member_id) if flag.member_id else flag
    audit_record(actor=actor, action=Action.CHANGE, subject=subject, detail={"event": "bounce flag cleared"})
    return True


# --- Bounce messages, for a plain SMTP relay --------------------------------------------------

ADDRESS = re.compile(r"[^@\s<>;,\"]+@[^@\s<>;,\"]+\.[^@\s<>;,\"]+")


@dataclass(frozen=True)
class BounceMessage:
    addresses: list[str]  # the recipients that failed for good
    message_ids: list[str]  # the Message-IDs of the mail that bounced, where the bounce quotes them


def read_bounce_message(raw: bytes) -> BounceMessage:
    """The failed recipients in a bounce: from a DSN's delivery-status part
    (RFC 3464: Final-Recipient with Action: failed), or else from an
    X-Failed-Recipients header; and the Message-ID of the returned mail if
    the bounce includes its headers. Delayed-delivery notices name nobody."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    found, ids = [], []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for block in part.get_payload() if part.is_multipart() else []:
                if str(block.get("Action", "")).strip().lower() == "failed":
                    found += ADDRESS.findall(str(block.get("Final-Recipient", "")))
        elif kind in ("message/rfc822", "text/rfc822-headers"):
            ids += re.findall(r"^Message-ID:\s*(<[^>\s]+>)", _text_of(part), flags=re.IGNORECASE | re.MULTILINE)
    if not found:
        found = ADDRESS.findall(str(message.get("X-Failed-Recipients", "")))
    return BounceMessage(addresses=found, message_ids=ids)


def _text_of(part) -> str:
    payload = part.get_payload()
    if isinstance(payload, list):  # message/rfc822: the returned message, parsed
        return "".join(f"{name}: {value}\n" for inner in payload for name, value in inner.items())
    if isinstance(payload, str):
        return payload
    return part.get_payload(decode=True).decode("utf-8", errors="replace") if part.get_payload(decode=True) else ""


def message_for_bounce(*, address: str, message_ids: Iterable[str]) -> Message | None:
    """The email that bounced, by the Message-ID the bounce quotes, if it was ours and went to ``address``."""
    ids = [i for i in message_ids if i]
    if not ids:
        return None
    return Message.objects.filter(provider_id__in=ids, channel=Channel.EMAIL, address__iexact=address.strip()).first()
