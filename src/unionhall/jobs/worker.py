"""One process for all the background work: ``manage.py worker``.

The main thread runs the task queue with django-tasks-db's own worker loop
(the one ``manage.py db_worker`` runs; reused, not rewritten); a second thread
runs the periodic jobs of ``unionhall.jobs.table`` as they fall due, so a long
job (60,000 ballot reminders) never holds up a sign-in code waiting in the
queue. Any number of these processes may run side by side: tasks are claimed
row by row by django-tasks-db, jobs by ``unionhall.jobs.runner.claim``.

SIGTERM or SIGINT stops the worker once the current task and the current job
have finished; a second one stops it at once.
"""

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterable

from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, task_backends
from django_tasks_db.management.commands import db_worker

from unionhall.jobs import table
from unionhall.jobs.runner import Outcome, run_due_jobs, seconds_until_due
from unionhall.jobs.table import Job

logger = logging.getLogger("unionhall.jobs")

# The jobs thread sleeps until the next job is due, but at most a minute (so
# a changed clock, or a record changed by another worker or by hand, is seen
# soon) and at least a second (so nothing can make it spin).
LONGEST_NAP = 60.0
SHORTEST_NAP = 1.0
# After the database was unreachable, wait this long before trying again.
BACKOFF = 5.0


def default_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"[:64]


class _TaskWorker(db_worker.Worker):
    """django-tasks-db's worker loop as it is, counting the tasks it runs.
    Its signal handling is not installed: ours stops it between tasks."""

    ran = 0

    def run_task(self, db_task_result) -> None:
        try:
            super().run_task(db_task_result)
        finally:
            self.ran += 1


class Worker:
    def __init__(
        self,
        *,
        jobs: Iterable[Job] | None = None,
        worker_id: str | None = None,
        backend_name: str = DEFAULT_TASK_BACKEND_ALIAS,
        queue_names: Iterable[str] = (DEFAULT_TASK_QUEUE_NAME,),
        task_interval: float = 1.0,
        clock: Callable = timezone.now,
    ):
        self.jobs = tuple(table.JOBS if jobs is None else jobs)
        self.worker_id = worker_id or default_worker_id()
        self.backend_name = backend_name
        self.queue_names = list(queue_names)
        self.task_interval = task_interval
        self.clock = clock
        self.stopping = threading.Event()
        self._task_worker: _TaskWorker | None = None

    @property
    def runs_tasks(self) -> bool:
        """False where tasks run as they are queued (the demo's ImmediateBackend): then only the jobs are ours."""
        return isinstance(task_backends[self.backend_name], DatabaseBackend)

    def _new_task_worker(self, *, batch: bool) -> _TaskWorker:
        self._task_worker = _TaskWorker(
            queue_names=self.queue_names,
            interval=self.task_interval,
            batch=batch,
            backend_name=self.backend_name,
            startup_delay=not batch,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        return self._task_worker

    # --- once: for tests, and for those who keep cron ---------------------------------------

    def run_once(self) -> tuple[list[Outcome], int]:
        """Run every job that is due, then every task waiting in the queue
        (including those the jobs queued); what became of the jobs, and how
        many tasks ran."""
        outcomes = run_due_jobs(self.jobs, worker=self.worker_id, clock=self.clock)
        if not self.runs_tasks:
            return outcomes, 0
        tasks = self._new_task_worker(batch=True)
        tasks.run()
        return outcomes, tasks.ran

    # --- for ever: the service ----------------------------------------------------------------

    def stop(self) -> None:
        """Stop after the current task and job (safe from a signal handler or another thread)."""
        self.stopping.set()
        if self._task_worker is not None:
            self._task_worker.running = False

    def _on_signal(self, signum, frame) -> None:
        name = signal.strsignal(signum)
        if self.stopping.is_set():
            logger.warning("%s again: stopping at once", name)
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        logger.warning("%s: stopping once the current task and job are done", name)
        self.stop()

    def run(self) -> None:
        """Run until stopped; call from the main thread (it installs signal handlers)."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        jobs = threading.Thread(target=self._jobs_loop, name="unionhall-jobs")
        logger.info("worker %s: %d periodic jobs; %s", self.worker_id, len(self.jobs),
                    f"task queues {','.join(self.queue_names)}" if self.runs_tasks else "tasks run where they are queued")  # fmt: skip
        jobs.start()
        try:
            self._tasks_loop()
        finally:
            self.stop()
            jobs.join()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            logger.info("worker %s stopped", self.worker_id)

    def _tasks_loop(self) -> None:
        if not self.runs_tasks:
            self._nap(float("inf"))
            return
        tasks = self._new_task_worker(batch=False)
        while not self.stopping.is_set():
            try:
                tasks.run()  # returns once stop() clears its `running`
            except DatabaseError:
                logger.exception("task queue: database error; trying again in %.0f s", BACKOFF)
                self._nap(BACKOFF)

    def _jobs_loop(self) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    close_old_connections()
                    run_due_jobs(self.jobs, worker=self.worker_id, clock=self.clock, should_stop=self.stopping.is_set)
                    nap = min(max(seconds_until_due(self.jobs, now=self.clock()), SHORTEST_NAP), LONGEST_NAP)
                except Exception:
                    # A job's own failure is caught and recorded by run_claimed;
                    # this is the runner failing (most often the database is
                    # unreachable), which must not end the thread silently.
                    logger.exception("periodic jobs: cannot run them; trying again in %.0f s", BACKOFF)
                    nap = BACKOFF
                finally:
                    close_old_connections()
                self.stopping.wait(nap)
        finally:
            connections.close_all()

    def _nap(self, seconds: float) -> None:
        """Sleep in the main thread, in short steps so a signal's stop is seen at once."""
        remaining = seconds
        while remaining > 0 and not self.stopping.is_set():
            self.stopping.wait(min(remaining, 0.2))
            remaining -= 0.2
