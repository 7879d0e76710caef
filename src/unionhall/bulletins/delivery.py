"""Getting a published bulletin to its audience: releasing it when its time
comes, and queueing one outbox message per member and channel, email or
post. The outbox sends the emails (retries, bounces, one-click
unsubscribe); the postal list is for a mailing house.

Fan-out is safe to run again: each message is named by its key
("bulletin:12:member:42:email"), so a fan-out that dies, runs twice or runs
late queues what is missing and nothing twice. The bulletin is rendered once,
as one outbox Content; each member's email adds only their own unsubscribe
link."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins.markup import render_bulletin
from unionhall.bulletins.models import Bulletin, Reader
from unionhall.bulletins.queries import address_bounced, audience_members
from unionhall.members.models import Member
from unionhall.outbox import sending
from unionhall.outbox.bounces import bounce_record, message_for_bounce
from unionhall.outbox.links import site_url
from unionhall.outbox.models import Channel, Content, Message, Status, Topic
from unionhall.outbox.services import Recipient, content_write, messages_queue
from unionhall.outbox.unsubscribe import token_for

__all__ = ["site_url"]  # notifications and others take links from here

BATCH = 500  # recipients read and queued at a time
ABOUT = "bulletins.bulletin"  # how the outbox names a bulletin a message is about
UNSUBSCRIBE_PLACEHOLDER = "[[unsubscribe_url]]"  # the outbox puts each recipient's own link here


class Lists:
    """The mailing lists of bulletins a member may leave by one click
    (registered with the outbox in notifications.py)."""

    BULLETINS = "bulletins"  # each bulletin by email (Member.bulletins_by_email)
    REPLIES = "replies"  # replies to my comments (Reader.reply_emails)
    DIGEST = "digest"  # the weekly digest: leaving it stops bulletins by email
    ALL = (BULLETINS, REPLIES, DIGEST)


# --- Who gets a bulletin, and how -------------------------------------------------------------


def email_recipients(bulletin: Bulletin):
    """Audience members who get this bulletin by email: they have an address
    that has not bounced, want bulletins by email, and take each one rather
    than the weekly digest."""
    digest = Reader.objects.filter(member=OuterRef("pk"), weekly_digest=True)
    return audience_members(bulletin).exclude(email="").filter(bulletins_by_email=True).exclude(address_bounced()).exclude(Exists(digest))


def postal_recipients(bulletin: Bulletin):
    """Audience members for the postal mail-out: no email address, chose
    post, or an address that bounced."""
    return audience_members(bulletin).filter(Q(email="") | Q(bulletins_by_post=True) | Q(address_bounced()))


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
    # In this transaction: the fan-out task exists if and only if the release does.
    fan_out_bulletin.enqueue(bulletin_id=bulletin.pk)
    return True


def schedule_release(bulletin: Bulletin, now: dt.datetime | None = None) -> None:
    """Queue the release for the bulletin's publish time. A task backend that
    cannot defer a task leaves a future one to ``release_due_bulletins``
    (a periodic job)."""
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


def bulletin_content(bulletin: Bulletin, now: dt.datetime | None = None) -> Content:
    """The bulletin's email, rendered once for all its recipients (the outbox
    content "bulletin:<pk>"): text and HTML, the body sanitised."""
    link = site_url(reverse("bulletin_detail", args=[bulletin.series.slug, bulletin.number]))
    context = {"bulletin": bulletin, "body_html": render_bulletin(bulletin.body), "link": link, "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER}
    return content_write(
        key=f"bulletin:{bulletin.pk}", subject=f"{bulletin.series.name} {bulletin.code}: {bulletin.title}",
        text=render_to_string("bulletins/email/bulletin.txt", context), html=render_to_string("bulletins/email/bulletin.html", context), now=now,
    )  # fmt: skip


def message_key(bulletin: Bulletin, member_id: int, channel: str) -> str:
    return f"bulletin:{bulletin.pk}:member:{member_id}:{channel}"


def fan_out(bulletin: Bulletin, now: dt.datetime | None = None) -> None:
    """Queue the released bulletin's messages, a batch at a time: an email to
    each email recipient (each batch's sending starts as it is queued) and a
    postal message for each member on the postal list. Safe to run again: it
    queues what is missing and sends again what still waits."""
    now = now or timezone.now()
    if bulletin.by_email:
        content = bulletin_content(bulletin, now)
        # Messages carried over from the old Delivery rows have no content yet (outbox migration 0002).
        Message.objects.filter(about_type=ABOUT, about_id=bulletin.pk, channel=Channel.EMAIL, content__isnull=True).update(content=content)
        for batch in in_batches(email_recipients(bulletin), "email"):
            recipients = [Recipient(key=message_key(bulletin, pk, Channel.EMAIL), address=address, member_id=pk) for pk, address in batch]
            messages_queue(topic=Topic.BULLETIN, channel=Channel.EMAIL, content=content, recipients=recipients, about=bulletin, unsubscribe=Lists.BULLETINS, now=now)
    for batch in in_batches(postal_recipients(bulletin)):
        recipients = [Recipient(key=message_key(bulletin, pk, Channel.POST), member_id=pk) for (pk,) in batch]
        messages_queue(topic=Topic.BULLETIN, channel=Channel.POST, content=None, recipients=recipients, about=bulletin, now=now)


def resume_fan_outs(now: dt.datetime | None = None) -> int:
    """Fan out again every released bulletin whose emails wait without their
    content (carried over from before the outbox); the number resumed."""
    waiting = Message.objects.filter(about_type=ABOUT, channel=Channel.EMAIL, status=Status.QUEUED, content__isnull=True)
    ids = set(waiting.values_list("about_id", flat=True).distinct())
    for bulletin in Bulletin.objects.filter(pk__in=ids, released_at__isnull=False).select_related("series"):
        fan_out(bulletin, now=now)
    return len(ids)


# Kept for the periodic jobs that still name them; the outbox's send_due does both.
def send_due_deliveries(now: dt.datetime | None = None) -> int:
    """Send bulletin emails (and any other message) whose time has come; the number that went."""
    return sending.send_due(now=now).get(Status.SENT, 0)


def fail_interrupted(now: dt.datetime | None = None) -> int:
    return sending.fail_interrupted(now)


# --- The report ----------------------------------------------------------------------------------


def bulletin_messages(bulletin: Bulletin):
    return Message.objects.filter(about_type=ABOUT, about_id=bulletin.pk)


def delivery_report(bulletin: Bulletin) -> dict[str, int]:
    """Counts for the report page: messages in each outbox status (email's
    and "postal", the postal list)."""
    report = {status: 0 for status in Status.values}
    for row in bulletin_messages(bulletin).values("status").annotate(n=Count("pk")):
        report[row["status"]] = row["n"]
    return report


def delivery_errors(bulletin: Bulletin, limit: int = 20):
    """The commonest errors of failed or bounced emails, without who they were for."""
    return (
        bulletin_messages(bulletin).filter(status__in=[Status.FAILED, Status.BOUNCED, Status.SUPPRESSED])
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
        for *values, by_post, bounced in members.values_list(*POSTAL_FIELDS, "bulletins_by_post", "bounced").iterator(chunk_size=2000):
            why = "chose post" if by_post else ("email bounced" if bounced else "no email address")
            yield (*values, why)

    return count, rows()


# --- Bounces: for a plain SMTP relay, from files (manage.py ingest_bounces) ---------------------------


@dataclass(frozen=True)
class BounceResult:
    flagged: int
    already_flagged: int
    unknown: list[str]  # addresses no member has: flagged all the same, so no mail goes to them


@transaction.atomic
def do_ingest_bounces(addresses: list[str], *, source: str, message_ids: list[str] | None = None, now: dt.datetime | None = None) -> BounceResult:
    """Take bounces reported outside a provider's webhook (bounce messages, a
    mailing house's CSV) through the outbox's bounce handling: each address
    is flagged for the members who have it (as the register spells it), and
    the message that bounced, found by the Message-ID the bounce quotes or
    else the member's last email to it, is marked bounced. Addresses that
    match no member are flagged too, and returned, so the caller can say so."""
    now = now or timezone.now()
    flagged = already = 0
    unknown = []
    for address in dict.fromkeys(a.strip().lower() for a in addresses if a.strip()):
        members = list(Member.objects.filter(email__iexact=address).values_list("pk", "email"))
        if not members:
            unknown.append(address)
            members = [(None, address)]
        for member_id, stored in members:
            outcome = bounce_record(
                address=stored, reason=f"bounced ({source})", member_ids=[member_id] if member_id else [],
                message=message_for_bounce(address=stored, message_ids=message_ids or []), now=now,
            )  # fmt: skip
            flagged += outcome.flags
            already += outcome.already_flagged
    return BounceResult(flagged=flagged, already_flagged=already, unknown=unknown)


# --- Unsubscribing: the outbox's one-click links, for the bulletins pages that still call these ---------


def unsubscribe_token(member_id: int, kind: str) -> str:
    return token_for(member_id=member_id, list_key=kind)


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
    """Kept for tasks enqueued before the outbox: Delivery rows became outbox
    messages under the same ids (outbox migration 0002)."""
    return sending.send_batch(delivery_ids)
