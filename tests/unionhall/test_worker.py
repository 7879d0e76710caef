"""The worker: one process running the task queue and every periodic job.

Jobs here are small functions of this module, run through the real runner and
recorded in the real JobRun table; times come from a fixed clock."""

import datetime as dt
import inspect
import os
import signal
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from unionhall.jobs import table
from unionhall.jobs import worker as worker_module
from unionhall.jobs.models import JobRun
from unionhall.jobs.runner import RETRY_FAILED_AFTER, claim, next_due, resolve, run_due_jobs
from unionhall.jobs.schedule import Daily, Every, Weekly
from unionhall.jobs.table import JOBS, Job
from unionhall.jobs.worker import Worker

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
T = dt.datetime(2027, 1, 13, 12, 0, 10, tzinfo=dt.UTC)  # a Wednesday in winter, when London's time is UTC
HERE = __name__

# --- what the jobs and tasks of these tests do --------------------------------------------------

CALLS: list[tuple[str, object]] = []


def record(now):
    CALLS.append(("record", now))
    return 1


def record_too():
    CALLS.append(("record_too", None))


def record_today(today):
    CALLS.append(("record_today", today))


def boom(now):
    raise RuntimeError("the mail relay is down")


def queue_a_shout():
    shout.enqueue("from a job")


def stop_mid_task():
    os.kill(os.getpid(), signal.SIGTERM)


@task()
def shout(word):
    CALLS.append(("shout", word))
    return word.upper()


@task(priority=10)
def sigterm_myself():
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.1)  # the signal's handler has run; the task still finishes
    CALLS.append(("sigterm_myself", "finished"))
    return "finished"


@pytest.fixture(autouse=True)
def calls():
    CALLS.clear()
    yield CALLS
    CALLS.clear()


EVERY_MINUTE = Every(dt.timedelta(minutes=1))


def job(name, function, schedule=EVERY_MINUTE, **extra) -> Job:
    return Job(name, f"{HERE}.{function}", schedule, why="a test", **extra)


def at(moment):
    return lambda: moment


