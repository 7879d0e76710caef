"""Jobs of the project's own (see ``unionhall.jobs.table``): checks that raise
when something is wrong, so the worker logs and records the failure, and the
tidying that cron used to do."""

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from unionhall.audit.services import Witness, audit_verify_chain, audit_witness_publish
from unionhall.mail import queue_email

TASK_RESULTS_KEPT = dt.timedelta(days=14)
FAILED_TASK_RESULTS_KEPT = dt.timedelta(days=28)


class AuditChainBroken(Exception):
    pass


def audit_chain_check() -> int:
    """Verify the whole audit chain; the number of entries checked. Raises
    ``AuditChainBroken`` naming the first entry that does not fit."""
    report = audit_verify_chain()
    if not report.ok:
        where = f" at entry #{report.broken_seq}" if report.broken_seq is not None else ""
        raise AuditChainBroken(f"audit chain broken{where}: {report.reason}")
    return report.checked


def send_witness(*, subject: str, text: str, to: list[str], key: str) -> None:
    """The audit witness's emails go through the outbox like every other message."""
    queue_email(subject=subject, body=text, to=to, topic="audit_witness", key=key)


def audit_witness(*, to=None, emails=None) -> Witness:
    """The daily witness of the audit log's heads (``audit.services.audit_witness_publish``),
    written to UNIONHALL_AUDIT_WITNESS_DIR and emailed through the outbox to
    UNIONHALL_AUDIT_WITNESS_EMAILS."""
    return audit_witness_publish(to=to, emails=emails, send=send_witness)


def clear_expired_sessions() -> None:
    """What ``manage.py clearsessions`` does."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


def prune_task_results(now: dt.datetime | None = None) -> int:
    """Delete finished task results past their keeping time; the number deleted.
    Tasks waiting or running are never touched."""
    now = now or timezone.now()
    old = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lte=now - TASK_RESULTS_KEPT)
        | Q(status=TaskResultStatus.FAILED, finished_at__lte=now - FAILED_TASK_RESULTS_KEPT)
    )
    deleted, _ = old.delete()
    return deleted
