"""Getting a published bulletin to its audience: releasing it when its time
comes, writing one Delivery row per member and channel, sending the emails
through the task queue with retries, and taking bounces back.

The Delivery rows are the source of truth. A task that dies, runs twice or
runs late changes nothing that matters: fan-out writes the rows it has not
written yet, a send first claims its row (queued -> sending) with a
conditional update, and ``send_due_deliveries`` picks up whatever waits."""

import datetime as dt
import email
import email.policy
import re
import smtplib
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins.markup import render_bulletin
from unionhall.bulletins.models import AddressFlag, Bulletin, Delivery, Reader
from unionhall.bulletins.queries import address_bounced, email_recipients, postal_recipients, reader_for
from unionhall.members.models import Member
from unionhall.members.services import member_update_contact

BATCH = 500  # rows per bulk insert and emails per send task
MAX_ATTEMPTS = 5
RETRY_BASE_S = 60  # 1, 4, 16, 64 minutes between attempts
UNSUBSCRIBE_SALT = "unionhall.bulletins.unsubscribe"


class Lists:
    """What a one-click unsubscribe link stops."""

    BULLETINS = "bulletins"  # each bulletin by email (the register's Member.wants_email)
    REPLIES = "replies"  # replies to my comments
    DIGEST = "digest"  # the weekly digest
    ALL = (BULLETINS, REPLIES, DIGEST)


def site_url(path: str) -> str:
    """An absolute link for an email. Emails are built by workers, with no
    request to take a host from, so BASE_URL must be set."""
    if not settings.UNIONHALL_BASE_URL:
        raise ImproperlyConfigured("BASE_URL must be set to send bulletins by email (links in them need the site's address)")
    return settings.UNIONHALL_BASE_URL + path


def retry_delay(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=RETRY_BASE_S * 4 ** max(attempts - 1, 0))


# --- Releasing and fan-out ----------------------------------------------------------------


def due_bulletins(now: dt.datetime | None = None):
    now = now or timezone.now()
    return Bulletin.objects.filter(published_at__isnull=False, released_at__isnull=True, publish_at__lte=now)


@transaction.atomic
def do_release_bulletin(*, bulletin: Bulletin, now: dt.datetime | None = None) -> bool:
    """Mark a published bulletin whose time has come as released and start its
    delivery. False, changing nothing, if it is not due or already released."""
    now = now or timezone.now()
    bulletin = due_bulletins(now).select_for_update().filter(pk=bulletin.pk).first()
    if bulletin is None:
        return False
    bulletin.released_at = now
    bulletin.save(update_fields=["released_at"])
    audit_record(actor=None, action=Action.CHANGE, subject=bulletin, detail={"event": "bulletin released", "by_email": bulletin.by_email})
    fan_out_bulletin.enqueue(bulletin_id=bulletin.pk)
    return True


def schedule_release(bulletin: Bulletin, now: dt.datetime | None = None) -> None:
    """Queue the release for the bulletin's publish time. A task backend that
    cannot defer a task leaves a future one to ``release_due_bulletins``
    (the send_bulletins command, run every few minutes)."""
    now = now or timezone.now()
    if bulletin.publish_at <= now:
        release_bulletin.enqueue(bulletin_id=bulletin.pk)
    elif release_bulletin.get_backend().supports_defer:
        release_bulletin.using(run_after=bulletin.publish_at).enqueue(bulletin_id=bulletin.pk)


def release_due_bulletins(now: dt.datetime | None = None) -> int:
    """Release every bulletin whose publish time has passed; the count released."""
    return sum(do_release_bulletin(bulletin=b, now=now) for b in due_bulletins(now).order_by("publish_at", "pk"))


