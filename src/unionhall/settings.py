"""unionhall settings. Everything that differs between machines comes from the
environment (see README, "Configuration"); nothing secret has a default outside
DEBUG."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from unionhall.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("UNIONHALL_VAR_DIR") or REPO_DIR / "var")

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false (or SECRET_KEY_FILE)")
    SECRET_KEY = "insecure-development-key-only-for-DEBUG-true-never-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "anymail",
    "unionhall",
    "unionhall.audit",
    "unionhall.members",
    "unionhall.outbox",
    "unionhall.ballots",
    "unionhall.conference",
    "unionhall.bulletins",
    "unionhall.elections",
    "unionhall.mandates",
    "unionhall.jobs",
    "unionhall.campaigns",
    "unionhall.surveys",
    "unionhall.bargaining",
    "unionhall.casework",
    "unionhall.datarights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "unionhall.datarights.middleware.PrivacyNoticeMiddleware",
    "unionhall.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "unionhall.urls"
WSGI_APPLICATION = "unionhall.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "unionhall.members.context_processors.remit",
            ],
        },
    },
]

# --- Database: SQLite by default, PostgreSQL when DATABASE_URL names one. ---
_default_db = f"sqlite:///{VAR_DIR / 'unionhall.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL") or _default_db, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the single writer; IMMEDIATE avoids the
    # "database is locked" upgrade deadlock when two requests write at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DATABASE_PREPARED_STATEMENTS", default=True):
    # Parameters sent apart from the SQL, and a statement run five times on a
    # connection prepared there: PostgreSQL then plans it once, not per run.
    # Casting a vote took 40% less of the database's CPU (bench_casting.py).
    # Set false behind a pooler that cannot keep prepared statements
    # (PgBouncer in transaction mode before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
    # Django's backend, but a statement with more parameters than the protocol
    # carries (an __in of a 100,000-member import) binds them on the client.
    DATABASES["default"]["ENGINE"] = "unionhall.pgbackend"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, reading the signed-in user in one plain statement.
    "unionhall.members.backends.ModelBackend",
    "unionhall.members.backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sign-in (django-allauth): an emailed one-time code or link; password optional. ---
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]  # sign-up is closed; this keeps passwords on
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"  # addresses come from the union's register
ACCOUNT_ADAPTER = "unionhall.members.adapters.AccountAdapter"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 15 * 60
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # do not reveal who is a member
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER") or "unionhall"

# --- Email: every message goes through the outbox (unionhall.outbox), which
# sends it with EMAIL_BACKEND: the SMTP relay by default, or a provider through
# django-anymail, e.g. EMAIL_BACKEND=anymail.backends.postmark.EmailBackend with
# ANYMAIL_POSTMARK_SERVER_TOKEN. Each ANYMAIL_<NAME> variable (or a file named by
# ANYMAIL_<NAME>_FILE) becomes ANYMAIL["<NAME>"]. ANYMAIL_WEBHOOK_SECRET (user:password,
# several between commas while rotating) guards the providers' tracking webhooks
# under /outbox/anymail/; without it they are refused.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "unionhall <noreply@unionhall.invalid>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = env_str("EMAIL_BACKEND") or (
    "django.core.mail.backends.filebased.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend"
)
ANYMAIL = {
    name: env_str(f"ANYMAIL_{name}")
    for name in sorted({key.removeprefix("ANYMAIL_").removesuffix("_FILE") for key in os.environ if key.startswith("ANYMAIL_")})
}
if ANYMAIL.get("WEBHOOK_SECRET"):
    ANYMAIL["WEBHOOK_SECRET"] = [secret.strip() for secret in ANYMAIL["WEBHOOK_SECRET"].split(",") if secret.strip()]
EMAIL_FILE_PATH = VAR_DIR / "mail"
# Text messages (ballot reminders): a provider's backend class, or files in var/sms/.
SMS_BACKEND = env_str("SMS_BACKEND") or "unionhall.sms.FileBackend"
SMS_FILE_PATH = VAR_DIR / "sms"
EMAIL_HOST = env_str("EMAIL_HOST") or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)

# --- Background work: Django's task API (django-tasks). The database backend
# needs no broker; `manage.py worker` runs the queue (and every periodic job)
# beside the web processes. DEBUG (the demo) runs tasks at once, in the request.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND")
        or ("django_tasks.backends.immediate.ImmediateBackend" if DEBUG else "django_tasks_db.DatabaseBackend")
    }
}

# --- Security ---
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# The preload directive alone submits nothing; a domain joins browsers' lists only when its owner applies.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
# Behind a proxy, rate limits must count the client's address, not the proxy's.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if env_bool("BEHIND_PROXY") else 0)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Static files (whitenoise serves them; no separate web server needed) ---
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or REPO_DIR / "staticfiles")
# Uploaded files (bulletins' attachments) are served only through views that
# check who may read them: MEDIA_URL is never routed.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Rate limits and allauth's block on reusing a one-time code live in the cache,
# so every web process must share it: Redis where REDIS_URL is set, otherwise a
# table in the database (made by the unionhall app's migration). Only DEBUG keeps
# it in each process's memory, and `check --deploy` refuses that (unionhall.checks).
if env_str("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "unionhall.cache.RedisCache", "LOCATION": env_str("REDIS_URL")}}
    # Sessions are read from Redis and written through to the database, which
    # stays the source of truth: a signed-in request then costs no session
    # query (the busiest path, casting a vote, measured it at one in thirteen).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "unionhall_cache"}}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- unionhall's own ---
UNIONHALL_NAME = env_str("UNIONHALL_NAME") or "unionhall"
# The register import refuses larger files outright: a register export of
# 100,000 members is about 15 MB, so this leaves room for a large union while
# stopping a mistaken upload (a database dump, a video) before parsing.
UNIONHALL_IMPORT_MAX_BYTES = env_int("UNIONHALL_IMPORT_MAX_BYTES", 40 * 1024 * 1024)
UNIONHALL_IMPORT_DIR = VAR_DIR / "imports"
# The audit chain's digests are keyed, so someone who can write to the
# database but cannot read this key cannot rebuild the chain after tampering.
# Keep it outside the database and never change it (old entries would no
# longer verify). Without AUDIT_KEY it is derived from SECRET_KEY.
UNIONHALL_AUDIT_KEY = (env_str("AUDIT_KEY") or "derived:" + SECRET_KEY).encode()
# Audited writes spread over this many hash chains, so they do not queue on one
# head (docs/audit-log.md); 1 gives the single chain of old.
UNIONHALL_AUDIT_CHAINS = env_int("AUDIT_CHAINS", 16)
# Where the daily witness of the chains' heads is written (keep it off-site) and
# whom it is mailed to: verify_audit --witness catches a log cut short against it.
UNIONHALL_AUDIT_WITNESS_DIR = env_str("AUDIT_WITNESS_DIR") or None
UNIONHALL_AUDIT_WITNESS_EMAILS = env_list("AUDIT_WITNESS_EMAILS", [])
# The site's address, for links in emails (never taken from a request's Host header).
UNIONHALL_BASE_URL = (env_str("BASE_URL") or ("http://127.0.0.1:8000" if DEBUG else "")).rstrip("/")
# Officers are warned this many days before a term of office ends.
UNIONHALL_TERM_WARNING_DAYS = env_int("UNIONHALL_TERM_WARNING_DAYS", 90)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "WARNING"},
}

# --- casework (issue 14): the key that seals case files ---
# Case notes, descriptions, health details and documents are sealed with
# AES-256-GCM (unionhall/casework/sealing.py) under keys kept outside the
# database, so a dump of the database alone does not expose them. CASEWORK_KEYS
# (or CASEWORK_KEYS_FILE) is a comma-separated list of URL-safe base64 256-bit
# keys, newest first: the first seals, every one listed opens (to rotate, put a
# new key first and keep the old until `manage.py casework_reseal` has run).
# Make one: python -c "from unionhall.casework.sealing import make_key; print(make_key())"
# With DEBUG on and none given, a development key is derived from SECRET_KEY;
# with DEBUG off and none given, `check --deploy` fails and sealing refuses.
CASEWORK_KEYS = env_list("CASEWORK_KEYS", []) if not os.environ.get("CASEWORK_KEYS_FILE") else [
    k.strip() for k in (env_str("CASEWORK_KEYS") or "").split(",") if k.strip()
]
if not CASEWORK_KEYS and DEBUG:
    import base64 as _b64
    import hashlib as _hashlib

    CASEWORK_KEYS = [_b64.urlsafe_b64encode(_hashlib.sha256(b"casework-dev-key:" + SECRET_KEY.encode()).digest()).decode()]

# --- campaigns (issue 11) ---
# Letters go to their real recipients (MPs, named people) only where this is
# set: a demo or a test site writes to @letters.invalid instead.
CAMPAIGNS_DELIVER_LETTERS = env_bool("CAMPAIGNS_DELIVER_LETTERS", False)
# A sent letter's text and the writer's address are erased after this many
# days (WriteToThem's 28), keeping only where it went, for the counts.
CAMPAIGNS_KEEP_LETTERS_DAYS = env_int("CAMPAIGNS_KEEP_LETTERS_DAYS", 28)
# Limits on letters: per member per day, and to one recipient per hour.
CAMPAIGNS_MEMBER_LETTERS_PER_DAY = env_int("CAMPAIGNS_MEMBER_LETTERS_PER_DAY", 5)
CAMPAIGNS_TARGET_LETTERS_PER_HOUR = env_int("CAMPAIGNS_TARGET_LETTERS_PER_HOUR", 60)
