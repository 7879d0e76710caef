"""Everything the union holds on one member, read from the declarations
(unionhall.personal_data): the "My data" page, the JSON and PDF downloads,
and a subject access request's export with other people's data redacted."""

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from unionhall import personal_data
from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.datarights.models import Export, RetentionPeriod
from unionhall.datarights.retention import default_for
from unionhall.members.models import Member
from unionhall.refusals import Refused

REDACTED = "[redacted: another person's data]"
FORMAT = "unionhall-my-data/1"
# Past this many rows of one kind the page shows the first ones and says how
# many more the download holds (the download always holds them all).
PAGE_ROWS = 50
# An export left unfinished this long was lost with its process: a new one may start.
STALE = dt.timedelta(minutes=10)


@dataclass
class Held:
    """One kind of data held on the member: a declaration and the member's rows of it."""

    declaration: personal_data.Declaration
    label: str
    rows: list[dict]
    retention: str

    @property
    def shown(self) -> list[dict]:
        return self.rows[:PAGE_ROWS]

    @property
    def shown_labelled(self) -> list[list[tuple[str, object]]]:
        """The rows shown, each as (label, value) pairs for a stacked list."""
        return [[(k.replace("__", " ").replace("_", " "), v) for k, v in row.items()] for row in self.shown]

    @property
    def more(self) -> int:
        return max(0, len(self.rows) - PAGE_ROWS)


@dataclass
class MemberData:
    member: Member
    generated_at: dt.datetime
    redacted: bool
    sections: dict[str, list[Held]] = field(default_factory=dict)

    @property
    def row_count(self) -> int:
        return sum(len(h.rows) for held in self.sections.values() for h in held)

    def as_dict(self) -> dict:
        return {
            "format": FORMAT,
            "member": self.member.membership_number,
            "generated_at": self.generated_at,
            "redacted": self.redacted,
            "sections": [
                {
                    "purpose": purpose,
                    "data": [
                        {
                            "kind": h.label,
                            "model": h.declaration.name,
                            "lawful_basis": h.declaration.basis,
                            "special_category_condition": h.declaration.special,
                            "kept": h.retention,
                            "recipients": h.declaration.recipients,
                            "rows": h.rows,
                        }
                        for h in held
                    ],
                }
                for purpose, held in self.sections.items()
            ],
        }


def retention_words() -> dict[str, str]:
    """Each retention key in words, with HQ's period where one is set (one query)."""
    periods = {p.key: p.days for p in RetentionPeriod.objects.all()}
    words = {}
    for key, (what, event) in personal_data.RETENTION_KEYS.items():
        days = periods.get(key, (default_for(key) or (None,))[0])
        if days is None:
            words[key] = f"until HQ sets a period (from {event})"
        elif days == 0:
            words[key] = event
        else:
            words[key] = f"{_days_in_words(days)} from {event}"
    return words


def _days_in_words(days: int) -> str:
    if days and days % 365 == 0:
        years = days // 365
        return f"{years} year{'s' if years != 1 else ''}"
    if days and days % 30 == 0:
        months = days // 30
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"


def _rows(item: personal_data.Declaration, member_id: int, redact: bool) -> list[dict]:
    if not item.exportable:
        return []
    if callable(item.export):
        rows = item.export(member_id)
    else:
        rows = list(personal_data.member_rows(item, member_id).order_by("pk").values(*item.export_fields))
    if redact and item.third_party:
        rows = [{k: (REDACTED if k in item.third_party and v not in (None, "", {}, []) else v) for k, v in row.items()} for row in rows]
    return rows


# The order "My data" shows purposes in: the member's own record first, the
# officer's records and the audit log last. A purpose not listed goes before those.
PURPOSE_ORDER = (
    "Your membership: register details",
    "Offices you hold or held",
    "Ballots you were entitled to vote in",
    "Elections you stood in or nominated for",
    "Conference and meetings",
    "Your comments, questions and pseudonym",
    "Messages the union sent you",
    "Signing in",
    "Your data-rights requests",
)
LAST = (
    "Records of your work as an officer",
    "Who has looked at your record (the audit log)",
    "What you did in the union's system (the audit log)",
)


def _purpose_rank(purpose: str) -> tuple[int, str]:
    if purpose in PURPOSE_ORDER:
        return PURPOSE_ORDER.index(purpose), ""
    if purpose in LAST:
        return 1000 + LAST.index(purpose), ""
    return 500, purpose


def member_data(member: Member, *, redact: bool = False) -> MemberData:
    """Everything declared about ``member``, grouped by purpose, in the order
    the declarations give. One query per declaration whatever the history's
    length; nothing written. ``redact`` blanks what may name someone else."""
    found = MemberData(member=member, generated_at=timezone.now(), redacted=redact)
    words = retention_words()
    for item in personal_data.declarations():
        rows = _rows(item, member.pk, redact)
        if not rows:
            continue
        label = item.label or str(apps.get_model(item.model)._meta.verbose_name_plural).capitalize()
        found.sections.setdefault(item.purpose, []).append(Held(item, label, rows, words[item.retention]))
    found.sections = dict(sorted(found.sections.items(), key=lambda kv: _purpose_rank(kv[0])))
    return found


