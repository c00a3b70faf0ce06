"""Settings, read from the environment (README: "Configuration")."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.utils.csp import CSP
from whitenoise.compress import Compressor

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
# ``make run`` makes var/secret.key once; a command run later from the same checkout uses it.
_made_key = VAR_DIR / "secret.key"
if not SECRET_KEY and _made_key.is_file():
    try:
        SECRET_KEY = _made_key.read_text().strip()
    except OSError as exc:
        raise ConfigError(f"{_made_key} cannot be read: {exc.strerror}") from exc
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigError(
            "SECRET_KEY is required when DEBUG is off: set SECRET_KEY, or run make run once "
            "to make var/secret.key, or set DEBUG=true"
        )
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
_prepared_statements = env_bool("DATABASE_PREPARED_STATEMENTS", True)
if _db["ENGINE"].startswith("django.db.backends.postgresql") and _prepared_statements:
    # The statements of core.prepared are prepared on the server, once per connection
    # (psycopg prepares a statement a cursor asks for only while a threshold is set).
    # Django's own cursors bind their values on the client, which psycopg never prepares;
    # the threshold is the count of runs after which it would prepare one unasked: never.
    # Off behind a pooler that cannot keep prepared statements (PgBouncer in transaction
    # mode before 1.21, or without max_prepared_statements).
    _db.setdefault("OPTIONS", {})["prepare_threshold"] = 1_000_000
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = _db["ENGINE"].startswith("django.db.backends.postgresql")

# --- redis, cache, queue --------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and urlparse(REDIS_URL).scheme not in {"redis", "rediss", "unix"}:
    raise ConfigError(f"REDIS_URL={REDIS_URL!r} is not a redis:// or rediss:// address")

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "supportdesk.core.rediscache.RedisCache", "LOCATION": REDIS_URL}
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

# With Redis, sessions are read from the cache and written through to the database, and
# the logged-in user and their device are cached (accounts.cache): a logged-in request
# then costs no query before its view. The database cache would only move the query.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
USER_CACHE_SECONDS = env_int("USER_CACHE_SECONDS", 60, minimum=0) if REDIS_URL else 0
AUTHENTICATION_BACKENDS = ["supportdesk.accounts.cache.CachedModelBackend"]

# Threads per web process (``supportdesk serve``) that run requests' middleware and views;
# each keeps one database connection (README: "Running it on PostgreSQL and Redis").
WEB_THREADS = env_int("WEB_THREADS", 4, minimum=1)

# --- applications ---------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "huey.contrib.djhuey",
    "ninja",
    "anymail",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "supportdesk.core",
    "supportdesk.accounts",
    "supportdesk.tickets",
    "supportdesk.commitments",
    "supportdesk.mail",
    "supportdesk.leads",
    "supportdesk.billing",
    "supportdesk.api",
    "supportdesk.odoo",
    "supportdesk.portal",
    "supportdesk.console",
    "supportdesk.phone",
    "supportdesk.search",
    "supportdesk.reports",
    "supportdesk.help",
    "supportdesk.webhooks",
    "supportdesk.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # NUL and other control characters in the path, query or form fields: 400 here.
    "supportdesk.core.hygiene.InputHygieneMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "supportdesk.portal.middleware.CachedOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle timeout, two-factor verification of staff, the user's own language.
    "supportdesk.portal.middleware.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A bare 405 gets the site's page (the other error pages are templates).
    "supportdesk.core.error_pages.MethodNotAllowedPageMiddleware",
]

# Raw MIME from mail providers may hold escape sequences: checked by the mail parser.
INPUT_HYGIENE_EXEMPT_PATHS = ("/mail/",)

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
                "django.template.context_processors.csp",
            ]
        },
    }
]

# Django's form renderer, with the plain widgets written in Python (core/formrender.py).
FORM_RENDERER = "supportdesk.core.formrender.FormRenderer"

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
# The project's own assets (site.css) live outside any app's static/ folder.
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic (run by every `make run`) compresses each file with gzip and Brotli; source
# maps are half the bytes and only browser developer tools fetch them.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
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
# The upload budget: per request (enforced while the body is read), per ticket, and per
# organisation and calendar month.
UPLOAD_REQUEST_MAX_BYTES = env_int("UPLOAD_REQUEST_MAX_MB", 50, minimum=1) * 1024 * 1024
UPLOAD_TICKET_MAX_BYTES = env_int("UPLOAD_TICKET_MAX_MB", 200, minimum=1) * 1024 * 1024
UPLOAD_ORGANISATION_MONTH_MAX_BYTES = (
    env_int("UPLOAD_ORGANISATION_MONTH_MAX_MB", 1000, minimum=1) * 1024 * 1024
)
FILE_UPLOAD_HANDLERS = [
    "supportdesk.core.uploads.RequestBudgetUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

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
if _mail_backend.endswith("filebased.EmailBackend"):
    # Mail written to files, one per message: what `make run` uses without a mail server.
    MAILERS["default"]["OPTIONS"] = {
        "file_path": env_str("EMAIL_FILE_PATH", str(VAR_DIR / "sent-mail"))
    }
elif not _mail_backend.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {}
SUPPORT_EMAIL = env_str("SUPPORT_EMAIL", "support@example.com") or ""
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"Support <{SUPPORT_EMAIL}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL or ""
SUPPORT_PHONE = env_str("SUPPORT_PHONE", "+46 8 749 0995") or ""
SITE_NAME = env_str("SITE_NAME", "Supportdesk") or "Supportdesk"
# The address people reach the site at: every link in a mail is absolute from it. ``make run``
# sets it to the address it serves; behind a proxy, set it to the public address.
SITE_URL = (
    env_str("SITE_URL", "") or f"http://127.0.0.1:{env_int('PORT', 8000, minimum=1)}"
).rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ConfigError(f"SITE_URL={SITE_URL!r} must start with http:// or https://")
MAIL_COALESCE_SECONDS = env_int("MAIL_COALESCE_SECONDS", 120, minimum=0)

# Mail channel (README: "Mail"). Messages larger than this keep only their header; the
# sender is told politely.
MAIL_MAX_BYTES = env_int("MAIL_MAX_MB", 25, minimum=1) * 1024 * 1024
# A reply to a ticket closed at most this many days ago reopens it; later, it starts a
# follow-up ticket linked to the old one.
MAIL_REOPEN_DAYS = env_int("MAIL_REOPEN_DAYS", 14, minimum=0)
# Satisfaction: the rating link's life, the least days between two questions to one
# contact, and the rating (1-5) at or below which the business consultant is told.
SATISFACTION_LINK_DAYS = env_int("SATISFACTION_LINK_DAYS", 30, minimum=1)
SATISFACTION_MIN_DAYS_BETWEEN = env_int("SATISFACTION_MIN_DAYS_BETWEEN", 7, minimum=0)
SATISFACTION_LOW_RATING = env_int("SATISFACTION_LOW_RATING", 2, minimum=1)
# Acknowledgements of new tickets sent to one address per hour (stops mail loops).
MAIL_ACKS_PER_HOUR = env_int("MAIL_ACKS_PER_HOUR", 3, minimum=1)
# A ticket waiting on the customer is recalled to them after this many days, at most
# MAIL_REMINDERS times per wait.
MAIL_REMINDER_DAYS = env_int("MAIL_REMINDER_DAYS", 3, minimum=1)
MAIL_REMINDERS = env_int("MAIL_REMINDERS", 2, minimum=0)
# Send notifications (acknowledgements, replies, status changes) at all.
MAIL_NOTIFICATIONS = env_bool("MAIL_NOTIFICATIONS", True)
# Providers whose inbound webhook (/mail/<provider>/inbound/) is routed, e.g. "mailgun";
# each also needs ANYMAIL_WEBHOOK_SECRET or its signing key, else it stays closed (404).
MAIL_WEBHOOK_PROVIDERS = env_list("MAIL_WEBHOOK_PROVIDERS", [])
# Mail claiming a staff sender is believed only when an Authentication-Results header
# from one of these servers (authserv-id) shows DMARC or DKIM pass for the staff domain.
MAIL_TRUSTED_AUTHSERV_IDS = [a.lower() for a in env_list("MAIL_TRUSTED_AUTHSERV_IDS", [])]
# Bounded work per message: processing longer than this is stopped and kept as failed;
# at most this many parts become attachments (the rest stay in the raw message, listed).
MAIL_PROCESS_SECONDS = env_int("MAIL_PROCESS_SECONDS", 20, minimum=1)
MAIL_MAX_ATTACHMENTS = env_int("MAIL_MAX_ATTACHMENTS", 100, minimum=1)
# Where the pipe command spools messages for the worker (``supportdesk.mail.spool``, which
# reads the same variables without Django); the MTA's user must be able to write there.
MAIL_SPOOL_DIR = Path(env_str("MAIL_SPOOL_DIR", str(VAR_DIR / "mail-spool")) or "").resolve()
# Provider settings for django-anymail come from ANYMAIL_<NAME> variables, e.g.
# ANYMAIL_WEBHOOK_SECRET=user:password, ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY=….
ANYMAIL: dict[str, Any] = {
    _name.removeprefix("ANYMAIL_"): env_str(_name)
    for _name in sorted(os.environ)
    if _name.startswith("ANYMAIL_") and not _name.endswith("_FILE")
} | {
    _name.removeprefix("ANYMAIL_").removesuffix("_FILE"): env_str(_name.removesuffix("_FILE"))
    for _name in sorted(os.environ)
    if _name.startswith("ANYMAIL_") and _name.endswith("_FILE")
}

# --- security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS in production (README: "Security"): HSTS, the redirect, and a TLS proxy's headers.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# A load balancer's health check may speak plain HTTP to the node.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Only behind a proxy that sets X-Forwarded-Proto/-Host itself (and drops the client's).
TRUST_PROXY_HEADERS = env_bool("TRUST_PROXY_HEADERS", False)
if TRUST_PROXY_HEADERS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# Content-Security-Policy on every page (Django's own middleware): scripts only from our
# static files, and those we name carry the request's nonce; no inline handlers, no eval.
# Styles may be inline: the server-drawn SVG charts and QR codes carry their own.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# A session ends after this many minutes without a request (README: "Portal").
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60, minimum=1)
SESSION_COOKIE_AGE = env_int("SESSION_MAX_HOURS", 12, minimum=1) * 3600
# Failed log-ins per account and address before log-in is refused for a while.
LOGIN_FAILURES_ALLOWED = env_int("LOGIN_FAILURES_ALLOWED", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7, minimum=1)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 24, minimum=1) * 3600
# Roles that must log in with a second factor (TOTP); other staff may choose to.
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", ["admin"])
for _role in OTP_REQUIRED_ROLES:
    if _role not in {"consultant", "business_consultant", "dispatcher", "admin"}:
        raise ConfigError(
            f"OTP_REQUIRED_ROLES contains {_role!r}: use staff roles "
            "(consultant, business_consultant, dispatcher, admin)"
        )
OTP_TOTP_ISSUER = SITE_NAME
# Public inquiry form (R10): submissions allowed per address and hour.
INQUIRIES_PER_HOUR = env_int("INQUIRIES_PER_HOUR", 5, minimum=1)

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
# Events whose durable subscribers have not acted this long after the commit (a worker
# stopped in between) are delivered again by the catch-up sweep, for up to a day.
DISPATCH_CATCH_UP_AFTER_SECONDS = env_int("DISPATCH_CATCH_UP_AFTER_SECONDS", 60, minimum=0)

# Outbound webhooks (admin → Webhook endpoints) and chat notifications through apprise.
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10, minimum=1)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
WEBHOOK_DISABLE_AFTER = env_int("WEBHOOK_DISABLE_AFTER", 10, minimum=1)
WEBHOOK_ALLOW_PRIVATE_HOSTS = env_bool("WEBHOOK_ALLOW_PRIVATE_HOSTS", False)
CHAT_NOTIFY_URLS = env_list("CHAT_NOTIFY_URLS", [])

# --- secrets at rest and customers' Odoo instances (README: "Odoo") -------------------
# Fernet key(s) for secrets stored in the database, comma-separated (first encrypts);
# empty: derived from SECRET_KEY (supportdesk.core.crypto).
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY", "") or ""
# Seconds an Odoo instance may take to answer one call.
ODOO_TIMEOUT = env_int("ODOO_TIMEOUT", 15, minimum=1)
# Allow instances on loopback, private or link-local addresses (a customer's on-premises
# Odoo over a VPN); off, such addresses are refused so a URL cannot reach internal services.
ODOO_ALLOW_PRIVATE_HOSTS = env_bool("ODOO_ALLOW_PRIVATE_HOSTS", False)
# Module authors that make a module the partner's own localisation addons (R7).
ODOO_PARTNER_AUTHORS = env_list("ODOO_PARTNER_AUTHORS", [])

# --- billing (README: "Charging rules") -----------------------------------------------
# Default hourly rate in SEK, for organisations without a rate of their own; VAT shown.
_rate = env_str("BILLING_HOURLY_RATE", "1200.00") or "1200.00"
_vat = env_str("BILLING_VAT_PERCENT", "25") or "25"
try:
    from decimal import Decimal as _Decimal

    BILLING_HOURLY_RATE = _Decimal(_rate).quantize(_Decimal("0.01"))
    BILLING_VAT_PERCENT = _Decimal(_vat).quantize(_Decimal("0.01"))
    if BILLING_HOURLY_RATE < 0 or not 0 <= BILLING_VAT_PERCENT <= 100:
        raise ValueError
except (ArithmeticError, ValueError):
    raise ConfigError(
        f"BILLING_HOURLY_RATE={_rate!r} / BILLING_VAT_PERCENT={_vat!r}: use amounts like "
        "1200.00 and 25"
    ) from None
# The partner's own Odoo, where issued statements are exported as draft invoices
# (optional: empty URL turns the export off). The API key may come from a _FILE.
BILLING_ODOO_URL = env_str("BILLING_ODOO_URL", "") or ""
BILLING_ODOO_DB = env_str("BILLING_ODOO_DB", "") or ""
BILLING_ODOO_USER = env_str("BILLING_ODOO_USER", "") or ""
BILLING_ODOO_API_KEY = env_str("BILLING_ODOO_API_KEY", "") or ""
if BILLING_ODOO_URL and not (BILLING_ODOO_DB and BILLING_ODOO_USER and BILLING_ODOO_API_KEY):
    raise ConfigError(
        "BILLING_ODOO_URL is set: BILLING_ODOO_DB, BILLING_ODOO_USER and BILLING_ODOO_API_KEY "
        "are required too"
    )

# The staff commitments dashboard is kept this many seconds in the cache (0: always fresh).
REPORTS_CACHE_SECONDS = env_int("REPORTS_CACHE_SECONDS", 60, minimum=0)
