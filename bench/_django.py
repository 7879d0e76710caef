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
