"""Setting Django up for a benchmark on a database of its own: a fresh SQLite
file, or a fresh PostgreSQL database when BENCH_POSTGRES names a server."""

import os
import sys
import tempfile
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def setup(engine: str = "sqlite") -> str:
    """Point Django at an empty database of the given engine, migrate it, and
    return a label for the report."""
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ["UNIONHALL_VAR_DIR"] = tempfile.mkdtemp(prefix="unionhall-bench-")
    os.environ["STATIC_ROOT"] = os.path.join(os.environ["UNIONHALL_VAR_DIR"], "static")
    if engine == "postgres":
        server = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
        name = f"unionhall_bench_{uuid.uuid4().hex[:8]}"
        import psycopg

        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{server}/{name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{os.environ['UNIONHALL_VAR_DIR']}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "unionhall.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)  # production static storage, as deployed
    return engine


def teardown(engine: str) -> None:
    if engine != "postgres":
        return
    from django.db import connection

    name = connection.settings_dict["NAME"]
    connection.close()
    import psycopg

    server = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_available() -> bool:
    try:
        import psycopg

        server = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
        with psycopg.connect(f"{server}/postgres", connect_timeout=2):
            return True
    except Exception:
        return False


# --- The real app under gunicorn, with signed-in sessions ----------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_cookies(users) -> tuple[str, list[str]]:
    """A CSRF secret and, for each user, a Cookie header signing them in."""
    import secrets
    import string

    from importlib import import_module

    from django.conf import settings

    # The configured engine, as a sign-in uses it: with Redis, cached_db writes
    # the session through to the cache, where the member's next request finds it.
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))  # Django's CSRF secret alphabet
    cookies = []
    for user in users:
        s = SessionStore()
        s["_auth_user_id"] = str(user.pk)
        s["_auth_user_backend"] = "unionhall.members.backends.ModelBackend"
        s["_auth_user_hash"] = user.get_session_auth_hash()
        s.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={s.session_key}; csrftoken={csrf}")
    return csrf, cookies


class Gunicorn:
    """``with Gunicorn(workers) as port:`` serves the app on loopback against the
    benchmark's database, and stops it afterwards."""

    last_pid = 0  # the master's pid, for benches that read its CPU from /proc

    def __init__(self, workers: int, **env):
        self.workers, self.env = workers, env

    def __enter__(self) -> int:
        import subprocess
        import time

        from django.db import connection

        connection.close()
        self.port = free_port()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "unionhall.settings", "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false",
               "SESSION_COOKIE_SECURE": "false", "LOG_LEVEL": "ERROR", "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", **self.env}  # fmt: skip
        log = open(os.path.join(os.environ["UNIONHALL_VAR_DIR"], "gunicorn.log"), "w")
        self.server = subprocess.Popen(
            [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "unionhall.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--log-level", "warning"],
            env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        import socket

        Gunicorn.last_pid = self.server.pid
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    self._wait_until_booted()
                    return self.port
            except OSError:
                time.sleep(0.1)
        self.server.kill()
        raise RuntimeError("gunicorn did not start")

    def _wait_until_booted(self) -> None:
        """The master listens before its workers have loaded the app; wait until
        every worker is up and the processes have stopped using CPU, so that a
        bench's measured window holds requests, not boots."""
        import time

        def workers_and_ticks():
            children, ticks = 0, 0
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(entry) == self.server.pid or int(fields[1]) == self.server.pid:
                    children += int(entry) != self.server.pid
                    ticks += int(fields[11]) + int(fields[12])
            return children, ticks

        last, still = None, 0
        for _ in range(200):
            now = workers_and_ticks()
            still = still + 1 if now[0] >= self.workers and now == last else 0
            if still >= 2:
                return
            last = now
            time.sleep(0.25)

    def __exit__(self, *exc) -> None:
        import subprocess

        self.server.terminate()
        try:
            self.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.server.kill()


def run_on_postgres(bench: str, run, args) -> None:
    """``run(args)`` on a fresh PostgreSQL database, dropped afterwards; a JSON
    line saying it was skipped where no server listens."""
    import json

    if not postgres_available():
        print(json.dumps({"bench": bench, "skipped": "no PostgreSQL on 127.0.0.1:5432"}))
        return
    engine = setup("postgres")
    try:
        run(args)
    finally:
        teardown(engine)
