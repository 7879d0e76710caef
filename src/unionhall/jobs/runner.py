"""Running the periodic jobs that are due, once each across every worker.

Claims are a compare-and-set on the job's row: a worker reads
``last_started``, decides the job is due, and claims it with
``UPDATE ... SET last_started = now WHERE name = job AND last_started = <what it read>``.
Of several workers that read the same row, the first update changes
``last_started`` and every other matches no row, so exactly one runs the job.
No lock is held while the job runs; the database serialises the updates
(PostgreSQL re-checks the condition after waiting for the first writer's row
lock; SQLite has one writer at a time).
"""

import datetime as dt
import inspect
import logging
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from django.utils import timezone
from django.utils.module_loading import import_string

from unionhall.jobs.models import JobRun
from unionhall.jobs.table import Job

logger = logging.getLogger("unionhall.jobs")

# A job that failed is tried again this soon, rather than waiting for its next
# slot (a day, for a daily job); it keeps failing loudly until mended.
RETRY_FAILED_AFTER = dt.timedelta(minutes=15)
ERROR_CHARS = 8000


@dataclass(frozen=True)
class Outcome:
    """What became of one due job in one pass."""

    name: str
    ok: bool
    result: str = ""
    error: str = ""


@cache
def resolve(path: str) -> Callable:
    """The function at ``path``: ImportError if there is none, TypeError if it is not callable (failures are not cached, so a later pass tries again)."""
    func = import_string(path)
    if not callable(func):
        raise TypeError(f"{path} is not a function")
    return func


def next_due(job: Job, run: JobRun | None, now: dt.datetime) -> dt.datetime:
    """When ``job`` is next due: at or before ``now`` means it is due now.

    Never run: now. Under way: when the run is taken as dead (``job.timeout``
    after it started). Otherwise the first slot after it last started, or
    sooner after a failure (RETRY_FAILED_AFTER)."""
    if run is None or run.last_started is None:
        return now
    if run.under_way:
        return run.last_started + job.timeout
    due = job.schedule.following(run.last_started)
    if run.last_ok is False:
        due = min(due, run.last_started + RETRY_FAILED_AFTER)
    return due


def claim(job: Job, *, seen: JobRun | None, now: dt.datetime, worker: str) -> bool:
    """Claim the run of ``job`` that ``seen`` (the row as read, or None if
    there was none) shows to be due; True if this worker won it."""
    if seen is None:
        JobRun.objects.get_or_create(name=job.name)
        unchanged = JobRun.objects.filter(name=job.name, last_started__isnull=True)
    elif seen.last_started is None:
        unchanged = JobRun.objects.filter(name=job.name, last_started__isnull=True)
    else:
        unchanged = JobRun.objects.filter(name=job.name, last_started=seen.last_started)
    return unchanged.update(last_started=now, last_finished=None, worker=worker[:64]) == 1


def _call(func: Callable, now: dt.datetime):
    parameters = inspect.signature(func).parameters
    if "now" in parameters:
        return func(now=now)
    if "today" in parameters:
        return func(today=timezone.localdate(now))
    return func()


def _summary(result) -> str:
    if result is None:
        return ""
    if isinstance(result, list | tuple | set):
        return f"{len(result)} item(s)"
    return str(result)[:200]


def run_claimed(job: Job, *, started: dt.datetime) -> Outcome:
    """Run ``job``, which this worker has claimed at ``started``, and record how it went.
    An exception is caught, logged and recorded: it never reaches the worker's loop."""
    clock = time.monotonic()
    try:
        func = resolve(job.path)
        result = _call(func, started)
    except Exception as exc:
        error = traceback.format_exc()[-ERROR_CHARS:]
        logger.exception("job %s failed", job.name)
        outcome = Outcome(job.name, ok=False, error=f"{type(exc).__name__}: {exc}")
    else:
        error = ""
        outcome = Outcome(job.name, ok=True, result=_summary(result))
        logger.info("job %s done in %.1f s%s", job.name, time.monotonic() - clock, f": {outcome.result}" if outcome.result else "")
    # Measured from `started`, so a test's fixed clock and the real one agree.
    finished = started + dt.timedelta(seconds=time.monotonic() - clock)
    # Only this run's record: if it overran its timeout and another worker
    # claimed the job since, that run's record stands.
    JobRun.objects.filter(name=job.name, last_started=started).update(last_finished=finished, last_ok=outcome.ok, last_error=error)
    return outcome


_reported_pending: set[str] = set()


def _pending_and_missing(job: Job) -> bool:
    if not job.pending:
        return False
    try:
        resolve(job.path)
    except Exception:  # noqa: BLE001  (whatever stops it importing, it is not ready)
        if job.name not in _reported_pending:
            _reported_pending.add(job.name)
            logger.warning("job %s skipped: %s does not exist yet (%s)", job.name, job.path, job.pending)
        return True
    return False


def run_due_jobs(
    jobs: Iterable[Job],
    *,
    worker: str,
    clock: Callable[[], dt.datetime] = timezone.now,
    should_stop: Callable[[], bool] = lambda: False,
) -> list[Outcome]:
    """Run, one after another, each of ``jobs`` that is due and that this
    worker wins the claim to; what became of each it ran. Stops between jobs
    once ``should_stop()`` is true."""
    jobs = list(jobs)
    runs = {run.name: run for run in JobRun.objects.filter(name__in=[job.name for job in jobs])}
    outcomes = []
    for job in jobs:
        if should_stop():
            break
        now = clock()
        seen = runs.get(job.name)
        if next_due(job, seen, now) > now or _pending_and_missing(job):
            continue
        if not claim(job, seen=seen, now=now, worker=worker):
            logger.debug("job %s: another worker claimed it", job.name)
            continue
        outcomes.append(run_claimed(job, started=now))
    return outcomes


def seconds_until_due(jobs: Iterable[Job], *, now: dt.datetime) -> float:
    """How long until the first of ``jobs`` falls due (0 if one is due now),
    leaving out pending jobs whose function does not exist yet."""
    waiting = [due for job, _, due in job_states(jobs, now=now) if not _pending_and_missing(job)]
    return max(0.0, (min(waiting) - now).total_seconds()) if waiting else float("inf")


def job_states(jobs: Iterable[Job], *, now: dt.datetime) -> list[tuple[Job, JobRun | None, dt.datetime]]:
    """Each job with its record and when it is next due, for ``worker --list``."""
    jobs = list(jobs)
    runs = {run.name: run for run in JobRun.objects.filter(name__in=[job.name for job in jobs])}
    return [(job, runs.get(job.name), next_due(job, runs.get(job.name), now)) for job in jobs]
