"""Settings for the test suite: the production settings with a throwaway key,
fast password hashing and mail kept in memory."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-key-" + "x" * 40)
os.environ.setdefault("UNIONHALL_VAR_DIR", tempfile.mkdtemp(prefix="unionhall-test-"))

from unionhall.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "unionhall.sms.LocmemBackend"
SECURE_SSL_REDIRECT = False
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
ACCOUNT_RATE_LIMITS = False
# Each test starts from an empty cache; the deployment check is tested on its own.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STATIC_ROOT = VAR_DIR / "static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Case files are sealed with this fixed key in tests (never use it anywhere else).
CASEWORK_KEYS = ["dGVzdC1vbmx5LWNhc2V3b3JrLWtleS0zMi1ieXRlcyE"]
