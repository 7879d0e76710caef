"""Reading bulletins, and each member's private feed: ``check_reads`` says
whether a member may read a bulletin (a 404 otherwise, so the answer does not tell
whether it exists); ``feed_token`` and ``reader_from_feed_token`` make and check the
secret part of a member's feed address, and ``do_reset_feed`` revokes every earlier
one. Imports ``queries`` (what a member reads); no phase module."""

import datetime as dt

from django.core import signing
from django.db import transaction

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins.models import Bulletin, Reader
from unionhall.bulletins.queries import bulletins_for, reader_for
from unionhall.members.models import Member
from unionhall.refusals import Refused

FEED_SALT = "unionhall.bulletins.feed"


def check_reads(*, member: Member, bulletin: Bulletin, now: dt.datetime | None = None) -> None:
    """The bulletin is published and addressed to the member; otherwise a 404,
    so the answer does not tell whether it exists."""
    if not bulletins_for(member, now=now).filter(pk=bulletin.pk).exists():
        raise Refused("No such bulletin.", status=404)


def _feed_signer(reader: Reader) -> signing.Signer:
    return signing.Signer(salt=f"{FEED_SALT}:{reader.feed_key}")


def feed_token(reader: Reader) -> str:
    """The secret part of the member's feed address: their reader id, signed
    under a salt that includes ``feed_key``. Resetting the key revokes it."""
    return _feed_signer(reader).sign(str(reader.pk))


def reader_from_feed_token(token: str) -> Reader | None:
    """The reader the token was issued to, if it is still valid and the member active."""
    reader_id, _, _ = token.partition(":")
    if not reader_id.isdigit():
        return None
    reader = Reader.objects.select_related("member").filter(pk=int(reader_id)).first()
    if reader is None or not reader.feed_key or reader.member.status != Member.Status.ACTIVE:
        return None
    try:
        value = _feed_signer(reader).unsign(token)
    except signing.BadSignature:
        return None
    return reader if value == str(reader.pk) else None


@transaction.atomic
def do_reset_feed(*, member: Member) -> Reader:
    """A new feed key: every earlier feed address stops working."""
    reader = Reader.objects.select_for_update().get(pk=reader_for(member).pk)
    reader.feed_key = Reader.new_feed_key()
    reader.save(update_fields=["feed_key"])
    audit_record(actor=member.user, action=Action.CHANGE, subject=reader, detail={"event": "feed address reset"})
    return reader
