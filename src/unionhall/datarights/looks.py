"""Who has looked at a member's record: the audit log's entries about the
member, read through its (subject_type, subject_id) index.

An entry is about the member when its subject is the member's register row
or their account, or when it is a register search whose results named them
(``detail["shown"]`` lists the membership numbers shown); and each register
export whose list held them (datarights.register_exports). Each is put in one
of three groups: officers (with the office they held then and their name),
the member themselves, and the system (automated jobs, no actor)."""

import datetime as dt
import json
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from unionhall.audit.models import Action, AuditEntry
from unionhall.datarights.models import RegisterExport, RegisterExportMember
from unionhall.members.models import Member, Office

# A page shows the latest entries; the member can ask HQ for older ones.
LIMIT = 200
# Entries about the member as a subject: the register row, the account.
SUBJECT_TYPES = ("members.member", "members.user")
SEARCH = ("members.register", "search")
# Other apps' rows that are the member's and whose reads are audited with the
# row as subject: the audit subject type -> (the model's label, the path to the
# member). Known by label, never imported; a case read by a rep or an officer
# is a look at the member's record.
OWNED_SUBJECTS = {"casework.case": ("casework.Case", "member")}
ABOUT_A_CASE = {Action.VIEW: "read your case", Action.CHANGE: "changed your case", Action.DENIED: "was refused access to your case"}
EXPORTED = "included your record in a register export"
WHAT = {
    Action.VIEW: "read your record",
    Action.CHANGE: "changed your record",
    Action.EXPORT: "exported your data",
    Action.OFFICE: "changed an office you hold",
    Action.PERMISSION: "changed your sign-in security",
    Action.DENIED: "was refused access to your record",
    Action.SIGN_IN: "signed in",
}


@dataclass(frozen=True)
class Look:
    at: dt.datetime
    what: str
    why: str  # the reason given, or the page it happened on
    who: str  # the officer's name, "you" or "the system"
    office: str  # the office the officer held then ("" if none)


@dataclass
class Looks:
    officers: list[Look]
    yourself: list[Look]
    system: list[Look]


def _about(member: Member) -> Q:
    where = Q(subject_type="members.member", subject_id=str(member.pk))
    if member.user_id:
        where |= Q(subject_type="members.user", subject_id=str(member.user_id))
    for subject_type, (label, path) in OWNED_SUBJECTS.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue  # the app is not installed
        # A subquery, not a list: no extra round trip, whatever the number of rows.
        owned = model._default_manager.filter(**{path: member.pk}).annotate(_subject=Cast("pk", CharField())).values("_subject")
        where |= Q(subject_type=subject_type, subject_id__in=owned)
    return where


def searches_naming_sql(number: str, *, since: dt.datetime | None, limit: int | None) -> tuple[str, list]:
    """PostgreSQL: the register searches that showed ``number``, newest first.
    The match is a MATERIALIZED step of its own, so that a GIN index on
    ``detail -> 'shown'`` (for searches) is used where one exists: asked in one
    step with ``ORDER BY seq DESC LIMIT``, the planner walks every search
    backwards instead (bench_register_export --part gin). Without the index it
    reads the searches as before."""
    table = AuditEntry._meta.db_table
    where = "subject_type = %s AND subject_id = %s AND (detail -> 'shown') @> %s::jsonb"
    params: list = [SEARCH[0], SEARCH[1], json.dumps([number])]
    if since is not None:
        where += " AND at >= %s"
        params.append(since)
    sql = (f"WITH hits AS MATERIALIZED (SELECT id FROM {table} WHERE {where}) "
           f"SELECT entry.* FROM {table} entry JOIN hits ON hits.id = entry.id ORDER BY entry.seq DESC")  # fmt: skip
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    return sql, params


