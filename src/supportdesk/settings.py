"""Settings, read from the environment (README: "Configuration")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url

from supportdesk.env import ConfigError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("SUPPORTDESK_VAR", str(Path.cwd() / "var")) or "var").resolve()

try:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
except OSError as exc:
    raise ConfigError(
        f"SUPPORTDESK_VAR={str(VAR_DIR)!r} cannot be created: {exc.strerror}"
    ) from exc

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigError("SECRET_KEY is required when DEBUG is off: set SECRET_KEY or DEBUG=true")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- database -------------------------------------------------------------------------
_database_url = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'supportdesk.sqlite3'}") or ""
if _database_url.split(":", 1)[0] not in {"sqlite", "postgres", "postgresql", "pgsql"}:
    raise ConfigError(
        f"DATABASE_URL={_database_url!r} is not supported: use sqlite:///path or postgres://…"
    )
try:
    _db = dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)
except Exception as exc:  # dj-database-url raises several kinds
    raise ConfigError(f"DATABASE_URL={_database_url!r} cannot be read: {exc}") from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    # WAL lets the web server and the worker read while the other writes.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = _db["ENGINE"].startswith("django.db.backends.postgresql")

# --- redis, cache, queue --------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and urlparse(REDIS_URL).scheme not in {"redis", "rediss", "unix"}:
    raise ConfigError(f"REDIS_URL={REDIS_URL!r} is not a redis:// or rediss:// address")

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "supportdesk",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": env_int("WORKERS", 2, minimum=1), "worker_type": "thread"},
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "supportdesk_cache",
        }
    }
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "supportdesk",
        "filename": str(VAR_DIR / "queue.sqlite3"),
        "immediate": False,
        "consumer": {"workers": env_int("WORKERS", 2, minimum=1), "worker_type": "thread"},
    }

SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- applications ---------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "huey.contrib.djhuey",
    "ninja",
    "supportdesk.core",
    "supportdesk.accounts",
    "supportdesk.tickets",
    "supportdesk.commitments",
    "supportdesk.mail",
    "supportdesk.leads",
    "supportdesk.billing",
    "supportdesk.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "supportdesk.urls"
WSGI_APPLICATION = "supportdesk.wsgi.application"

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
                "django.template.context_processors.i18n",
                "supportdesk.core.context.site",
            ]
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- language and time ----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("sv", "Svenska")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Stockholm") or "Europe/Stockholm"
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ConfigError(f"TIME_ZONE={TIME_ZONE!r} is not a known time zone") from None
USE_I18N = True
USE_TZ = True

# --- static and uploaded files --------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "files")) or "")
# Uploaded files are never served from a public URL: the access-checked view serves them.
MEDIA_URL = "/files-are-not-public/"
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
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 20, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = ATTACHMENT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- mail -----------------------------------------------------------------------------
# Outbound mail (Django's MAILERS): SMTP by default; EMAIL_BACKEND may name another
# backend (for example an anymail provider backend).
_mail_backend = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend") or ""
MAILERS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": _mail_backend,
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "127.0.0.1"),
            "port": env_int("EMAIL_PORT", 25, minimum=1),
            "username": env_str("EMAIL_HOST_USER", "") or "",
            "password": env_str("EMAIL_HOST_PASSWORD", "") or "",
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": env_int("EMAIL_TIMEOUT", 30, minimum=1),
        },
    }
}
if not _mail_backend.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {}
SUPPORT_EMAIL = env_str("SUPPORT_EMAIL", "support@example.com") or ""
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"Support <{SUPPORT_EMAIL}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL or ""
SUPPORT_PHONE = env_str("SUPPORT_PHONE", "+46 8 749 0995") or ""
SITE_NAME = env_str("SITE_NAME", "Supportdesk") or "Supportdesk"
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000") or ""

# --- security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- service commitments (README: "Working calendar and clocks") ----------------------
# Default business hours "HH:MM-HH:MM", Monday–Friday, until an administrator sets hours
# per weekday in the admin.
BUSINESS_HOURS = env_str("BUSINESS_HOURS", "08:00-17:00") or "08:00-17:00"
try:
    _opens, _closes = (dt.time.fromisoformat(part.strip()) for part in BUSINESS_HOURS.split("-", 1))
    if _closes <= _opens:
        raise ValueError
except ValueError:
    raise ConfigError(
        f"BUSINESS_HOURS={BUSINESS_HOURS!r} is not an opening and a later closing time "
        "like 08:00-17:00"
    ) from None
# Which waiting states stop the resolution clock (R5).
RESOLUTION_PAUSES = env_list("RESOLUTION_PAUSES", ["waiting_customer", "waiting_third_party"])
for _status in RESOLUTION_PAUSES:
    if _status not in {"waiting_customer", "waiting_third_party"}:
        raise ConfigError(
            f"RESOLUTION_PAUSES contains {_status!r}: use waiting_customer and/or "
            "waiting_third_party"
        )
ASSIGNMENT_WORKING_DAYS = env_int("ASSIGNMENT_WORKING_DAYS", 2, minimum=1)
RESOLUTION_WORKING_DAYS = env_int("RESOLUTION_WORKING_DAYS", 10, minimum=1)
# Dispatchers are warned this many working minutes before an assignment deadline (R3).
ASSIGNMENT_WARNING_MINUTES = env_int("ASSIGNMENT_WARNING_MINUTES", 120, minimum=0)
# Assign the head of the queue to the best-qualified consultant automatically.
AUTO_ASSIGN = env_bool("AUTO_ASSIGN", False)