def in_batches(queryset, *fields: str):
    """Rows of ``queryset`` (``fields`` of each, pk first) in lists of BATCH,
    walking the primary key: each batch is its own short query, so no read
    stays open while the caller writes (on SQLite an open read would make
    the next write fail once another process has written)."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", *fields)[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def _bulk_rows(bulletin: Bulletin, channel: str, status: str, recipients, now: dt.datetime) -> None:
    """Insert Delivery rows for ``recipients`` (members), a batch at a time; rows already there are left alone."""
    for batch in in_batches(recipients, "email"):
        rows = [Delivery(bulletin=bulletin, member_id=pk, channel=channel, status=status, address=email, queued_at=now, next_attempt_at=now) for pk, email in batch]
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)


def fan_out(bulletin: Bulletin, now: dt.datetime | None = None) -> None:
    """Write the Delivery rows for a released bulletin and queue its emails in
    batches. Safe to run again: it adds what is missing and re-queues what waits."""
    now = now or timezone.now()
    if bulletin.by_email:
        _bulk_rows(bulletin, Delivery.Channel.EMAIL, Delivery.Status.QUEUED, email_recipients(bulletin), now)
    _bulk_rows(bulletin, Delivery.Channel.POST, Delivery.Status.POSTAL, postal_recipients(bulletin), now)
    queue_sends(Delivery.objects.filter(bulletin=bulletin, channel=Delivery.Channel.EMAIL, status=Delivery.Status.QUEUED, next_attempt_at__lte=now))


def queue_sends(deliveries) -> int:
    """One send task per batch of queued deliveries; the number of batches."""
    batches = 0
    for batch in in_batches(deliveries):
        send_deliveries.enqueue(delivery_ids=[pk for (pk,) in batch])
        batches += 1
    return batches


def send_due_deliveries(now: dt.datetime | None = None) -> int:
    """Queue the emails whose retry time has come (for a backend that cannot defer a task)."""
    now = now or timezone.now()
    return queue_sends(Delivery.objects.filter(channel=Delivery.Channel.EMAIL, status=Delivery.Status.QUEUED, next_attempt_at__lte=now))


INTERRUPTED_AFTER = dt.timedelta(hours=1)


def fail_interrupted(now: dt.datetime | None = None) -> int:
    """Mark failed the sends a worker began over an hour ago and never finished
    (it stopped mid-batch). Whether the email left is unknown, so it is not
    retried (no one gets it twice) but shown in the delivery report."""
    now = now or timezone.now()
    stuck = Delivery.objects.filter(status=Delivery.Status.SENDING, next_attempt_at__lt=now - INTERRUPTED_AFTER)
    return stuck.update(status=Delivery.Status.FAILED, last_error="interrupted while sending: it may not have arrived; not retried, so nobody gets it twice")


# --- Sending ------------------------------------------------------------------------------------


def unsubscribe_token(member_id: int, kind: str) -> str:
    return signing.dumps({"m": member_id, "k": kind}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_headers(member_id: int, kind: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers: a one-click https link a mail client can POST to, and a mailto."""
    token = unsubscribe_token(member_id, kind)
    _, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    mailbox = f"unsubscribe@{sender.rpartition('@')[2]}"
    return {
        "List-Unsubscribe": f"<{site_url(reverse('bulletin_unsubscribe', args=[token]))}>, <mailto:{mailbox}?subject=unsubscribe%20{token}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


UNSUBSCRIBE_PLACEHOLDER = "__UNSUBSCRIBE_URL__"


@dataclass(frozen=True)
class Rendered:
    """An email rendered once, with a placeholder for each recipient's own unsubscribe link."""

    subject: str
    text: str
    html: str

    def for_member(self, *, to: str, member_id: int, kind: str) -> EmailMultiAlternatives:
        url = site_url(reverse("bulletin_unsubscribe", args=[unsubscribe_token(member_id, kind)]))
        message = EmailMultiAlternatives(subject=self.subject, body=self.text.replace(UNSUBSCRIBE_PLACEHOLDER, url), to=[to], headers=unsubscribe_headers(member_id, kind))
        message.attach_alternative(self.html.replace(UNSUBSCRIBE_PLACEHOLDER, url), "text/html")
        return message


def render_email(*, subject: str, template: str, context: dict) -> Rendered:
    """Plain text and HTML from ``bulletins/email/<template>.txt|.html``."""
    context = {**context, "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER}
    return Rendered(subject, render_to_string(f"bulletins/email/{template}.txt", context), render_to_string(f"bulletins/email/{template}.html", context))


def build_message(*, subject: str, template: str, context: dict, to: str, member_id: int, kind: str) -> EmailMultiAlternatives:
    """One email with the one-click unsubscribe link for ``kind`` in its headers and text."""
    return render_email(subject=subject, template=template, context=context).for_member(to=to, member_id=member_id, kind=kind)


def render_bulletin_email(bulletin: Bulletin) -> Rendered:
    link = site_url(reverse("bulletin_detail", args=[bulletin.series.slug, bulletin.number]))
    return render_email(
        subject=f"{bulletin.series.name} {bulletin.code}: {bulletin.title}", template="bulletin",
        context={"bulletin": bulletin, "body_html": render_bulletin(bulletin.body), "link": link},
    )  # fmt: skip


def _is_transient(exc: Exception) -> bool:
    """A failure worth trying again: the server or the network, not the address."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | OSError)


def _finish(delivery: Delivery, exc: Exception, now: dt.datetime) -> str:
    """Record a failed send of a claimed delivery (``delivery.attempts`` as it
    was before the claim); the status it now has."""
    rows = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING)
    error = f"{type(exc).__name__}: {exc}"[:300]
    if _is_transient(exc) and delivery.attempts + 1 < MAX_ATTEMPTS:
        rows.update(status=Delivery.Status.QUEUED, last_error=error, next_attempt_at=now + retry_delay(delivery.attempts + 1))
        return Delivery.Status.QUEUED
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and not _is_transient(exc):
        rows.update(status=Delivery.Status.BOUNCED, last_error=error)
        flag_address(member_id=delivery.member_id, address=delivery.address, reason=f"refused by the mail server: {error}", now=now)
        return Delivery.Status.BOUNCED
    rows.update(status=Delivery.Status.FAILED, last_error=error)
    return Delivery.Status.FAILED


def claim(delivery_ids: list[int], now: dt.datetime) -> list[Delivery]:
    """Take the queued, due deliveries among ``delivery_ids`` for this worker:
    queued -> sending in one transaction, skipping rows another worker holds
    (PostgreSQL's SKIP LOCKED; SQLite's write lock serialises the transaction)."""
    with transaction.atomic():
        due = Delivery.objects.filter(pk__in=delivery_ids, status=Delivery.Status.QUEUED, next_attempt_at__lte=now)
        mine = list(due.select_for_update(skip_locked=True).order_by("pk"))
        # While sending, next_attempt_at holds when the attempt began (see fail_interrupted).
        Delivery.objects.filter(pk__in=[d.pk for d in mine]).update(status=Delivery.Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now)
    return mine


def send_batch(delivery_ids: list[int], now: dt.datetime | None = None) -> dict[str, int]:
    """Send the queued, due deliveries among ``delivery_ids`` over one SMTP
    connection; each bulletin's email is rendered once. Rows another worker
    claimed are skipped. Retries that cannot be deferred on this task backend
    wait for ``send_due_deliveries``."""
    now = now or timezone.now()
    site_url("/")  # fail before claiming anything if links cannot be written
    claimed = claim(delivery_ids, now)
    bulletins = Bulletin.objects.filter(pk__in={d.bulletin_id for d in claimed}).select_related("series")
    rendered = {bulletin.pk: render_bulletin_email(bulletin) for bulletin in bulletins}
    counts: dict[str, int] = {}
    sent: list[int] = []
    connection = get_connection()
    try:
        for delivery in claimed:
            message = rendered[delivery.bulletin_id].for_member(to=delivery.address, member_id=delivery.member_id, kind=Lists.BULLETINS)
            message.connection = connection
            try:
                message.send()
            except Exception as exc:  # noqa: BLE001  every failure is recorded on its row
                outcome = _finish(delivery, exc, now)
                connection.close()  # a broken connection is reopened for the next message
            else:
                sent.append(delivery.pk)
                outcome = Delivery.Status.SENT
            counts[outcome] = counts.get(outcome, 0) + 1
    finally:
        connection.close()
        # A crash before this line leaves rows "sending": shown in the report, never sent twice.
        Delivery.objects.filter(pk__in=sent, status=Delivery.Status.SENDING).update(status=Delivery.Status.SENT, sent_at=now, last_error="")
    _defer_retries(delivery_ids, now)
    return counts


def _defer_retries(delivery_ids: list[int], now: dt.datetime) -> None:
    if not send_deliveries.get_backend().supports_defer:
        return
    waiting = Delivery.objects.filter(pk__in=delivery_ids, status=Delivery.Status.QUEUED, next_attempt_at__gt=now)
    for run_after, ids in _group_by_time(waiting.values_list("next_attempt_at", "pk")).items():
        send_deliveries.using(run_after=run_after).enqueue(delivery_ids=ids)


def _group_by_time(rows) -> dict[dt.datetime, list[int]]:
    groups: dict[dt.datetime, list[int]] = {}
    for at, pk in rows:
        groups.setdefault(at, []).append(pk)
    return groups


def delivery_report(bulletin: Bulletin) -> dict[str, int]:
    """Counts for the report page: each email status, and the postal list."""
    report = {status: 0 for status in Delivery.Status.values}
    for row in Delivery.objects.filter(bulletin=bulletin).values("status").annotate(n=Count("pk")):
        report[row["status"]] = row["n"]
    return report


def delivery_errors(bulletin: Bulletin, limit: int = 20):
    """The commonest errors of failed or bounced emails, without who they were for."""
    return (
        Delivery.objects.filter(bulletin=bulletin, status__in=[Delivery.Status.FAILED, Delivery.Status.BOUNCED])
        .values("status", "last_error").annotate(n=Count("pk")).order_by("-n")[:limit]
    )  # fmt: skip


POSTAL_FIELDS = ("membership_number", "first_name", "last_name", "address_line1", "address_line2", "town", "postcode")
POSTAL_HEADER = (*POSTAL_FIELDS, "why_by_post")


def postal_rows(bulletin: Bulletin, *, actor):
    """The postal mail-out for a mailing house: one row per member under
    POSTAL_HEADER (names and postal address, and why they get it by post),
    read in chunks. Audited (with the count) before the first row is read."""
    members = postal_recipients(bulletin).annotate(bounced=address_bounced()).order_by("postcode", "last_name", "pk")
    count = members.count()
    audit_record(
        actor=actor, action=Action.EXPORT, subject=bulletin,
        detail={"event": "postal list exported", "count": count, "filters": {"audience": bulletin.audience, "channel": "post"}},
    )  # fmt: skip

    def rows():
        for *values, wants_post, bounced in members.values_list(*POSTAL_FIELDS, "wants_post", "bounced").iterator(chunk_size=2000):
            why = "chose post" if wants_post else ("email bounced" if bounced else "no email address")
            yield (*values, why)

    return count, rows()


# --- Bounces -------------------------------------------------------------------------------------


def flag_address(*, member_id: int, address: str, reason: str, now: dt.datetime | None = None) -> AddressFlag | None:
    """Flag a member's address as needing correction, once (None if it already is)."""
    now = now or timezone.now()
    if AddressFlag.objects.filter(member_id=member_id, email__iexact=address, cleared_at__isnull=True).exists():
        return None
    flag = AddressFlag.objects.create(member_id=member_id, email=address, reason=reason[:300], flagged_at=now)
    audit_record(actor=None, action=Action.CHANGE, subject=("members.member", member_id), detail={"event": "email address flagged as bouncing"})
    return flag


@dataclass(frozen=True)
class BounceResult:
    flagged: int
    already_flagged: int
    unknown: list[str]


@transaction.atomic
def do_ingest_bounces(addresses: list[str], *, source: str, now: dt.datetime | None = None) -> BounceResult:
    """Flag the members whose email addresses bounced and mark their latest
    email delivery bounced. Addresses that match no member are returned, so
    the caller can say so; nothing is dropped without a word."""
    now = now or timezone.now()
    flagged = already = 0
    unknown = []
    for address in dict.fromkeys(a.strip().lower() for a in addresses if a.strip()):
        members = list(Member.objects.filter(email__iexact=address).values_list("pk", flat=True))
        if not members:
            unknown.append(address)
            continue
        for member_id in members:
            if flag_address(member_id=member_id, address=address, reason=f"bounced ({source})", now=now):
                flagged += 1
            else:
                already += 1
            last = Delivery.objects.filter(member_id=member_id, channel=Delivery.Channel.EMAIL, status=Delivery.Status.SENT, address__iexact=address).order_by("-sent_at").first()
            if last:
                Delivery.objects.filter(pk=last.pk).update(status=Delivery.Status.BOUNCED, last_error=f"bounced ({source})"[:300])
    return BounceResult(flagged=flagged, already_flagged=already, unknown=unknown)


ADDRESS = re.compile(r"[^@\s<>;,\"]+@[^@\s<>;,\"]+\.[^@\s<>;,\"]+")


def bounced_addresses(raw: bytes) -> list[str]:
    """The failed recipients in a bounce: from a DSN's delivery-status part
    (RFC 3464: Final-Recipient with Action: failed), or else from an
    X-Failed-Recipients header. Delayed-delivery notices name nobody."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    found = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in part.get_payload() if part.is_multipart() else []:
            if str(block.get("Action", "")).strip().lower() == "failed":
                found += ADDRESS.findall(str(block.get("Final-Recipient", "")))
    if not found:
        found = ADDRESS.findall(str(message.get("X-Failed-Recipients", "")))
    return found


# --- Unsubscribing ---------------------------------------------------------------------------------


def member_from_unsubscribe_token(token: str) -> tuple[Member, str] | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    member = Member.objects.filter(pk=value.get("m")).first()
    return (member, value["k"]) if member and value.get("k") in Lists.ALL else None


@transaction.atomic
def do_unsubscribe(*, member: Member, kind: str) -> bool:
    """Stop one kind of email for the member; True if it changed anything.
    Doing it again is harmless, as RFC 8058 expects of a one-click POST."""
    if kind == Lists.BULLETINS:
        return bool(member_update_contact(member=member, actor=member.user, changed={"wants_email": False}))
    reader = Reader.objects.select_for_update().get(pk=reader_for(member).pk)
    field = {Lists.REPLIES: "reply_emails", Lists.DIGEST: "weekly_digest"}[kind]
    if not getattr(reader, field):
        return False
    setattr(reader, field, False)
    reader.save(update_fields=[field])
    audit_record(actor=member.user, action=Action.CHANGE, subject=reader, detail={"event": "unsubscribed", "list": kind, "by": "one-click link"})
    return True


# --- Tasks ---------------------------------------------------------------------------------------


@task()
def release_bulletin(*, bulletin_id: int) -> bool:
    bulletin = Bulletin.objects.filter(pk=bulletin_id).first()
    return bool(bulletin) and do_release_bulletin(bulletin=bulletin)


@task()
def fan_out_bulletin(*, bulletin_id: int) -> None:
    fan_out(Bulletin.objects.select_related("series").get(pk=bulletin_id))


@task()
def send_deliveries(*, delivery_ids: list[int]) -> dict[str, int]:
    return send_batch(delivery_ids)
