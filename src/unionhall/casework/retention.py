"""Closed cases are deleted a set time after closing (settings
CASEWORK_RETENTION_YEARS, six unless set), with their sealed files; only
anonymous counts stay (CaseStat: year closed, kind, employer, outcome)."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.casework import documents
from unionhall.casework.models import Case, CaseStat, Document

BATCH = 500


def retention_cutoff(now: dt.datetime) -> dt.datetime:
    years = getattr(settings, "CASEWORK_RETENTION_YEARS", 6)
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def delete_expired_cases(*, now: dt.datetime | None = None) -> int:
    """Delete cases closed before the retention cut-off, counting each into
    the statistics first; returns how many were deleted. Safe to re-run."""
    now = now or timezone.now()
    cutoff = retention_cutoff(now)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(Case.objects.select_for_update().filter(status=Case.Status.CLOSED, closed_at__lt=cutoff).values_list("pk", flat=True)[:BATCH])
            if not ids:
                return deleted
            cases = Case.objects.filter(pk__in=ids)
            for row in cases.values("closed_at__year", "kind", "employer_id", "outcome").annotate(n=Count("pk")):
                stat, _ = CaseStat.objects.get_or_create(year=row["closed_at__year"], kind=row["kind"], employer_id=row["employer_id"],
                                                         outcome=row["outcome"])  # fmt: skip
                CaseStat.objects.filter(pk=stat.pk).update(count=F("count") + row["n"])
            files = list(Document.objects.filter(case_id__in=ids))
            cases.delete()
            audit_record(actor=None, action=Action.CHANGE, subject=("casework.case", "retention"),
                         detail={"event": "closed cases deleted after retention", "cases": len(ids), "closed_before": cutoff.date().isoformat()})  # fmt: skip
            transaction.on_commit(lambda files=files: [documents.remove(d) for d in files])
        deleted += len(ids)
