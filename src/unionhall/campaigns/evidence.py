"""Calls for evidence: members send what happened to them (text and up to
five photos or PDFs); officers review, tag and export a pack for a
consultation.

Files are checked to be what they claim before anything is stored: the
first bytes must be a JPEG, PNG or PDF signature; an image must then open
in Pillow and is re-encoded from its pixels, which drops EXIF (GPS position,
camera, times) and any other metadata; a PDF must start with ``%PDF-`` and
end with ``%%EOF``. Stored under MEDIA_ROOT with a random name (never
routed): served only by views.evidence_file to those allowed.

"Keep my name from officers": the submission is stored with no member, and
no audit entry names the member either; the member is given a receipt code
(only its hash is stored) with which they can see it again.

Evidence is kept for the call's ``evidence_keep_months`` (12 unless the
officer sets otherwise, 1 to 72) after the call closes (its closing date,
or the day an officer closed it, whichever came first), and members are
told the date when they send it. Then ``evidence_forget`` (a daily job)
deletes the submissions and their files; what stays is how many were
received and deleted, and the record of each pack exported."""

import calendar
import datetime as dt

import hashlib
import io
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.campaigns.models import Campaign, EvidenceFile, PackRecord, Submission
from unionhall.campaigns.stored_files import delete_on_commit
from unionhall.members.models import Member
from unionhall.members.remit import Remit
from unionhall.refusals import Refused

MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 25 * 1024 * 1024
MAX_PIXELS = 40_000_000  # larger is refused, not decoded: a decompression bomb
TEXT_MAX_CHARS = 20_000
TAG_MAX = 10
KEEP_MONTHS_DEFAULT = 12
KEEP_MONTHS_MAX = 72

_SIGNATURES = ((b"\xff\xd8\xff", "jpeg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"%PDF-", "pdf"))


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


@dataclass(frozen=True)
class Checked:
    kind: str
    data: bytes  # what is stored: a re-encoded image, or the PDF as sent


def sniff(data: bytes) -> str | None:
    """The kind the first bytes say, or None."""
    return next((kind for magic, kind in _SIGNATURES if data.startswith(magic)), None)


def _reencode(data: bytes, kind: str) -> bytes:
    """The image drawn again from its pixels, with none of its metadata (EXIF,
    GPS, XMP, text chunks): only what we pass to save() is written. The EXIF
    orientation is applied first, so the photo stays the right way up."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as probe:
        if probe.format != kind.upper():
            raise ValueError("format differs from signature")
        if probe.width * probe.height > MAX_PIXELS:
            raise ValueError("too many pixels")
        probe.verify()
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        image = ImageOps.exif_transpose(image)
        out = io.BytesIO()
        if kind == "jpeg":
            clean = Image.new("RGB", image.size)
            clean.paste(image.convert("RGB"))
            clean.save(out, format="JPEG", quality=88)
        else:
            mode = "RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB"
            clean = Image.new(mode, image.size)
            clean.paste(image.convert(mode))
            clean.save(out, format="PNG")
    return out.getvalue()


def check_file(upload: Upload) -> Checked:
    """The file as it will be stored, or Refused naming the file."""
    name = upload.name[:80] or "a file"
    if len(upload.data) > MAX_FILE_BYTES:
        raise Refused(f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.", status=413)
    kind = sniff(upload.data)
    if kind is None:
        raise Refused(f"{name} is not a JPEG or PNG photo or a PDF.", status=415)
    if kind == "pdf":
        if b"%%EOF" not in upload.data[-1024:]:
            raise Refused(f"{name} is not a complete PDF.", status=415)
        return Checked(kind, upload.data)
    try:
        return Checked(kind, _reencode(upload.data, kind))
    except Exception:  # Pillow raises many kinds for a damaged or disguised file
        raise Refused(f"{name} says it is a {kind.upper()} image but does not open as one.", status=415) from None


@dataclass(frozen=True)
class EvidenceDraft:
    text: str
    uploads: tuple[Upload, ...] = ()
    keep_name_from_officers: bool = False
    consent_quote: bool = False
    consent_name: bool = False


def check_submit(*, member: Member, campaign: Campaign, draft: EvidenceDraft) -> list[Checked]:
    from unionhall.campaigns.services import campaign_for  # the audience and dates, as letters

    if campaign.kind != Campaign.Kind.EVIDENCE:
        raise Refused("This campaign takes letters, not evidence.", status=409)
    campaign_for(member, campaign.slug)
    if not draft.text.strip():
        raise Refused("Tell us what happened first.")
    if len(draft.text) > TEXT_MAX_CHARS:
        raise Refused(f"Your account is {len(draft.text):,} characters long; keep it under {TEXT_MAX_CHARS:,}.", status=413)
    if len(draft.uploads) > MAX_FILES:
        raise Refused(f"Send at most {MAX_FILES} photos or PDFs.")
    if sum(len(u.data) for u in draft.uploads) > MAX_TOTAL_BYTES:
        raise Refused(f"Your files come to more than {MAX_TOTAL_BYTES // (1024 * 1024)} MB together.", status=413)
    checked = [check_file(u) for u in draft.uploads]
    if draft.keep_name_from_officers and any(c.kind == "pdf" for c in checked):
        # A PDF is stored as sent, and one saved from a word processor names its
        # author inside it: the officer who downloads it would read the name.
        raise Refused("A PDF can carry its author's name inside it, and officers would see it. To keep your name from officers, "
                      "send photos instead (we keep only the picture), or copy the words into your account.", status=415)  # fmt: skip
    return checked


# --- How long evidence is kept ---------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day where it has fewer)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def closing_day(campaign: Campaign) -> dt.date | None:
    """When the call closes (or closed): its closing date, or the day an
    officer closed it, whichever is first; None while open with no date."""
    days = [d for d in (campaign.closes_on, timezone.localdate(campaign.closed_at) if campaign.closed_at else None) if d]
    return min(days) if days else None


def delete_on(campaign: Campaign) -> dt.date | None:
    """The day the call's evidence is deleted, when it can be known."""
    closes = closing_day(campaign)
    return add_months(closes, campaign.evidence_keep_months) if closes else None


def kept_until_words(campaign: Campaign) -> str:
    """What a member is told, when they send evidence, about how long it is kept."""
    months = campaign.evidence_keep_months
    period = f"{months} month{'s' if months != 1 else ''} after the call closes"
    day = delete_on(campaign)
    if day:
        return f"We keep your evidence and its files until {day:%-d %B %Y} ({period}), then delete them."
    return f"We keep your evidence and its files until {period}, then delete them."


def evidence_forget(now: dt.datetime | None = None, *, batch: int = 200) -> int:
    """The periodic job (daily): delete the submissions, and their files, of
    calls whose time to keep evidence has run out. Each batch is its own
    transaction (files leave the disk once it commits); the campaign keeps
    how many it received and how many were deleted, and its pack records.
    Returns how many submissions were deleted; run again, none."""
    today = timezone.localdate(now or timezone.now())
    calls = Campaign.objects.filter(kind=Campaign.Kind.EVIDENCE).filter(Q(closes_on__isnull=False) | Q(closed_at__isnull=False))
    deleted = 0
    for campaign in calls.filter(pk__in=Submission.objects.values("campaign_id")):
        day = delete_on(campaign)
        if day is None or day > today:
            continue
        while ids := list(Submission.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True)[:batch]):
            with transaction.atomic():
                for f in EvidenceFile.objects.filter(submission_id__in=ids):
                    delete_on_commit(f.file)
                EvidenceFile.objects.filter(submission_id__in=ids).delete()
                Submission.objects.filter(pk__in=ids).delete()
                n = len(ids)
                Campaign.objects.filter(pk=campaign.pk).update(evidence_deleted=F("evidence_deleted") + n)
                audit_record(actor=None, action=Action.CHANGE, subject=campaign,
                             detail={"evidence": "deleted after its time", "count": n, "kept_months": campaign.evidence_keep_months})  # fmt: skip
            deleted += n
    return deleted


def receipt_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace(" ", "").encode()).hexdigest()


