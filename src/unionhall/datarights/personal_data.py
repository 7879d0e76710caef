"""This app's own personal data (issue 17): requests made under data rights,
exports, and which privacy notices a member was shown."""

from unionhall.audit.models import AuditEntry
from unionhall.datarights import looks
from unionhall.members.models import Member
from collections.abc import Sequence
import datetime as dt

from django.db import transaction
from django.utils import timezone

from unionhall.datarights.models import RegisterExport
from unionhall.personal_data import DELETE, KEEP, LEGAL_OBLIGATION, Declaration, NoPersonalData, RetentionRule

RECORD = "How a data-rights request was answered must be shown if the member or the ICO asks (Art. 5(2))."
AUDIT_KEPT = (
    "The audit log is append-only and hash-chained: it is the evidence of who read or changed members' data "
    "(UK GDPR Art. 5(2), accountability), and removing an entry would break it."
)
BY = {"officers": "an officer", "yourself": "you", "system": "the system"}


def _entries_about(member_id: int):
    member = Member.objects.filter(pk=member_id).first()
    return looks.entries_about(member) if member else AuditEntry.objects.none()


def looks_export(member_id: int) -> list[dict]:
    """Every look at the member's record ("Who has looked at my record"),
    newest first: when, what, by whom (an officer, you, the system), the
    officer's name unless withheld, their office and the reason given."""
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        return []
    found = looks.looks_at(member, limit=None)
    rows = [
        {"at": look.at, "by": BY[group], "what": look.what, "who": look.who, "office": look.office, "why": look.why}
        for group in BY
        for look in getattr(found, group)
    ]
    rows.sort(key=lambda row: row["at"], reverse=True)
    return rows

def register_exports_due(before: dt.date, after_id: int, limit: int) -> list[int]:
    start = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    rows = RegisterExport.objects.filter(exported_at__lt=start, pk__gt=after_id)
    return list(rows.order_by("pk").values_list("pk", flat=True)[:limit])


def register_exports_delete(ids: Sequence[int]) -> int:
    """Delete the exports ``ids`` and their lists of members (the audit entry, with the list's digest, stays)."""
    with transaction.atomic():
        rows = RegisterExport.objects.filter(pk__in=list(ids))
        count = rows.count()
        rows.delete()
    return count


DECLARATIONS = [
    Declaration(
        model="datarights.SubjectAccessRequest", purpose="Your data-rights requests",
        fields=("member", "received_on", "identity_note", "recorded_by", "sent_by"),
        export=("channel", "received_on", "identity_checked_on", "extended", "due_on", "sent_on"),
        basis=LEGAL_OBLIGATION, retention="data_rights", owner=("member",), erasure=KEEP, keep_reason=RECORD,
    ),
    Declaration(
        model="datarights.ErasureRequest", purpose="Your data-rights requests",
        fields=("member", "requested_at", "decided_by"), export=("requested_at", "status", "decided_at"),
        basis=LEGAL_OBLIGATION, retention="data_rights", owner=("member",), erasure=KEEP, keep_reason=RECORD,
    ),
    Declaration(
        model="datarights.Export", purpose="Your data-rights requests",
        fields=("member", "requested_by", "started_at"), export=("started_at", "finished_at", "fmt", "rows"),
        basis=LEGAL_OBLIGATION, retention="data_rights", owner=("member",),
    ),
    Declaration(
        model="datarights.NoticeShown", purpose="Your data-rights requests",
        fields=("user", "notice", "shown_at"), export=("notice__version", "shown_at"),
        basis=LEGAL_OBLIGATION, retention="data_rights", owner=("user__member",), erasure=KEEP,
        keep_reason="Shows the union told you how it uses your data (Arts. 13-14).",
    ),
    Declaration(
        model="datarights.PrivacyNotice", purpose="Records of your work as an officer",
        fields=("published_by",), export=("version", "published_at"),
        basis=LEGAL_OBLIGATION, retention="office_record", owner=("published_by__member",), erasure=KEEP,
        keep_reason="Who published each version of the notice is part of its record.",
    ),
    Declaration(
        model="datarights.RetentionPeriod", purpose="Records of your work as an officer",
        fields=("updated_by",), export=("key", "days", "updated_at"),
        basis=LEGAL_OBLIGATION, retention="office_record", owner=("updated_by__member",), erasure=KEEP,
        keep_reason="Who set the retention schedule is part of its record.",
    ),
    Declaration(
        model="audit.AuditEntry", view="about", label="Who has looked at your record",
        purpose="Who has looked at your record (the audit log)",
        fields=("subject_type", "subject_id", "detail"), export=looks_export, owner=_entries_about,
        basis=LEGAL_OBLIGATION, retention="audit_entry", erasure=KEEP, keep_reason=AUDIT_KEPT,
        note="Each time an officer read or changed your record, found you in a register search or exported a list "
             "with you in it; your own reads and automated jobs are shown apart.",
    ),
    Declaration(
        model="datarights.RegisterExportMember", label="Register exports with you in them",
        purpose="Who has looked at your record (the audit log)", fields=("export", "member"), owner=("member",),
        exportable=False, basis=LEGAL_OBLIGATION, retention="audit_entry", erasure=KEEP, keep_reason=AUDIT_KEPT,
        note="Shown under \"Who has looked at your record\": the office that exported the list, and when.",
    ),
    Declaration(
        model="datarights.RegisterExport", purpose="Records of your work as an officer",
        fields=("exported_by", "exported_at"), export=("exported_at", "count"), owner=("exported_by__member",),
        basis=LEGAL_OBLIGATION, retention="audit_entry", erasure=KEEP,
        keep_reason="Which officer exported which members is the evidence members are shown of who has their data.",
    ),
    RetentionRule(
        key="audit_entry", model="datarights.RegisterExport", action=DELETE, event="the export (exported_at)",
        due=register_exports_due, apply=register_exports_delete,
        keeps="the export's audit entry: who, when, how many and the list's SHA-256",
    ),
    NoPersonalData("datarights.RetentionRun", "Counts of rows changed by kind, never whose."),
]
