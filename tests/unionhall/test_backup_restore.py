"""Backing up and restoring as docs/operations.md tells an operator to, on
PostgreSQL: a demo union is built in a database of its own, dumped with
``pg_dump -Fc``, restored with ``pg_restore`` into a fresh database, and the
restore is checked with ``manage.py verify_audit``; then the worker runs on
the restored database. Every step is the real command in a subprocess with
the production settings, as an operator would run it."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.core.management import get_commands

from unionhall.jobs import table
from unionhall.jobs.runner import resolve

REPO = Path(__file__).resolve().parents[2]
SRC, DST = "uh_worker_src", "uh_worker_dst"
# The fewest members the demo's officer elections can be built from.
DEMO_MEMBERS = 200
SECRET_KEY = "backup-restore-test-key-" + "k" * 40
AUDIT_KEY = "backup-restore-test-audit-key-kept-apart-from-the-dump"

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="backup and restore are of PostgreSQL (pg_dump, pg_restore): run with DATABASE_URL=postgres://...",
    ),
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("pg_dump", "pg_restore")),
        reason="pg_dump and pg_restore (PostgreSQL's client tools) are not installed",
    ),
]


def _server() -> dict:
    db = settings.DATABASES["default"]
    return {"host": db["HOST"] or "127.0.0.1", "port": str(db["PORT"] or 5432), "user": db["USER"] or "postgres", "password": db["PASSWORD"] or ""}


def _url(name: str) -> str:
    s = _server()
    password = f":{quote(s['password'], safe='')}" if s["password"] else ""
    return f"postgres://{quote(s['user'], safe='')}{password}@{s['host']}:{s['port']}/{name}"


def _sql(statements: list[str], database: str = "postgres") -> list:
    """Run ``statements`` in autocommit on ``database``; the rows of the last."""
    import psycopg

    s = _server()
    with psycopg.connect(host=s["host"], port=s["port"], user=s["user"], password=s["password"] or None, dbname=database, autocommit=True) as conn:
        rows = []
        for statement in statements:
            cursor = conn.execute(statement)
            rows = cursor.fetchall() if cursor.description else []
        return rows


def _fresh(name: str, template: str | None = None) -> str:
    _sql([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")])
    return name


def _drop(name: str) -> None:
    _sql([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])


def _env(database: str, var: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "SECRET_KEY", "AUDIT_KEY", "DEBUG"))}
    env.update(
        DJANGO_SETTINGS_MODULE="unionhall.settings",
        DATABASE_URL=_url(database),
        SECRET_KEY=SECRET_KEY,
        AUDIT_KEY=AUDIT_KEY,
        DEBUG="false",
        UNIONHALL_VAR_DIR=str(var),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SMS_BACKEND="unionhall.sms.LocmemBackend",
        BASE_URL="https://hall.example.org",
        PGPASSWORD=_server()["password"],
    )
    env.update(extra)
    return env


def _manage(*args: str, database: str, var: Path, timeout: float = 120, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], check=False, cwd=REPO, env=_env(database, var, **extra),
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, f"{' '.join(result.args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _pg_tool(*args: str) -> None:
    s = _server()
    command = [args[0], "-h", s["host"], "-p", s["port"], "-U", s["user"], *args[1:]]
    result = subprocess.run(command, check=False, env={**os.environ, "PGPASSWORD": s["password"]}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}:\n{result.stderr}"


def _entries(database: str) -> int:
    return _sql(["SELECT count(*) FROM audit_auditentry"], database)[0][0]


@dataclass(frozen=True)
class Backup:
    dump: Path
    entries: int  # audit entries in the database when it was dumped
    var: Path
    witness_before: Path | None  # statements made before the dump (None where the audit witness is not built yet)
    witness_after: Path | None  # a statement made after it


@pytest.fixture(scope="module")
def backup(tmp_path_factory):
    """The nightly backup of a demo union, and the witness statements kept off-site around it."""
    work = tmp_path_factory.mktemp("backup")
    var = work / "var"
    _fresh(SRC)
    try:
        _ok(_manage("migrate", "--noinput", "-v", "0", database=SRC, var=var))
        _ok(_manage("demo", "--members", str(DEMO_MEMBERS), database=SRC, var=var, DEBUG="true", timeout=300))
        witnessing = "audit_witness" in get_commands()
        before, after = (work / "witness-before", work / "witness-after") if witnessing else (None, None)
        if witnessing:
            before.mkdir()
            _ok(_manage("audit_witness", "--to", str(before), "--no-email", database=SRC, var=var))
        entries = _entries(SRC)
        dump = work / "unionhall.dump"
        _pg_tool("pg_dump", "--format=custom", "--file", str(dump), SRC)
        if witnessing:
            # The day goes on after the backup and the log grows: here by the
            # entries each witness adds after writing its statement, so the
            # second statement sees a log longer than the dump's.
            after.mkdir()
            for _ in range(2):
                _ok(_manage("audit_witness", "--to", str(after), "--no-email", database=SRC, var=var))
            assert _entries(SRC) > entries
        yield Backup(dump=dump, entries=entries, var=var, witness_before=before, witness_after=after)
    finally:
        _drop(SRC)


@pytest.fixture(scope="module")
def restored(backup):
    """The backup restored into a fresh, empty database."""
    _fresh(DST)
    try:
        _pg_tool("pg_restore", "--no-owner", "--exit-on-error", "--dbname", DST, str(backup.dump))
        yield DST
    finally:
        _drop(DST)


@pytest.fixture
def restored_copy(restored):
    """A throwaway copy of the restored database, for a test that changes it."""
    name = _fresh("uh_worker_dst_copy", template=restored)
    yield name
    _drop(name)


def test_a_restored_dump_verifies_with_every_audit_entry(backup, restored):
    assert backup.entries > 0 and _entries(restored) == backup.entries
    witness = ["--witness", str(backup.witness_before)] if backup.witness_before else []
    out = _ok(_manage("verify_audit", *witness, database=restored, var=backup.var))
    found = re.search(r"intact: (\d+) entries", out)
    assert found and int(found.group(1)) == backup.entries, out


def test_a_restore_missing_its_last_audit_entries_fails_verification(backup, restored_copy):
    _sql(
        [
            "ALTER TABLE audit_auditentry DISABLE TRIGGER USER",  # the append-only guard
            # the three newest: seq may have gaps on PostgreSQL (a rolled-back write)
            "DELETE FROM audit_auditentry WHERE id IN (SELECT id FROM audit_auditentry ORDER BY seq DESC LIMIT 3)",
            "ALTER TABLE audit_auditentry ENABLE TRIGGER USER",
        ],
        restored_copy,
    )
    assert _entries(restored_copy) == backup.entries - 3
    result = _manage("verify_audit", database=restored_copy, var=backup.var)
    assert result.returncode != 0, f"verify_audit passed a log missing its last 3 entries:\n{result.stdout}"
    assert "audit chain broken" in result.stderr


def test_a_restore_checked_without_its_audit_key_fails_verification(backup, restored):
    """AUDIT_KEY is not in the dump: it must be kept (off-site) beside it."""
    result = _manage("verify_audit", database=restored, var=backup.var, AUDIT_KEY="some-other-key-" + "z" * 40)
    assert result.returncode != 0 and "altered" in result.stderr, result.stdout + result.stderr


def test_a_witness_statement_newer_than_the_backup_shows_the_entries_the_restore_lost(backup, restored):
    if backup.witness_after is None:
        pytest.skip("the audit witness (manage.py audit_witness) is not in this tree yet")
    result = _manage("verify_audit", "--witness", str(backup.witness_after), database=restored, var=backup.var)
    assert result.returncode != 0, f"a restore shorter than the off-site witness passed:\n{result.stdout}"
    assert "shorter than" in result.stderr or "witness" in result.stderr, result.stderr


def _jobs_run(output: str) -> list[str]:
    return re.findall(r"^([a-z0-9-]+): (?:ok|FAILED)", output, flags=re.MULTILINE)


def test_two_workers_started_together_on_the_restored_database_run_each_due_job_once(backup, restored_copy):
    runnable = set()
    for row in table.JOBS:
        try:
            resolve(row.path)
            runnable.add(row.name)
        except (ImportError, TypeError):
            assert row.pending, f"{row.path} does not resolve"
    env = _env(restored_copy, backup.var)
    workers = [
        subprocess.Popen([sys.executable, "manage.py", "worker", "--once", "--worker-id", name], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("first", "second")
    ]  # fmt: skip
    outputs = [worker.communicate(timeout=180) for worker in workers]
    ran = [_jobs_run(out) for out, _ in outputs]
    assert not set(ran[0]) & set(ran[1]), f"run by both workers: {set(ran[0]) & set(ran[1])}\n{outputs}"
    assert set(ran[0]) | set(ran[1]) == runnable, outputs
    claimed = dict(_sql(["SELECT name, worker FROM jobs_jobrun"], restored_copy))
    assert {name: claimed[name] for name in runnable} == {name: ("first" if name in ran[0] else "second") for name in runnable}


def test_the_worker_serves_the_restored_database_until_sigterm_then_stops_cleanly(backup, restored_copy):
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--worker-id", "served"], cwd=REPO, env=_env(restored_copy, backup.var),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _sql(["SELECT 1 FROM jobs_jobrun WHERE name = 'ballot-reminders' AND last_finished IS NOT NULL"], restored_copy):
            assert worker.poll() is None, worker.communicate()
            time.sleep(0.2)
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, err
    assert "stopping once the current task and job are done" in err and "worker served stopped" in err, err
    assert _sql(["SELECT worker, last_ok FROM jobs_jobrun WHERE name = 'ballot-reminders'"], restored_copy) == [("served", True)]