@transaction.atomic
def evidence_submit(*, member: Member, campaign: Campaign, draft: EvidenceDraft) -> tuple[Submission, str]:
    """Store the member's evidence and its checked files; the receipt code
    (shown to the member once) finds it again."""
    checked = check_submit(member=member, campaign=campaign, draft=draft)
    code = "-".join(secrets.token_hex(3).upper() for _ in range(3))
    anonymous = draft.keep_name_from_officers
    submission = Submission.objects.create(
        campaign=campaign, member=None if anonymous else member, text=draft.text.strip(), consent_quote=draft.consent_quote,
        consent_name=draft.consent_name and not anonymous, receipt_hash=receipt_hash(code), submitted_at=timezone.now(),
    )  # fmt: skip
    Campaign.objects.filter(pk=campaign.pk).update(evidence_received=F("evidence_received") + 1)
    for c in checked:
        file = EvidenceFile(submission=submission, kind=c.kind, size=len(c.data))
        file.file.save("evidence", ContentFile(c.data), save=False)
        file.save()
    # Kept from officers: the audit entry names no one either.
    audit_record(actor=None if anonymous else member.user, action=Action.CHANGE, subject=submission,
                 detail={"evidence": "submitted", "files": len(checked), "anonymous": anonymous})  # fmt: skip
    return submission, code


def submission_by_receipt(code: str) -> Submission:
    submission = Submission.objects.select_related("campaign").prefetch_related("files").filter(receipt_hash=receipt_hash(code or "")).first()
    if submission is None:
        raise Refused("No evidence has that receipt code. Check it against the one you were given.", status=404)
    return submission