@pytest.fixture
def worker_may_keep_the_test_connection(monkeypatch):
    """django-tasks-db's loop closes the database connection between tasks
    (as a request would), which a test's transaction cannot survive; here it
    keeps it. Everything else of the loop runs as in production."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(worker_module, "close_old_connections", lambda: None)


# --- the table ---------------------------------------------------------------------------------


@pytest.mark.parametrize("row", JOBS, ids=[row.name for row in JOBS])
def test_each_path_in_the_table_names_a_function_the_worker_can_call(row):
    try:
        function = resolve(row.path)
    except (ImportError, TypeError) as exc:
        if row.pending:
            pytest.skip(f"pending job {row.name!r}: {row.path} does not exist yet ({row.pending}): {exc}")
        raise AssertionError(f"job {row.name!r}: {row.path} does not resolve: {exc}") from None
    required = [
        p.name for p in inspect.signature(function).parameters.values()
        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]  # fmt: skip
    assert set(required) <= {"now", "today"} and len(required) <= 1, f"{row.path} needs {required}; the worker passes now= or today= or nothing"


def test_the_table_names_each_job_once_and_says_why():
    names = [row.name for row in JOBS]
    assert len(names) == len(set(names))
    assert all(row.why and len(row.name) <= 64 for row in JOBS)
    assert {
        "unionhall.ballots.reminders.send_due_reminders",
        "unionhall.bulletins.delivery.release_due_bulletins",
        "unionhall.bulletins.notifications.send_digests",
        "unionhall.members.services.offices_warn_ending",
        "unionhall.mandates.services.mandates_warn_lapsing",
        "unionhall.jobs.housekeeping.audit_witness",
    } <= {row.path for row in JOBS}


def test_the_operations_guide_lists_every_job_as_the_table_declares_it():
    """docs/operations.md tells an administrator what the worker does; a job
    added, renamed or dropped in the table must show there (it listed two
    jobs gone for months and missed eight new ones)."""
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    rows = {line.split("|")[1].strip(" `"): line for line in guide.splitlines() if line.startswith("| `") and "`unionhall." in line}
    assert set(rows) == {job.name for job in JOBS}
    for job in JOBS:
        assert f"`{job.path}` | {job.schedule} |" in rows[job.name], job.name


# --- schedules -----------------------------------------------------------------------------------


def test_slots_every_five_minutes_fall_on_the_clock():
    five = Every(dt.timedelta(minutes=5))
    assert five.latest(dt.datetime(2027, 1, 13, 12, 7, 30, tzinfo=dt.UTC)) == dt.datetime(2027, 1, 13, 12, 5, tzinfo=dt.UTC)
    assert five.following(dt.datetime(2027, 1, 13, 12, 5, tzinfo=dt.UTC)) == dt.datetime(2027, 1, 13, 12, 10, tzinfo=dt.UTC)
    with pytest.raises(ValueError):
        Every(dt.timedelta(minutes=7))


def test_a_daily_slot_is_local_time_across_the_change_to_summer_time():
    six = Daily(dt.time(6, 0))
    # London's clocks go forward on 28 March 2027: 06:00 local is 06:00 UTC the day before, 05:00 UTC after.
    assert six.following(dt.datetime(2027, 3, 27, 7, 0, tzinfo=dt.UTC)) == dt.datetime(2027, 3, 28, 5, 0, tzinfo=dt.UTC)
    assert six.latest(dt.datetime(2027, 3, 27, 5, 59, tzinfo=dt.UTC)) == dt.datetime(2027, 3, 26, 6, 0, tzinfo=dt.UTC)


def test_a_weekly_slot_falls_on_its_weekday():
    monday = Weekly(0, dt.time(7, 0))
    assert monday.following(T) == dt.datetime(2027, 1, 18, 7, 0, tzinfo=dt.UTC)
    assert monday.latest(T) == dt.datetime(2027, 1, 11, 7, 0, tzinfo=dt.UTC)


# --- running what is due, once -------------------------------------------------------------------


def test_a_due_job_runs_once_and_is_recorded(db, calls):
    jobs = [job("minutely", "record")]
    ran = run_due_jobs(jobs, worker="w1", clock=at(T))
    assert [(o.name, o.ok, o.result) for o in ran] == [("minutely", True, "1")]
    assert calls == [("record", T)]
    run = JobRun.objects.get(name="minutely")
    assert (run.last_started, run.last_ok, run.last_error, run.worker) == (T, True, "", "w1")
    assert run.last_finished >= run.last_started

    # Later in the same minute: not due, so not run, by this worker or another.
    assert run_due_jobs(jobs, worker="w2", clock=at(T + dt.timedelta(seconds=40))) == []
    assert len(calls) == 1
    # The next minute: due again.
    assert [o.name for o in run_due_jobs(jobs, worker="w2", clock=at(T + dt.timedelta(seconds=50)))] == ["minutely"]
    assert calls[-1] == ("record", T + dt.timedelta(seconds=50))


def test_a_job_not_due_does_not_run(db, calls):
    jobs = [job("daily", "record", Daily(dt.time(6, 0)))]
    JobRun.objects.create(name="daily", last_started=T.replace(hour=6, minute=0, second=2), last_finished=T.replace(hour=6, minute=1), last_ok=True)
    assert run_due_jobs(jobs, worker="w1", clock=at(T)) == []
    assert calls == []
    assert JobRun.objects.get(name="daily").last_started == T.replace(hour=6, minute=0, second=2)


def test_a_daily_job_runs_once_a_day_whatever_the_restarts(db, calls):
    jobs = [job("daily", "record_today", Daily(dt.time(6, 0)))]
    JobRun.objects.create(name="daily", last_started=dt.datetime(2027, 1, 12, 6, 0, 1, tzinfo=dt.UTC), last_finished=dt.datetime(2027, 1, 12, 6, 0, 2, tzinfo=dt.UTC), last_ok=True)
    six = dt.datetime(2027, 1, 13, 6, 0, 1, tzinfo=dt.UTC)
    assert [o.name for o in run_due_jobs(jobs, worker="first", clock=at(six))] == ["daily"]
    # The worker restarts (a new process, a new id) through the day: the record says it has run.
    for hours in (1, 5, 17):
        assert run_due_jobs(jobs, worker=f"restarted-{hours}", clock=at(six + dt.timedelta(hours=hours))) == []
    assert [o.name for o in run_due_jobs(jobs, worker="next-day", clock=at(six + dt.timedelta(days=1)))] == ["daily"]
    assert calls == [("record_today", dt.date(2027, 1, 13)), ("record_today", dt.date(2027, 1, 14))]


def test_a_job_never_run_is_due_at_once_and_functions_get_now_today_or_nothing(db, calls):
    jobs = [job("a", "record", Weekly(0, dt.time(7, 0))), job("b", "record_too"), job("c", "record_today")]
    assert [o.name for o in run_due_jobs(jobs, worker="w", clock=at(T))] == ["a", "b", "c"]
    assert calls == [("record", T), ("record_too", None), ("record_today", dt.date(2027, 1, 13))]


def test_of_two_workers_claiming_the_same_job_at_the_same_time_only_one_wins(db):
    minutely = job("minutely", "record")
    # Never run: both read "no row", then both claim.
    assert claim(minutely, seen=None, now=T, worker="a") is True
    assert claim(minutely, seen=None, now=T, worker="b") is False
    # Due again next minute: both read the same row before either writes.
    seen_by_a = JobRun.objects.get(name="minutely")
    seen_by_b = JobRun.objects.get(name="minutely")
    JobRun.objects.filter(name="minutely").update(last_finished=T + dt.timedelta(seconds=1), last_ok=True)
    later = T + dt.timedelta(minutes=1)
    assert claim(minutely, seen=seen_by_b, now=later, worker="b") is True
    assert claim(minutely, seen=seen_by_a, now=later + dt.timedelta(milliseconds=3), worker="a") is False
    run = JobRun.objects.get(name="minutely")
    assert (run.last_started, run.worker, run.last_finished) == (later, "b", None)


def test_a_run_under_way_is_not_claimed_again_until_its_timeout(db, calls):
    jobs = [job("minutely", "record", timeout=dt.timedelta(minutes=30))]
    JobRun.objects.create(name="minutely", last_started=T, worker="busy")  # started, not finished
    assert run_due_jobs(jobs, worker="other", clock=at(T + dt.timedelta(minutes=10))) == []
    # Its worker died: after the timeout the job is run again.
    assert [o.name for o in run_due_jobs(jobs, worker="other", clock=at(T + dt.timedelta(minutes=30)))] == ["minutely"]
    assert len(calls) == 1


def test_a_failing_job_is_recorded_with_its_error_and_the_next_job_still_runs(db, calls):
    jobs = [job("failing", "boom", Daily(dt.time(6, 0))), job("after", "record")]
    ran = run_due_jobs(jobs, worker="w", clock=at(T))
    assert [(o.name, o.ok) for o in ran] == [("failing", False), ("after", True)]
    assert ran[0].error == "RuntimeError: the mail relay is down"
    assert calls == [("record", T)]
    failed = JobRun.objects.get(name="failing")
    assert failed.last_ok is False and failed.last_finished is not None
    assert "RuntimeError: the mail relay is down" in failed.last_error and "Traceback" in failed.last_error
    # Tried again after RETRY_FAILED_AFTER, not only at tomorrow's slot; a success clears the error.
    assert next_due(jobs[0], failed, T) == T + RETRY_FAILED_AFTER
    assert run_due_jobs(jobs[:1], worker="w", clock=at(T + RETRY_FAILED_AFTER - dt.timedelta(seconds=1))) == []


def test_a_success_after_a_failure_clears_the_error(db):
    JobRun.objects.create(name="flaky", last_started=T, last_finished=T, last_ok=False, last_error="Traceback ...")
    run_due_jobs([job("flaky", "record")], worker="w", clock=at(T + RETRY_FAILED_AFTER))
    run = JobRun.objects.get(name="flaky")
    assert (run.last_ok, run.last_error) == (True, "")


def test_a_missing_function_is_a_recorded_failure_unless_its_job_is_pending(db, calls):
    jobs = [
        Job("mistyped", f"{HERE}.no_such_function", Every(dt.timedelta(minutes=1)), why="a test"),
        Job("planned", "unionhall.no_such_app.services.send_due", Every(dt.timedelta(minutes=1)), why="a test", pending="being written"),
        job("after", "record"),
    ]
    ran = run_due_jobs(jobs, worker="w", clock=at(T))
    assert [(o.name, o.ok) for o in ran] == [("mistyped", False), ("after", True)]
    assert "no_such_function" in JobRun.objects.get(name="mistyped").last_error
    assert not JobRun.objects.filter(name="planned").exists()


def test_the_runner_stops_between_jobs_when_asked(db, calls):
    jobs = [job("first", "record"), job("second", "record_too")]
    ran = run_due_jobs(jobs, worker="w", clock=at(T), should_stop=lambda: bool(CALLS))
    assert [o.name for o in ran] == ["first"]
    assert not JobRun.objects.filter(name="second").exists()


# --- the command ---------------------------------------------------------------------------------


def test_once_runs_the_due_jobs_then_the_queued_tasks_including_those_the_jobs_queued(db, calls, monkeypatch, worker_may_keep_the_test_connection):
    monkeypatch.setattr(table, "JOBS", (job("shouter", "queue_a_shout"), job("recorder", "record_too")))
    out = StringIO()
    with override_settings(TASKS=DB_TASKS):
        queued = shout.enqueue("before")
        call_command("worker", "--once", "--worker-id", "test-once", stdout=out)
    assert [c for c in calls if c[0] == "shout"] == [("shout", "before"), ("shout", "from a job")]
    assert ("record_too", None) in calls
    result = DBTaskResult.objects.get(id=queued.id)
    assert (result.status, result.return_value, result.worker_ids) == (TaskResultStatus.SUCCESSFUL, "BEFORE", ["test-once"])
    assert not DBTaskResult.objects.ready().exists()
    assert "2 job(s) run, 2 task(s) run" in out.getvalue()
    assert set(JobRun.objects.values_list("name", flat=True)) == {"shouter", "recorder"}


def test_once_fails_naming_the_job_that_failed_after_running_the_rest(db, calls, monkeypatch):
    monkeypatch.setattr(table, "JOBS", (job("failing", "boom"), job("recorder", "record_too")))
    out = StringIO()
    with pytest.raises(CommandError, match="1 job\\(s\\) failed: failing"):
        call_command("worker", "--once", stdout=out)
    assert calls == [("record_too", None)]
    assert "failing: FAILED: RuntimeError: the mail relay is down" in out.getvalue()


def test_list_shows_each_job_with_its_last_run_and_next_due_time(db, monkeypatch):
    monkeypatch.setattr(table, "JOBS", (job("daily", "record", Daily(dt.time(6, 0))), job("fresh", "record_too"), job("failing", "boom")))
    now = timezone.now()
    started = now - dt.timedelta(minutes=1)
    JobRun.objects.create(name="daily", last_started=started, last_finished=now, last_ok=True, worker="w")
    JobRun.objects.create(name="failing", last_started=now - dt.timedelta(minutes=1), last_finished=now, last_ok=False, last_error="Traceback\nRuntimeError: the mail relay is down\n")
    out = StringIO()
    call_command("worker", "--list", stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()[1:]}
    assert "daily at 06:00" in lines["daily"] and " ok " in lines["daily"]
    due = Daily(dt.time(6, 0)).following(started)
    assert (" now " if due <= now else f"{timezone.localtime(due):%Y-%m-%d} 06:00") in lines["daily"]
    assert "never" in lines["fresh"] and " now " in lines["fresh"]
    assert "FAILED: RuntimeError: the mail relay is down" in lines["failing"]


# --- stopping ------------------------------------------------------------------------------------


def test_sigterm_lets_the_current_task_finish_then_the_worker_stops(db, calls, monkeypatch, worker_may_keep_the_test_connection):
    monkeypatch.setattr(worker_module, "run_due_jobs", lambda *a, **k: [])
    before = signal.getsignal(signal.SIGTERM)
    with override_settings(TASKS=DB_TASKS):
        first = sigterm_myself.enqueue()
        second = shout.enqueue("never")
        worker = Worker(jobs=[], worker_id="sigterm-test", task_interval=0.05)
        started = time.monotonic()
        worker.run()
    assert time.monotonic() - started < 10
    assert DBTaskResult.objects.get(id=first.id).status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.get(id=second.id).status == TaskResultStatus.READY
    assert calls == [("sigterm_myself", "finished")]
    assert signal.getsignal(signal.SIGTERM) == before


def test_sigterm_during_a_job_lets_it_finish_and_starts_no_other(calls, monkeypatch):
    """The jobs thread's runner, stood in for so no database is touched from a
    second thread inside a test transaction: the real runner's stopping between
    jobs is shown above (test_the_runner_stops_between_jobs_when_asked)."""
    seen = {}

    def runner(jobs, *, worker, clock, should_stop):
        os.kill(os.getpid(), signal.SIGTERM)
        deadline = time.monotonic() + 5
        while not should_stop() and time.monotonic() < deadline:
            time.sleep(0.01)
        seen["stop asked during the job"] = should_stop()
        time.sleep(0.2)  # the job carries on to its end
        CALLS.append(("job", "finished"))
        if not should_stop():
            CALLS.append(("another job", "started"))
        return []

    monkeypatch.setattr(worker_module, "run_due_jobs", runner)
    monkeypatch.setattr(worker_module, "seconds_until_due", lambda jobs, now: 60.0)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}):
        Worker(jobs=[], worker_id="sigterm-job").run()  # returns only once the jobs thread has ended
    assert seen == {"stop asked during the job": True}
    assert calls == [("job", "finished")]
