"""Production settings fail loudly when a secret is missing and pass Django's
deployment checks when configured as the README says."""

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
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


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