def submissions_erase(*, member_id: int) -> int:
    """Erasure: delete the member's named submissions and their files now.
    Returns how many; run again, none."""
    erased = 0
    with transaction.atomic():
        for submission in Submission.objects.select_for_update().filter(member_id=member_id).prefetch_related("files"):
            for f in submission.files.all():
                f.file.delete(save=False)
            submission.delete()
            erased += 1
        if erased:
            audit_record(actor=None, action=Action.CHANGE, subject=("members.member", member_id), detail={"evidence": "erased", "count": erased})
    return erased


# --- Officers -----------------------------------------------------------------------------


def submissions_for(*, remit: Remit, campaign: Campaign):
    """The campaign's evidence for an officer who runs it: named submissions
    of members within their remit, and every anonymous one (no one's)."""
    from unionhall.campaigns.services import check_run

    check_run(remit=remit, campaign=campaign)
    from django.db.models import Q

    # An empty Q (HQ's members_q) would vanish from an OR, leaving only the anonymous.
    within = Q() if remit.everyone else Q(member__isnull=True) | remit.members_q("member__")
    return (
        Submission.objects.filter(within, campaign=campaign)
        .select_related("member").prefetch_related("files").order_by("submitted_at", "pk")
    )  # fmt: skip


def clean_tags(text: str) -> str:
    tags = []
    for raw in text.split(","):
        tag = " ".join(raw.split()).lower()[:30]
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > TAG_MAX:
        raise Refused(f"At most {TAG_MAX} tags.")
    return ",".join(tags)


@transaction.atomic
def submission_review(*, user, remit: Remit, submission_id: int, tags: str) -> Submission:
    """Tag a submission and mark it reviewed."""
    submission = Submission.objects.select_for_update().select_related("campaign").filter(pk=submission_id).first()
    if submission is None or not submissions_for(remit=remit, campaign=submission.campaign).filter(pk=submission_id).exists():
        raise Refused("No such evidence.", status=404)
    submission.tags = clean_tags(tags)
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["tags", "reviewed_at"])
    audit_record(actor=user, action=Action.CHANGE, subject=submission, detail={"evidence": "reviewed", "tags": submission.tags})
    return submission


@dataclass(frozen=True)
class PackEntry:
    number: int
    submitted: str
    name: str  # empty unless the member agreed to be named
    quotable: bool
    tags: str
    text: str
    files: int


def pack_entries(submissions) -> list[PackEntry]:
    """What goes in the pack: names only where the member agreed; the text
    of a submission whose writer did not consent to quotation is left out."""
    return [
        PackEntry(
            number=i, submitted=s.submitted_at.date().isoformat(),
            name=s.member.full_name if s.member_id and s.consent_name else "",
            quotable=s.consent_quote, tags=", ".join(s.tag_list),
            text=s.text if s.consent_quote else "(Not for quotation: the member did not agree.)", files=len(s.files.all()),
        )
        for i, s in enumerate(submissions, start=1)
    ]  # fmt: skip


FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def pack_pdf(campaign: Campaign, entries: list[PackEntry]) -> bytes:
    """The pack as a PDF: in DejaVu Sans where the system has it (every
    character members type), else the PDF core font with text folded to Latin-1."""
    from pathlib import Path

    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    unicode = Path(FONT).exists()
    if unicode:
        pdf.add_font("body", "", FONT)
        family = "body"
    else:
        family = "helvetica"

    def text(s: str) -> str:
        return s if unicode else s.encode("latin-1", "replace").decode("latin-1")

    pdf.add_page()
    pdf.set_font(family, size=16)
    pdf.multi_cell(0, 9, text(f"Evidence: {campaign.title}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=10)
    pdf.multi_cell(0, 6, text(f"{len(entries)} submissions from members. Names appear only where the member agreed."), new_x="LMARGIN", new_y="NEXT")
    for e in entries:
        pdf.ln(4)
        pdf.set_font(family, size=12)
        head = f"{e.number}. {e.name or 'A member (not named)'} · {e.submitted}" + (f" · {e.tags}" if e.tags else "")
        pdf.multi_cell(0, 7, text(head), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, size=10)
        pdf.multi_cell(0, 5, text(e.text), new_x="LMARGIN", new_y="NEXT")
        if e.files:
            pdf.multi_cell(0, 5, text(f"With {e.files} photo(s) or document(s), available from the union."), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def pack_record(*, user, campaign: Campaign, fmt: str, entries: list[PackEntry], content: bytes) -> PackRecord:
    """Record that a pack was exported: when, by whom, how many submissions
    (how many named) and the SHA-256 of the file. It outlives the evidence."""
    return PackRecord.objects.create(
        campaign=campaign, exported_by=user, exported_at=timezone.now(), format=fmt, submissions=len(entries),
        named=sum(1 for e in entries if e.name), sha256=hashlib.sha256(content).hexdigest(),
    )  # fmt: skip


CSV_HEADER = ("Number", "Submitted", "Name", "May be quoted", "Tags", "Text", "Files")


def pack_rows(entries: list[PackEntry]):
    for e in entries:
        yield (e.number, e.submitted, e.name, "yes" if e.quotable else "no", e.tags, e.text, e.files)