def _searches_naming(member: Member, since: dt.datetime | None, limit: int | None = LIMIT) -> list[AuditEntry]:
    """Register searches that showed the member. On PostgreSQL the database
    tests the JSON; SQLite's JSON1 cannot ask "is in this list" through the
    ORM, so there the search entries (found by index) are tested here."""
    searches = AuditEntry.objects.filter(subject_type=SEARCH[0], subject_id=SEARCH[1])
    if since is not None:
        searches = searches.filter(at__gte=since)
    number = member.membership_number
    if connection.vendor == "postgresql":
        return list(AuditEntry.objects.raw(*searches_naming_sql(number, since=since, limit=limit)))
    found = []
    for entry in searches.order_by("-seq").iterator(chunk_size=2000):
        if number in (entry.detail or {}).get("shown", ()):
            found.append(entry)
            if limit is not None and len(found) >= limit:
                break
    return found


def exports_naming(member_id: int, *, since: dt.datetime | None = None, limit: int | None = LIMIT) -> list[RegisterExport]:
    """The register exports that held the member (their list names them), newest first."""
    exports = RegisterExport.objects.filter(pk__in=RegisterExportMember.objects.filter(member=member_id).values("export_id"))
    if since is not None:
        exports = exports.filter(exported_at__gte=since)
    return list(exports.order_by("-exported_at", "-pk")[:limit])


def entries_about(member: Member):
    """The audit entries whose subject is the member's register row or account."""
    return AuditEntry.objects.filter(_about(member))


def looks_at(member: Member, *, since: dt.datetime | None = None, limit: int | None = LIMIT) -> Looks:
    """The latest entries about ``member`` (``limit`` of each source; every
    one when None, for the download), newest first, grouped. Bounded: four
    queries whatever the log's size beyond the scan of register searches on
    SQLite."""
    direct = entries_about(member)
    if since is not None:
        direct = direct.filter(at__gte=since)
    entries = list(direct.order_by("-seq")[:limit]) + _searches_naming(member, since, limit)
    entries.sort(key=lambda e: e.seq, reverse=True)
    # Each event: when, who acted (a user id or None), what they did, why.
    events = []
    for e in entries:
        detail = e.detail or {}
        what = "found you in a register search" if (e.subject_type, e.subject_id) == SEARCH else WHAT.get(e.action, e.get_action_display())
        if e.subject_type in OWNED_SUBJECTS:
            what = ABOUT_A_CASE.get(e.action, what)
        why = str(detail.get("reason") or detail.get("why") or detail.get("page") or detail.get("event") or "")
        events.append((e.at, e.actor_id, e.actor_label, what, why))
    for export in exports_naming(member.pk, since=since, limit=limit):
        events.append((export.exported_at, export.exported_by_id, "", EXPORTED, f"a list of {export.count} members"))
    events.sort(key=lambda event: event[0], reverse=True)
    actors = {actor for _, actor, *_ in events if actor and actor != member.user_id}
    officers = {m.user_id: m for m in Member.objects.filter(user_id__in=actors)}
    offices: dict[int, list[Office]] = {}
    for office in Office.objects.filter(member__user_id__in=actors).select_related("member", "branch", "workplace", "employer"):
        offices.setdefault(office.member.user_id, []).append(office)
    # Offices whose holders' names the union withholds, with the reason in law it
    # recorded (e.g. {"hq_admin": "staff safety: ..."}); the office is still shown.
    withheld = getattr(settings, "UNIONHALL_DATARIGHTS_WITHHELD_ROLES", {})
    looks = Looks([], [], [])
    for at, actor, label, what, why in events:
        if actor is None:
            looks.system.append(Look(at, what, why, "the system", ""))
        elif actor == member.user_id:
            looks.yourself.append(Look(at, what, why, "you", ""))
        else:
            officer = officers.get(actor)
            held = [o for o in offices.get(actor, []) if o.starts_on <= at.date() and (o.ends_on is None or o.ends_on >= at.date())]
            office = "; ".join(f"{o.get_role_display()}{', ' + o.scope_label if o.scope_label else ''}" for o in held)
            who = officer.full_name if officer else (label or "a former account")
            reasons = [withheld[o.role] for o in held if o.role in withheld]
            if reasons:
                who = f"name withheld ({reasons[0]})"
            looks.officers.append(Look(at, what, why, who, office or "no office at the time"))
    return looks
