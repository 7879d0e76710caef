"""Email, through Django's mail API: the SMTP relay by default, or a provider
through an anymail backend (``EMAIL_BACKEND``), one connection per batch.

Each message is built from its content for its one recipient: their own
``[[name]]`` values, their own one-click unsubscribe link where the mail
carries one, and a Message-ID of our own, kept as the message's provider id
unless the provider gives one of its own (a bounce quoting it finds the
message)."""

import smtplib
from email.utils import parseaddr

from anymail.exceptions import AnymailAPIError, AnymailError, AnymailRecipientsRefused
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection

from unionhall.outbox.channels.base import Outcome, fill
from unionhall.outbox.unsubscribe import one_click

# Anymail carries this to the provider and back in its tracking events (webhooks.py).
METADATA_KEY = "outbox_message"


def _domain() -> str:
    _, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return sender.rpartition("@")[2] or "unionhall.invalid"


def build(message, content, *, domain: str) -> EmailMultiAlternatives:
    """The email for one message (claimed: ``message.claim`` is set)."""
    values = dict(message.fields)
    headers = dict(content.headers)
    if message.unsubscribe and message.member_id:
        link = one_click(member_id=message.member_id, list_key=message.unsubscribe)
        values["unsubscribe_url"] = link.url
        headers.update(link.headers)
    headers["Message-ID"] = f"<outbox.{message.pk}.{message.claim}@{domain}>"
    email = EmailMultiAlternatives(
        subject=fill(content.subject, values), body=fill(content.text, values), from_email=content.from_email or None,
        to=[message.address], reply_to=[content.reply_to] if content.reply_to else None, headers=headers,
    )  # fmt: skip
    if content.html:
        email.attach_alternative(fill(content.html, values, html=True), "text/html")
    email.metadata = {METADATA_KEY: str(message.pk)}  # anymail sends it; other backends ignore it
    return email


def classify(exc: Exception) -> tuple[str, bool]:
    """What a failure means (an Outcome kind), and whether the connection
    must be opened again before the next message."""
    if isinstance(exc, AnymailRecipientsRefused):
        return Outcome.REFUSED, False
    if isinstance(exc, AnymailAPIError):
        status = getattr(exc, "status_code", None)
        return (Outcome.TRANSIENT if status is None or status == 429 or status >= 500 else Outcome.FAILED), False
    if isinstance(exc, AnymailError):
        return Outcome.FAILED, False
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return (Outcome.TRANSIENT if codes and all(400 <= code < 500 for code in codes) else Outcome.REFUSED), False
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return Outcome.TRANSIENT, True
    if isinstance(exc, smtplib.SMTPResponseException):
        return (Outcome.TRANSIENT if 400 <= exc.smtp_code < 500 else Outcome.FAILED), exc.smtp_code == 421
    if isinstance(exc, OSError):  # the network, and every other SMTP error
        return Outcome.TRANSIENT, True
    return Outcome.FAILED, False


def _provider_id(email: EmailMultiAlternatives) -> str:
    status = getattr(email, "anymail_status", None)
    given = getattr(status, "message_id", None)
    return given if isinstance(given, str) and given else email.extra_headers["Message-ID"]


def send(messages, contents):
    domain = _domain()
    connection = get_connection()
    broken: Exception | None = None  # the connection failed; open it again before the next message
    dead: Exception | None = None  # it could not be opened: the rest wait for a retry
    try:
        try:
            connection.open()
        except Exception as exc:  # noqa: BLE001  the server is unreachable
            dead = exc
        for message in messages:
            if broken is not None and dead is None:
                try:
                    connection.close()
                    connection.open()
                    broken = None
                except Exception as exc:  # noqa: BLE001
                    dead = exc
            if dead is not None:
                yield message, Outcome.of(Outcome.TRANSIENT, dead)
                continue
            try:
                email = build(message, contents[message.content_id], domain=domain)
            except ImproperlyConfigured as exc:  # BASE_URL missing for its links: it waits until the site is set up
                yield message, Outcome.of(Outcome.TRANSIENT, exc)
                continue
            email.connection = connection
            try:
                connection.send_messages([email])
            except Exception as exc:  # noqa: BLE001  every failure is recorded on its message
                kind, reconnect = classify(exc)
                if reconnect:
                    broken = exc
                yield message, Outcome.of(kind, exc)
            else:
                yield message, Outcome.sent(_provider_id(email))
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001, S110  closing a connection that already broke
            pass
