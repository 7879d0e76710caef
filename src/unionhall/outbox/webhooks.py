"""Providers' tracking webhooks, through django-anymail: a bounce, a
rejection for a bad address or a spam complaint flags the address as any
bounce does (bounces.py); an unsubscribe made at the provider leaves the
message's mailing list.

Anymail checks each webhook before this runs: the shared secret
(``ANYMAIL["WEBHOOK_SECRET"]``, HTTP basic auth) and, for providers that
sign their webhooks, the signature; a request that fails is answered 400 and
changes nothing. Anymail accepts any request when no secret is set, so this
receiver then refuses every event itself: an open webhook would let anyone
stop the union's mail to any member."""

import logging

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.signals import EventType, RejectReason, tracking
from anymail.utils import get_anymail_setting
from django.dispatch import receiver

from unionhall.outbox.bounces import bounce_record
from unionhall.outbox.channels.email import METADATA_KEY
from unionhall.outbox.models import Channel, Message
from unionhall.outbox.unsubscribe import do_unsubscribe, mailing_list

logger = logging.getLogger(__name__)

# A rejection for these reasons means the address does not take our mail.
FLAGGING_REJECTIONS = {RejectReason.BOUNCED, RejectReason.INVALID, RejectReason.SPAM, RejectReason.BLOCKED, RejectReason.TIMED_OUT}


def message_for(event) -> Message | None:
    """Our message the event is about: by the id we gave it (anymail's
    metadata), or by the provider's id for it; only if it went to the
    event's recipient."""
    recipient = (event.recipient or "").strip()
    if not recipient:
        return None
    emails = Message.objects.filter(channel=Channel.EMAIL, address__iexact=recipient)
    ours = str((event.metadata or {}).get(METADATA_KEY, ""))
    if ours.isdigit():
        found = emails.filter(pk=int(ours)).first()
        if found:
            return found
    return emails.filter(provider_id=event.message_id).first() if event.message_id else None


def describe(event, esp_name: str) -> str:
    reason = f" ({event.reject_reason})" if event.reject_reason else ""
    detail = f": {event.description or event.mta_response}" if (event.description or event.mta_response) else ""
    return f"{esp_name} reported {event.event_type}{reason}{detail}"


@receiver(tracking, dispatch_uid="unionhall.outbox.tracking")
def take_tracking_event(sender, event, esp_name, **kwargs):
    if not get_anymail_setting("webhook_secret", default=None):
        raise AnymailWebhookValidationFailure("ANYMAIL['WEBHOOK_SECRET'] is not set: webhooks are refused until it is")
    flags = event.event_type in (EventType.BOUNCED, EventType.COMPLAINED) or (
        event.event_type == EventType.REJECTED and event.reject_reason in FLAGGING_REJECTIONS
    )
    if flags and event.recipient:
        bounce_record(address=event.recipient, reason=describe(event, esp_name), message=message_for(event))
    elif event.event_type == EventType.UNSUBSCRIBED:
        message = message_for(event)
        if message is not None and message.member_id and mailing_list(message.unsubscribe):
            do_unsubscribe(member_id=message.member_id, list_key=message.unsubscribe)
        else:
            logger.info("%s: an unsubscribe from mail with no list of ours to leave; nothing changed", esp_name)
