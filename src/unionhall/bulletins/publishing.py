"""Writing and publishing bulletins, and their attachments: a draft is written
and edited (``check_write_bulletin`` then ``do_write_bulletin``, ``do_edit_draft``),
may carry PDF attachments (``check_attach`` then ``do_attach``), and is published
(``check_publish_bulletin`` then ``do_publish_bulletin``), numbered in its series
and released to the web and the audience's inboxes at its publish time. Each
``do_*`` acts in one transaction with its audit entry. Imports ``roles`` (who may
write) and ``delivery`` (the release); no other phase module."""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins.delivery import schedule_release
from unionhall.bulletins.models import Attachment, Audience, Bulletin, Series
from unionhall.bulletins.roles import may_write
from unionhall.members.models import Branch, Employer, Grade
from unionhall.refusals import Refused
from unionhall.uploads import pdf_problem


@dataclass(frozen=True)
class BulletinDraft:
    series: Series
    title: str
    summary: str
    body: str
    publish_at: dt.datetime
    audience: str = Audience.ALL
    employers: list[Employer] = field(default_factory=list)
    branches: list[Branch] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    by_email: bool = True


def check_write_bulletin(*, user, draft: BulletinDraft) -> None:
    if not may_write(user):
        raise Refused("Only HQ can write bulletins for now.", status=403)
    if not (draft.title.strip() and draft.summary.strip() and draft.body.strip()):
        raise Refused("A bulletin needs a title, a plain-language summary and its text.")
    if draft.audience not in Audience.values:
        raise Refused("Choose who the bulletin is for.")
    chosen = bool(draft.employers or draft.branches or draft.grades)
    if draft.audience == Audience.CHOSEN and not chosen:
        raise Refused("Choose at least one employer, branch or grade, or send the bulletin to all members.")
    if draft.audience != Audience.CHOSEN and chosen:
        raise Refused("Employers, branches and grades apply only when the audience is chosen ones.")
    if any(g not in Grade.values for g in draft.grades):
        raise Refused("Unknown grade.")
    if timezone.is_naive(draft.publish_at):
        raise Refused("The publish time needs a time zone.")


def _apply(bulletin: Bulletin, draft: BulletinDraft) -> None:
    bulletin.series, bulletin.title, bulletin.summary, bulletin.body = draft.series, draft.title.strip(), draft.summary.strip(), draft.body.strip()
    bulletin.audience, bulletin.publish_at, bulletin.by_email = draft.audience, draft.publish_at, draft.by_email
    bulletin.set_grades(draft.grades)


@transaction.atomic
def do_write_bulletin(*, user, draft: BulletinDraft, now: dt.datetime | None = None) -> Bulletin:
    """A new draft, unnumbered and unseen by members until published."""
    check_write_bulletin(user=user, draft=draft)
    bulletin = Bulletin(written_by=user, written_at=now or timezone.now())
    _apply(bulletin, draft)
    bulletin.save()
    bulletin.employers.set(draft.employers)
    bulletin.branches.set(draft.branches)
    audit_record(actor=user, action=Action.CHANGE, subject=bulletin, detail={"event": "bulletin drafted", "audience": draft.audience})
    return bulletin


@transaction.atomic
def do_edit_draft(*, bulletin: Bulletin, user, draft: BulletinDraft) -> Bulletin:
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.published_at:
        raise Refused("This bulletin is published; it can no longer be edited.", status=409)
    check_write_bulletin(user=user, draft=draft)
    _apply(bulletin, draft)
    bulletin.save()
    bulletin.employers.set(draft.employers)
    bulletin.branches.set(draft.branches)
    audit_record(actor=user, action=Action.CHANGE, subject=bulletin, detail={"event": "bulletin draft edited"})
    return bulletin


def check_publish_bulletin(*, bulletin: Bulletin, user) -> None:
    if not may_write(user):
        raise Refused("Only HQ can publish bulletins for now.", status=403)
    if bulletin.published_at:
        raise Refused(f"{bulletin} is already published.", status=409)


@transaction.atomic
def do_publish_bulletin(*, bulletin: Bulletin, user, now: dt.datetime | None = None) -> Bulletin:
    """Number the bulletin in its series and release it (to the web, and to
    the audience's inboxes and the postal list) at ``publish_at``.
    The series' row lock makes the numbers gapless and unique."""
    now = now or timezone.now()
    series = Series.objects.select_for_update().get(pk=bulletin.series_id)
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    check_publish_bulletin(bulletin=bulletin, user=user)
    bulletin.number = (series.bulletins.aggregate(n=Max("number"))["n"] or 0) + 1
    bulletin.published_at, bulletin.published_by = now, user
    bulletin.save(update_fields=["number", "published_at", "published_by"])
    audit_record(
        actor=user, action=Action.CHANGE, subject=bulletin,
        detail={"event": "bulletin published", "code": bulletin.code, "publish_at": bulletin.publish_at.isoformat()},
    )  # fmt: skip
    schedule_release(bulletin)
    return bulletin


# --- Attachments ---------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS = 10


def check_attach(*, user, bulletin: Bulletin, title: str, upload) -> None:
    if not may_write(user):
        raise Refused("Only HQ can add attachments to bulletins.", status=403)
    if bulletin.published_at is not None:
        raise Refused("The bulletin is published: attachments are added to drafts.", status=409)
    if not title.strip():
        raise Refused("Give the attachment a title, for example “Slides from the pay briefing”.")
    if problem := pdf_problem(upload, max_bytes=MAX_ATTACHMENT_BYTES, verb="attached"):
        raise Refused(problem)
    if bulletin.attachments.count() >= MAX_ATTACHMENTS:
        raise Refused(f"A bulletin can have at most {MAX_ATTACHMENTS} attachments.")


@transaction.atomic
def do_attach(*, user, bulletin: Bulletin, title: str, upload, now: dt.datetime | None = None) -> Attachment:
    check_attach(user=user, bulletin=bulletin, title=title, upload=upload)
    name = re.sub(r"[^\w.\- ]", "_", upload.name)[-120:]
    attachment = Attachment.objects.create(bulletin=bulletin, title=title.strip(), file=upload, filename=name, size=upload.size,
                                           uploaded_by=user, uploaded_at=now or timezone.now())  # fmt: skip
    audit_record(actor=user, action=Action.CHANGE, subject=bulletin, detail={"event": "attachment added", "title": attachment.title, "bytes": attachment.size})
    return attachment
