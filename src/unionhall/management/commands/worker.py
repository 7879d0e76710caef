import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, TASKS_LOGGER

from unionhall.jobs import table
from unionhall.jobs.runner import job_states
from unionhall.jobs.worker import Worker, default_worker_id


def _when(moment, now) -> str:
    if moment <= now:
        return "now"
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


class Command(BaseCommand):
    help = (
        "Run all background work in one process: the task queue and every periodic job "
        "(unionhall.jobs.table). SIGTERM stops it after the current task and job."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every job that is due and every queued task, then exit (non-zero if a job failed)")
        parser.add_argument("--list", action="store_true", dest="show_list", help="print the periodic jobs with their last run and when each is next due")
        parser.add_argument("--queue-name", default=DEFAULT_TASK_QUEUE_NAME, help="task queues to run, comma-separated, or '*' for all (default: %(default)s)")
        parser.add_argument("--backend", default=DEFAULT_TASK_BACKEND_ALIAS, help="the task backend (default: %(default)s)")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks at an empty task queue (default: %(default)s)")
        parser.add_argument("--worker-id", default=None, help="a name unique among running workers (default: host name and process id)")

    def handle(self, *args, once: bool, show_list: bool, queue_name: str, backend: str, interval: float, worker_id: str | None, verbosity: int, **options):
        if once and show_list:
            raise CommandError("choose --once or --list, not both")
        if interval <= 0:
            raise CommandError("--interval must be more than 0")
        if show_list:
            self._list()
            return
        self._configure_logging(verbosity)
        worker = Worker(
            worker_id=worker_id or default_worker_id(),
            backend_name=backend,
            queue_names=queue_name.split(","),
            task_interval=interval,
        )
        if once:
            self._once(worker)
        else:
            worker.run()

    def _once(self, worker: Worker) -> None:
        outcomes, tasks = worker.run_once()
        for outcome in outcomes:
            status = "ok" if outcome.ok else f"FAILED: {outcome.error}"
            self.stdout.write(f"{outcome.name}: {status}{f' ({outcome.result})' if outcome.ok and outcome.result else ''}")
        self.stdout.write(f"{len(outcomes)} job(s) run, {tasks} task(s) run")
        failed = [outcome.name for outcome in outcomes if not outcome.ok]
        if failed:
            raise CommandError(f"{len(failed)} job(s) failed: {', '.join(failed)}")

    def _list(self) -> None:
        now = timezone.now()
        rows = [("job", "schedule", "last started", "last run", "next due", "function")]
        for job, run, due in job_states(table.JOBS, now=now):
            if run is None or run.last_started is None:
                state = "-"
            elif run.under_way:
                state = f"running ({run.worker})"
            else:
                state = "ok" if run.last_ok else "FAILED: " + (run.last_error.strip().splitlines() or ["?"])[-1][:80]
            function = job.path + (f"  [pending: {job.pending}]" if job.pending else "")
            rows.append((job.name, str(job.schedule), f"{timezone.localtime(run.last_started):%Y-%m-%d %H:%M}" if run and run.last_started else "never", state, _when(due, now), function))
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row[:5], widths)) + "  " + row[5])

    def _configure_logging(self, verbosity: int) -> None:
        """The jobs' runs at the default verbosity; each task only from -v 2
        (a bulletin to 60,000 members is 60,000 tasks). Failures always show."""
        jobs_level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity < 3 else logging.DEBUG
        tasks_level = logging.WARNING if verbosity < 2 else logging.INFO if verbosity < 3 else logging.DEBUG
        logging.getLogger("unionhall.jobs").setLevel(jobs_level)
        logging.getLogger(TASKS_LOGGER).setLevel(tasks_level)
        logging.getLogger("django_tasks_db").setLevel(tasks_level)
