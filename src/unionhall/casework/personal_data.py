"""Casework's personal data (issue 17's declarations). Registered from
CaseworkConfig.ready().

A case file is the member's, and often special category: it shows they are in
the union (Art. 9(2)(d)), may hold health details, and is kept to bring or
defend legal claims (Art. 9(2)(f)). It is kept until the case_file period has
run from the case's close, then deleted with its entries, meetings, referrals,
deadlines and its documents' sealed files on disk; only anonymous counts stay
(CaseStat). The rule below is the only way closed cases are deleted: HQ sets
the period on the data-rights retention schedule (six years unless changed),
and datarights' nightly job applies it through ``cases_due`` and
``cases_delete``.

Sealed fields are not exported. Everything anyone wrote in a case (what
happened, health details, notes, messages, referral notes, meeting notes,
documents and their names) is stored sealed (sealing.py), and the registry's
exporter (datarights.export) reads plain ``values()`` or an export function:
it has no way to unseal through casework's own, audited reading
(services.case_read / case_health / document_open). So the export shows each
case's non-sealed facts only (kind, status, dates, outcome, how many notes,
meetings and documents by date) and the member reads the words themselves on
the case's own page, or HQ supplies them with a subject access request."""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Count, F

from unionhall.personal_data import DELETE, KEEP, LEGITIMATE_INTERESTS, LEGAL_CLAIMS, NOT_FOR_PROFIT, Declaration, RetentionRule, officer_record

CASES = "Your cases: help you asked for and its record"
SPECIAL = f"{NOT_FOR_PROFIT}; {LEGAL_CLAIMS}"
KEPT = "A case file is kept until the set period after the case closes, to bring or defend legal claims arising from it; it is then deleted with its files, and only anonymous counts stay."
RECIPIENTS = "Your rep, and the branch, link or national officers the case is referred to; the employer or a tribunal only as the case needs"


WORK = "Records of your work as an officer"
WORK_KEPT = "It is part of the member's case file, kept for the case's sake, and deleted with it."
WORK_LABELS = {
    "casework.Case": "Cases you ran as a rep",
    "casework.Entry": "Notes, actions and messages you wrote in members' cases",
    "casework.Meeting": "Meetings you recorded in members' cases",
    "casework.Document": "Documents you added to members' cases",
    "casework.Referral": "Cases referred to you, or by you",
}


def _officers_rows(model: str, member_path: str, officer_paths: tuple[str, ...]):
    """What an officer did in other members' cases (their own case is under CASES)."""

    def rows(member_id: int):
        from django.apps import apps
        from django.db.models import Q

        where = Q()
        for path in officer_paths:
            where |= Q(**{path: member_id})
        return apps.get_model(model)._default_manager.filter(where).exclude(**{member_path: member_id})

    return rows


def _case_part(model, fields, export, member_path, officer_paths, officer_export, label, note=""):
    """Two declarations of one model: the member's own case file in full (its
    facts in clear), and an officer's work in other members' cases by case
    number and dates only. What a case was about (its kind, hearings and
    outcome) is the member's, so it is not in an officer's export; the case
    number is redacted where the export may leave the union (a subject
    access request)."""
    mine = Declaration(
        model=model, label=label, purpose=CASES, fields=fields, export=export, owner=(member_path,),
        basis=LEGITIMATE_INTERESTS, special=SPECIAL, retention="case_file", recipients=RECIPIENTS,
        erasure=KEEP, keep_reason=KEPT,
        note=note or "Only the facts held in clear are shown here: what was written is sealed, and is read on the case's page.",
    )  # fmt: skip
    work = Declaration(
        model=model, view="work", label=WORK_LABELS[model], purpose=WORK, fields=fields, export=officer_export,
        owner=_officers_rows(model, member_path, officer_paths), third_party=(officer_export[0],),
        basis=LEGITIMATE_INTERESTS, retention="case_file", erasure=KEEP, keep_reason=WORK_KEPT,
        note="By case number and dates only: what each case was about is the member's.",
    )  # fmt: skip
    return mine, work


_officer = officer_record


