"""The outbox's personal data (issue 17): every message sent to a member and
the addresses that bounced. Registered from OutboxConfig.ready()."""

from collections.abc import Sequence
import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from unionhall.outbox.models import AddressFlag, Content, Message, Status
from unionhall.personal_data import CONTRACT, LEGITIMATE_INTERESTS, Declaration, NoPersonalData, RetentionRule

# A message still to be sent is never due: deleting it would lose mail the member is owed.
UNFINISHED = (Status.QUEUED, Status.SENDING)


def messages_due(before: dt.date, after_id: int, limit: int) -> list[int]:
    # A bound on the column itself, not on its date: no function per row.
    start = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    return list(
        Message.objects.filter(queued_at__lt=start, pk__gt=after_id)
        .exclude(status__in=UNFINISHED)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def messages_delete(ids: Sequence[int]) -> int:
    """Delete the finished messages among ``ids``, and each content no message
    uses any more: a single message's content holds its words (a greeting by
    name, a case's notice), and goes with it; a mailing's content goes with
    the last of its messages. Returns how many messages it deleted."""
    with transaction.atomic():
        finished = Message.objects.filter(pk__in=list(ids)).exclude(status__in=UNFINISHED)
        contents = set(finished.exclude(content=None).values_list("content_id", flat=True))
        deleted, _ = finished.delete()
        Content.objects.filter(pk__in=contents).exclude(Exists(Message.objects.filter(content=OuterRef("pk")))).delete()
    return deleted


DECLARATIONS = [
    Declaration(
        model="outbox.Message",
        label="Messages sent to you",
        purpose="Messages the union sent you",
        fields=("member", "address", "fields", "topic", "status", "queued_at", "sent_at"),
        export=("topic", "channel", "status", "address", "queued_at", "sent_at"),
        basis=CONTRACT,
        retention="delivery_record",
        owner=("member",),
        recipients="The union's email and text providers, to deliver them",
    ),
    Declaration(
        model="outbox.AddressFlag",
        label="Addresses that bounced",
        purpose="Messages the union sent you",
        fields=("member", "email", "reason", "flagged_at"),
        export=("email", "reason", "flagged_at", "cleared_at"),
        basis=LEGITIMATE_INTERESTS,
        retention="delivery_record",
        owner=("member",),
    ),
    NoPersonalData(
        "outbox.Content",
        "What a message says, shared by every recipient of a mailing; what is personal to each is in Message.fields. "
        "A single message's content may name its member: it is deleted with the message (messages_delete). "
        "reply_to can carry a campaigning member's address: campaigns will declare it with its letters.",
    ),
    RetentionRule(
        key="delivery_record",
        model="outbox.Message",
        action="delete",
        event="when the message was queued (queued_at); never one still to be sent",
        due=messages_due,
        apply=messages_delete,
        keeps="the delivery counts bulletins and ballots already record on their own rows",
    ),
]