def as_json(data: MemberData) -> bytes:
    return json.dumps(data.as_dict(), cls=DjangoJSONEncoder, indent=1, ensure_ascii=False).encode()


# --- One export at a time --------------------------------------------------------------


def export_begin(*, member: Member, actor, fmt: str, now: dt.datetime | None = None) -> Export:
    """Claim the member's export, or refuse (409) while another is under way.
    An export left unfinished for STALE is taken to have died and is closed."""
    now = now or timezone.now()
    Export.objects.filter(member=member, finished_at__isnull=True, started_at__lt=now - STALE).update(finished_at=now)
    try:
        with transaction.atomic():
            return Export.objects.create(member=member, requested_by=actor, started_at=now, fmt=fmt)
    except IntegrityError:
        raise Refused("Your data is already being prepared for download: wait a moment, then try again.", status=409) from None


def export_finish(*, export: Export, data: MemberData, actor, reason: str) -> None:
    """Close the export and audit it: who, whose data, how many rows, in which format (never the data)."""
    with transaction.atomic():
        Export.objects.filter(pk=export.pk).update(finished_at=timezone.now(), rows=data.row_count)
        audit_record(
            actor=actor,
            action=Action.EXPORT,
            subject=data.member,
            detail={"what": reason, "format": export.fmt, "rows": data.row_count, "redacted": data.redacted},
        )


def member_export(*, member: Member, actor, fmt: str, reason: str = "my data", redact: bool = False) -> tuple[bytes, MemberData]:
    """The member's data as a file (``json`` or ``pdf``), once at a time, audited."""
    if fmt not in ("json", "pdf"):
        raise Refused("Choose JSON or PDF.")
    export = export_begin(member=member, actor=actor, fmt=fmt)
    try:
        data = member_data(member, redact=redact)
        content = as_json(data) if fmt == "json" else as_pdf(data)
    except Exception:
        Export.objects.filter(pk=export.pk).update(finished_at=timezone.now())
        raise
    export_finish(export=export, data=data, actor=actor, reason=reason)
    return content, data


# --- PDF ---------------------------------------------------------------------------------

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
FONT_MONO = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")


def _zone():
    return timezone.get_current_timezone()


def _text(value) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, dt.datetime):
        return value.astimezone(_zone()).strftime("%-d %b %Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%-d %b %Y")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
    return str(value)


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _wrap(text: str, width: int):
    """Lines of at most ``width`` characters, broken at the last space where
    there is one (textwrap does the same, several times slower)."""
    while len(text) > width:
        cut = text.rfind(" ", 0, width + 1)
        cut = cut if cut > 0 else width
        yield text[:cut]
        text = text[cut:].lstrip(" ")
    yield text


def as_pdf(data: MemberData) -> bytes:
    """A readable PDF of the same data: each purpose a heading, each kind a
    sub-heading, each row one "field: value" paragraph. Lines are wrapped here
    and placed with ``text()``, since fpdf2's ``multi_cell`` takes tens of
    seconds over a long history; monospaced body text makes the wrap exact.
    Latin-1 text uses the PDF's own fonts (the fastest to write); anything
    else DejaVu, where installed."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    unicode_fonts = FONT.exists() and FONT_MONO.exists()
    if unicode_fonts:
        pdf.add_font("heading", "", str(FONT))
        pdf.add_font("mono", "", str(FONT_MONO))
    pdf.add_page()
    state = {"y": pdf.t_margin, "font": None}
    widths: dict[tuple[str, str, float], int] = {}

    def use(family: str, style: str, size: float) -> int:
        if state["font"] != (family, style, size):
            pdf.set_font(family, style, size)
            state["font"] = (family, style, size)
        if (family, style, size) not in widths:
            widths[(family, style, size)] = max(20, int(pdf.epw / pdf.get_string_width("M")))
        return widths[(family, style, size)]

    def lines(text: str, size: float, *, heading: bool = False, gap: float = 0.0):
        if _latin1(text):
            width = use("Helvetica", "B", size) if heading else use("Courier", "", size)
        elif unicode_fonts:
            width = use("heading", "", size) if heading else use("mono", "", size)
        else:
            text = text.encode("latin-1", "replace").decode("latin-1")
            width = use("Courier", "", size)
        state["y"] += gap
        step = size * 0.45
        for line in _wrap(text, width):
            if state["y"] + step > pdf.h - pdf.b_margin:
                pdf.add_page()
                state["y"] = pdf.t_margin
            state["y"] += step
            pdf.text(pdf.l_margin, state["y"], line)

    lines("What the union holds on you", 16, heading=True)
    lines(f"Member {data.member.membership_number}; prepared {_text(data.generated_at)}."
          + (" Other people's data is redacted." if data.redacted else ""), 9, gap=2)  # fmt: skip
    for purpose, held in data.sections.items():
        lines(purpose, 13, heading=True, gap=5)
        for h in held:
            lines(f"{h.label} ({len(h.rows)})", 11, heading=True, gap=3)
            lines(f"Why: {h.declaration.basis}. Kept: {h.retention}.", 7.5, gap=1)
            for row in h.rows:
                lines("; ".join(f"{k.replace('__', ' ').replace('_', ' ')}: {_text(v)}" for k, v in row.items()), 8, gap=1)
    return bytes(pdf.output())
