"""Production settings fail loudly when a secret is missing and pass Django's
deployment checks when configured as the README says."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        env={**clean, "DJANGO_SETTINGS_MODULE": "unionhall.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_check_reports_nothing_when_configured():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="union.example.org",
        CASEWORK_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_deployment_check_fails_without_the_case_file_keys():
    result = manage("check", "--deploy", DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="union.example.org")
    assert result.returncode != 0 and "CASEWORK_KEYS is not set" in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(secrets.token_urlsafe(50))
    result = manage("check", DEBUG="false", SECRET_KEY_FILE=str(key_file), ALLOWED_HOSTS="union.example.org")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_doubtful_boolean_is_an_error(value):
    result = manage("check", DEBUG=value)
    assert result.returncode != 0 and f"DEBUG='{value}' is not a boolean" in result.stderr


def test_the_deployment_check_fails_when_rate_limits_would_live_in_each_process():
    from django.core.checks import run_checks
    from django.test import override_settings

    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        errors = [e.id for e in run_checks(include_deployment_checks=True)]
    assert "unionhall.E001" in errors
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "unionhall_cache"}}):
        errors = [e.id for e in run_checks(include_deployment_checks=True)]
    assert "unionhall.E001" not in errors


def test_production_shares_its_cache_in_the_database_or_redis():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    base = {"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "union.example.org"}
    assert manage("shell", "-c", code, **base).stdout.strip().splitlines()[-1] == "django.core.cache.backends.db.DatabaseCache"
    with_redis = manage("shell", "-c", code, REDIS_URL="redis://127.0.0.1:6379/0", **base)
    assert with_redis.stdout.strip().splitlines()[-1] == "unionhall.cache.RedisCache"


def test_postgresql_prepares_its_statements_unless_told_not_to():
    code = ("from django.conf import settings; d = settings.DATABASES['default']; o = d.get('OPTIONS', {}); "
            "print(d['ENGINE'], o.get('server_side_binding'), o.get('prepare_threshold'))")  # fmt: skip
    base = {"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "union.example.org",
            "DATABASE_URL": "postgres://unionhall@127.0.0.1:5432/unionhall"}  # fmt: skip
    # Prepared, through the backend that binds an over-long statement on the client (unionhall.pgbackend).
    assert manage("shell", "-c", code, **base).stdout.strip().splitlines()[-1] == "unionhall.pgbackend True 5"
    off = manage("shell", "-c", code, DATABASE_PREPARED_STATEMENTS="false", **base).stdout.strip().splitlines()[-1]
    assert off == "django.db.backends.postgresql None None"
    sqlite = manage("shell", "-c", code, **{**base, "DATABASE_URL": "sqlite:////tmp/x.sqlite3"}).stdout.strip().splitlines()[-1]
    assert sqlite == "django.db.backends.sqlite3 None None"


def test_the_redis_cache_keeps_one_client_and_shares_what_it_stores():
    """Django's Redis cache built a client per call; ours keeps one per pool,
    and two caches (two web processes) still see one another's values."""
    redis = pytest.importorskip("redis")
    from unionhall.cache import RedisCache

    first, second = (RedisCache("redis://127.0.0.1:6379/7", {}) for _ in range(2))
    try:
        first.clear()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    assert first.add("sweep", 1, timeout=5) and not second.add("sweep", 2, timeout=5)
    assert second.get("sweep") == 1 and second.incr("sweep") == 2 and first.get("sweep") == 2
    assert first._cache.get_client(write=True) is first._cache.get_client() is first._cache.get_client(write=True)
    first.clear()


def test_sessions_are_read_from_redis_where_there_is_one_and_kept_in_the_database():
    code = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    base = {"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "union.example.org"}
    assert manage("shell", "-c", code, **base).stdout.strip().splitlines()[-1] == "django.contrib.sessions.backends.db"
    with_redis = manage("shell", "-c", code, REDIS_URL="redis://127.0.0.1:6379/0", **base)
    assert with_redis.stdout.strip().splitlines()[-1] == "django.contrib.sessions.backends.cached_db"


@pytest.mark.django_db
def test_rate_limits_count_in_the_database_cache_across_processes():
    """Two cache objects (as two web processes would have) see one count."""
    from django.core.cache.backends.db import DatabaseCache

    from unionhall import ratelimit

    first, second = (DatabaseCache("unionhall_cache", {}) for _ in range(2))
    for cache in (first, second):
        ratelimit.cache = cache
        try:
            results = [ratelimit.allow("test", "someone", limit=3, per=60) for _ in range(2)]
        finally:
            from django.core.cache import cache as default

            ratelimit.cache = default
    # the second "process" carries on the first one's count: its first request is
    # the third (allowed), its second the fourth (refused); apart, both would pass
    assert results == [True, False]
