"""Email, through Django's mail API: the SMTP relay by default, or a provider
through an anymail backend (``EMAIL_BACKEND``), one connection per batch.

Each message is built from its content for its one recipient: their own
``[[name]]`` values, their own one-click unsubscribe link where the mail
carries one, and a Message-ID of our own, kept as the message's provider id
unless the provider gives one of its own (a bounce quoting it finds the
message).

To the SMTP relay a mailing's email is built once per batch (``Template``),
as bytes with markers where each recipient's own values go; each copy is
those bytes with the markers replaced. Building a MIME message per recipient
cost more than sending it; the copies are what building each would give.
Anything the markers cannot carry as they are (a value that is not ASCII, a
body the encoder wrapped) is built the ordinary way."""

import secrets
import smtplib
from email.utils import parseaddr
from functools import cached_property

from anymail.exceptions import AnymailAPIError, AnymailError, AnymailRecipientsRefused
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from unionhall.outbox.channels.base import Outcome, fill
from unionhall.outbox.unsubscribe import one_click_for, token_for

# Anymail carries this to the provider and back in its tracking events (webhooks.py).
METADATA_KEY = "outbox_message"


def email_domain() -> str:
    _, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return sender.rpartition("@")[2] or "unionhall.invalid"


def message_id(pk, claim: str, domain: str) -> str:
    """Our Message-ID for an attempt at a message."""
    return f"<outbox.{pk}.{claim}@{domain}>"


def message_id_sql(claim: str, domain: str) -> Concat:
    """``message_id`` of each row, as SQL: the sender records a batch's ids in one update."""
    return Concat(Value("<outbox."), Cast("id", CharField()), Value(f".{claim}@{domain}>"), output_field=CharField())


def compose(content, *, to: str, msgid: str, values: dict, token: str | None) -> EmailMultiAlternatives:
    """The email of ``content`` for one recipient, with ``values`` for its
    [[name]]s and, given a ``token``, the one-click unsubscribe link."""
    values = dict(values)
    headers = dict(content.headers)
    if token is not None:
        link = one_click_for(token)
        values["unsubscribe_url"] = link.url
        headers.update(link.headers)
    headers["Message-ID"] = msgid
    email = EmailMultiAlternatives(
        subject=fill(content.subject, values), body=fill(content.text, values), from_email=content.from_email or None,
        to=[to], reply_to=[content.reply_to] if content.reply_to else None, headers=headers,
    )  # fmt: skip
    if content.html:
        email.attach_alternative(fill(content.html, values, html=True), "text/html")
    return email


def _token(message) -> str | None:
    return token_for(member_id=message.member_id, list_key=message.unsubscribe) if message.unsubscribe and message.member_id else None


def build(message, content, *, domain: str) -> EmailMultiAlternatives:
    """The email for one message (claimed: ``message.claim`` is set)."""
    email = compose(content, to=message.address, msgid=message_id(message.pk, message.claim, domain), values=message.fields, token=_token(message))
    email.metadata = {METADATA_KEY: str(message.pk)}  # anymail sends it; other backends ignore it
    return email


class _Raw:
    def __init__(self, raw: bytes):
        self.raw = raw

    def as_bytes(self, linesep: str = "\r\n", **kwargs) -> bytes:
        return self.raw


class Prebuilt(EmailMessage):
    """An email whose bytes are already made, for Django's SMTP backend
    (which asks only for its sender, its recipients and its bytes)."""

    def __init__(self, raw: bytes, *, to: str, from_email: str | None, envelope_from: str):
        super().__init__(to=[to], from_email=from_email)
        self.raw, self.envelope_from = raw, envelope_from

    def message(self, *, policy=None):
        return _Raw(self.raw)

    def send_over(self, backend: SMTPBackend) -> None:
        """Send on the backend's open SMTP connection, as its ``_send`` does
        with the addresses already checked (the template checked the sender;
        the recipient is a plain ASCII address), which costs a third less."""
        backend.connection.sendmail(self.envelope_from, self.to, self.raw)


class Template:
    """A content's email as bytes, with markers for the recipient's address,
    the Message-ID, the unsubscribe token and each [[name]] value."""

    def __init__(self, raw: bytes, markers: dict[str, str], from_email: str | None, domain: str):
        self.raw, self.markers, self.from_email, self.domain = raw, markers, from_email, domain

    @classmethod
    def make(cls, content, *, names: tuple[str, ...], unsubscribe: bool, domain: str) -> "Template | None":
        """The template, or None if the encoder did not keep every marker
        whole (an encoded subject holding one, a body wrapped as
        quoted-printable): those messages are built one by one."""
        stem = f"uhm{secrets.token_hex(6)}"
        markers = {"to": f"{stem}to@outbox.invalid", "id": f"<{stem}id@{domain}>", **{f"field:{n}": f"{stem}f{i}x" for i, n in enumerate(names)}}
        if unsubscribe:
            markers["token"] = f"{stem}tokx"
        values = {name: markers[f"field:{name}"] for name in names}
        email = compose(content, to=markers["to"], msgid=markers["id"], values=values, token=markers.get("token"))
        raw = email.message().as_bytes(linesep="\r\n")
        written = "\n".join([email.subject, email.body, *(c for c, _ in email.alternatives), *email.extra_headers.values(), *email.to])
        if any(raw.count(marker.encode()) != written.count(marker) for marker in markers.values()):
            return None
        return cls(raw, markers, email.from_email, domain)

    @cached_property
    def envelope_from(self) -> str:
        return sanitize_address(self.from_email, settings.DEFAULT_CHARSET)

    def render(self, message) -> Prebuilt | None:
        """The message's copy, or None if one of its values is not ASCII
        (the body's encoding was chosen for the markers)."""
        values = {"to": message.address, "id": message_id(message.pk, message.claim, self.domain)}
        if "token" in self.markers:
            values["token"] = _token(message) or ""
        for key in self.markers:
            if key.startswith("field:"):
                values[key] = str(message.fields.get(key.removeprefix("field:"), ""))
        if not all(value.isascii() and "\n" not in value and "\r" not in value for value in values.values()) or "@" not in message.address:
            return None
        raw = self.raw
        for key, marker in self.markers.items():
            raw = raw.replace(marker.encode(), values[key].encode())
        return Prebuilt(raw, to=message.address, from_email=self.from_email, envelope_from=self.envelope_from)


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


def _provider_id(email: EmailMessage) -> str:
    """The provider's own id for the sent email, or "" for ours (its Message-ID)."""
    given = getattr(getattr(email, "anymail_status", None), "message_id", None)
    return given if isinstance(given, str) else ""


def send(messages, contents):
    domain = email_domain()
    connection = get_connection()
    # Django's SMTP backend takes prebuilt bytes; any other (a provider's API, the tests' memory) gets each email built.
    templates: dict | None = {} if type(connection) is SMTPBackend else None
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
            content = contents[message.content_id]
            try:
                email = None
                if templates is not None:
                    shape = (content.pk, bool(message.unsubscribe and message.member_id), tuple(sorted(message.fields)))
                    if shape not in templates:
                        templates[shape] = Template.make(content, names=shape[2], unsubscribe=shape[1], domain=domain)
                    email = templates[shape].render(message) if templates[shape] else None
                if email is None:
                    email = build(message, content, domain=domain)
            except ImproperlyConfigured as exc:  # BASE_URL missing for its links: it waits until the site is set up
                yield message, Outcome.of(Outcome.TRANSIENT, exc)
                continue
            try:
                if isinstance(email, Prebuilt) and connection.connection is not None:
                    email.send_over(connection)
                else:
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
