"""One settings module, read from the environment (twelve-factor).

Secure by default: debug is off unless PARINDEX_DEBUG=1 asks for it (`make run` does, and says
so; the tests read parindex.settings_dev), and with debug off the process refuses to start
without PARINDEX_SECRET_KEY. Production sets PARINDEX_SECRET_KEY, PARINDEX_ALLOWED_HOSTS and
DATABASE_URL; SQLite under var/ is the default database.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


DEBUG = env_bool("PARINDEX_DEBUG", False)
SECRET_KEY = os.environ.get("PARINDEX_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError(
            "PARINDEX_SECRET_KEY must be set when PARINDEX_DEBUG=0 (the default); "
            "for development on this machine only, set PARINDEX_DEBUG=1"
        )
    SECRET_KEY = "django-insecure-development-only-key-not-for-production-use"
# The audit chain's HMAC key, held outside the database (docs/deployment.md, "The audit key and
# verification"). Unset, parindex.audit.keys derives it from SECRET_KEY as HMAC-SHA256(SECRET_KEY,
# "parindex-audit"): fixed and public in development, and changed with SECRET_KEY in production.
AUDIT_KEY = os.environ.get("PARINDEX_AUDIT_KEY", "")
if AUDIT_KEY and len(AUDIT_KEY) < 32 and not DEBUG:
    raise RuntimeError("PARINDEX_AUDIT_KEY must be at least 32 random characters")
ALLOWED_HOSTS = env_list("PARINDEX_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("PARINDEX_CSRF_TRUSTED_ORIGINS", "")
VAR_DIR = Path(os.environ.get("PARINDEX_VAR_DIR", BASE_DIR / "var"))
FRAMEWORKS_DIR = Path(os.environ.get("PARINDEX_FRAMEWORKS_DIR", BASE_DIR / "frameworks"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # the API's interactive documentation, served from its own static files
    "parindex.accounts",
    "parindex.units",
    "parindex.frameworks",
    "parindex.cycles",
    "parindex.office",
    "parindex.results",
    "parindex.audit",
    "parindex.notifications",
    "parindex.evidence",
    "parindex.assessments",
    "parindex.appraisals",
    "parindex.surveys",
    "parindex.plans",
    "parindex.national",
    "parindex.opendata",  # published results for anyone: files and methodology
    "parindex.uncertainty",  # rank uncertainty: a seeded Monte Carlo of a cycle's ranking
    "parindex.documents",  # the scoring table and the ranking annex as Word, Excel and PDF files
    "parindex.auditlog",  # the audit pages: label every app's events
    "parindex.web",
    "parindex.api",  # the HTTP API under /api/v1/ (personal tokens live in accounts)
    "parindex.demo",  # the demo province and `manage.py demo`: imports every app, none imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "parindex.web.csp.ContentSecurityPolicyMiddleware",  # before WhiteNoise: static files too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parindex.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "parindex.web.middleware.SignInRedirectMiddleware",
    "parindex.web.path_ids.PathIdMiddleware",  # an id past a database integer: 404, not 500
]

ROOT_URLCONF = "parindex.urls"
WSGI_APPLICATION = "parindex.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "parindex.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'parindex.sqlite3'}",
        conn_max_age=env_int("PARINDEX_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when their transaction starts and wait for each other, instead of
    # failing with "database is locked" when two requests write at once; WAL lets readers read
    # while a writer (a job's batch, a save) holds the lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Long work (survey imports, aggregation and recompute) runs in task workers (`manage.py
# db_worker`, docs/deployment.md), queued in the database in the same transaction as the job.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A running job whose worker gave no sign of life for this long (seconds) is marked failed.
PARINDEX_JOB_HEARTBEAT_TIMEOUT = env_int("PARINDEX_JOB_HEARTBEAT_TIMEOUT", 120)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login throttling: repeated failures lock a username (from any address) and, separately, an
# address (for any username), so neither a spray over many usernames nor one username tried
# from many addresses gets past the limit.
AXES_FAILURE_LIMIT = env_int("PARINDEX_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# A sign-in forgets the failures made on its own username only, never its address's count.
AXES_HANDLER = "parindex.accounts.login_attempts.UsernameResetHandler"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# PARINDEX_PROXY_COUNT: the number of reverse proxies in front of the app that each APPEND to
# X-Forwarded-For (docs/deployment.md). The client's address is the PROXY_COUNT-th entry from
# the right of that header (entries to its left are the client's own text); with 0 it is
# REMOTE_ADDR and the header is ignored.
PROXY_COUNT = env_int("PARINDEX_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "parindex.shared.clientip.client_address"
# Password-reset requests: at most this many per address and per e-mail in the window.
PASSWORD_RESET_LIMIT = env_int("PARINDEX_PASSWORD_RESET_LIMIT", 5)
PASSWORD_RESET_WINDOW_SECONDS = 15 * 60
# Activation links of new accounts (one-time; a new link or a password set voids them).
ACCOUNT_ACTIVATION_DAYS = env_int("PARINDEX_ACCOUNT_ACTIVATION_DAYS", 7)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("PARINDEX_STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("PARINDEX_MEDIA_ROOT", VAR_DIR / "media"))
# Evidence uploads: the store refuses larger files; Django streams uploads above
# FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file instead of holding them in memory.
PARINDEX_EVIDENCE_MAX_BYTES = env_int("PARINDEX_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # non-file form fields only
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# Each process's own memory by default; PARINDEX_CACHE_DIR names a folder for a file cache that
# the workers of one machine share (rendered charts, request counters): docs/deployment.md.
CACHES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
if os.environ.get("PARINDEX_CACHE_DIR"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ["PARINDEX_CACHE_DIR"],
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# API requests per token, and per client address without one ("<requests>/<seconds>").
PARINDEX_API_RATE = os.environ.get("PARINDEX_API_RATE", "120/60")
PARINDEX_API_ANON_RATE = os.environ.get("PARINDEX_API_ANON_RATE", "60/60")

# E-mail for notifications: printed to the console unless a real backend is configured.
EMAIL_BACKEND = os.environ.get(
    "PARINDEX_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("PARINDEX_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("PARINDEX_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("PARINDEX_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PARINDEX_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("PARINDEX_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("PARINDEX_EMAIL_FROM", "PAR Index <noreply@localhost>")
# Links in e-mails are absolute: the public address of the site.
SITE_URL = os.environ.get("PARINDEX_SITE_URL", "http://127.0.0.1:8000")

# Production hardening; `manage.py check --deploy --fail-level WARNING` runs in CI.
SECURE_SSL_REDIRECT = env_bool("PARINDEX_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("PARINDEX_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("PARINDEX_HSTS_PRELOAD", not DEBUG)
# X-Forwarded-Proto is believed only when a proxy sets it: without one, any client could claim
# HTTPS. PARINDEX_TRUST_X_FORWARDED_PROTO=1 trusts it without counting proxies for X-Forwarded-For.
if PROXY_COUNT > 0 or env_bool("PARINDEX_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PARINDEX_LOG_LEVEL", "WARNING")},
}
VAR_DIR.mkdir(parents=True, exist_ok=True)