def cases_due(before: dt.date, after_id: int, limit: int) -> list[int]:
    """Closed cases whose close is before ``before``, by id."""
    from unionhall.casework.models import Case

    return list(
        Case.objects.filter(status=Case.Status.CLOSED, closed_at__date__lt=before, pk__gt=after_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def cases_delete(ids: Sequence[int]) -> int:
    """Delete the closed cases ``ids`` (re-checked: still there, still closed)
    with everything in them, counting each into the anonymous statistics
    first, and their documents' sealed files from disk.

    The files go inside the transaction, after the rows, rather than once it
    commits: a process killed between the commit and an on-commit hook would
    leave files nothing points to, kept for ever. The other way round costs
    little: if the transaction rolls back, the cases are still due (closed and
    past their period), the next run deletes their rows, and a missing file is
    skipped."""
    from unionhall.casework import documents
    from unionhall.casework.models import Case, CaseStat, Document

    with transaction.atomic():
        ids = list(Case.objects.select_for_update().filter(pk__in=list(ids), status=Case.Status.CLOSED).values_list("pk", flat=True))
        if not ids:
            return 0
        cases = Case.objects.filter(pk__in=ids)
        for row in cases.values("closed_at__year", "kind", "employer_id", "outcome").annotate(n=Count("pk")):
            stat, _ = CaseStat.objects.get_or_create(year=row["closed_at__year"], kind=row["kind"], employer_id=row["employer_id"],
                                                     outcome=row["outcome"])  # fmt: skip
            CaseStat.objects.filter(pk=stat.pk).update(count=F("count") + row["n"])
        files = list(Document.objects.filter(case_id__in=ids).only("pk", "ref"))
        cases.delete()
        for document in files:
            documents.remove(document)
    return len(ids)


DECLARATIONS = [
    *_case_part(
        "casework.Case",
        ("member", "rep", "kind", "nation", "incident_on", "acas_from", "acas_cert", "outcome_on", "outcome", "closure",
         "health_flag", "summary_sealed", "health_sealed"),
        ("id", "kind", "status", "opened_at", "rep_accepted_at", "incident_on", "acas_from", "acas_cert", "outcome_on", "outcome",
         "closure", "closed_at"),
        "member", ("rep",), ("id", "opened_at", "rep_accepted_at", "closed_at"),
        "Your cases",
        note="Kind, status, dates and outcome. What happened and any health details (and whether there are any) are sealed or left out, and not in this export: read them on the case's page.",
    ),
    *_case_part("casework.Entry", ("author", "body_sealed"), ("case_id", "kind", "at", "due_on", "done_at"), "case__member", ("author",),
                ("case_id", "kind", "at"), "Notes, actions and messages in your cases"),
    *_case_part("casework.Meeting", ("recorded_by", "kind", "on", "note_sealed"), ("case_id", "kind", "on", "companion_unavailable", "recorded_at"),
                "case__member", ("recorded_by",), ("case_id", "recorded_at"), "Meetings and hearings in your cases"),
    *_case_part("casework.Document", ("added_by", "filename_sealed"), ("case_id", "content_type", "size", "added_at"), "case__member", ("added_by",),
                ("case_id", "added_at"), "Documents in your cases",
                note="The file's name and contents are sealed and not in this export: open them on the case's page."),
    *_case_part("casework.Referral", ("to", "by", "note_sealed"), ("case_id", "at", "ended_at"), "case__member", ("to", "by"),
                ("case_id", "at", "ended_at"), "Your cases referred to other officers"),
    _officer("casework.RuleProfile", ("updated_by",), ("title", "updated_at"), ("updated_by__member",),
             "Who last changed an employer's procedure rules explains the deadlines worked out from them."),
    _officer("casework.Commencement", ("recorded_by",), ("rule", "commenced_on", "recorded_at"), ("recorded_by__member",),
             "Who recorded when a rule of law came into force explains the deadlines worked out from it."),
    RetentionRule(
        key="case_file", model="casework.Case", action=DELETE, event="the case's close (closed_at)",
        due=cases_due, apply=cases_delete, keeps="counts by year closed, kind, employer and outcome (CaseStat)",
    ),
]
