"""Settings for the test suite: the same as production, with tasks run inline."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from supportdesk.settings import *  # noqa: F403
from supportdesk.settings import HUEY as _HUEY

HUEY = {**_HUEY, "immediate": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests see every change at once; the dashboard's cache has its own test.
REPORTS_CACHE_SECONDS = 0

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: with WAL (settings' init_command) a test's server
    # and worker threads read while another writes instead of failing with "database
    # table is locked". One file per test run, removed by Django when the run ends.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"supportdesk-test-{os.getpid()}.sqlite3")
    }

# Every mail goes out at once; coalescing a ticket's news has its own tests.
MAIL_COALESCE_SECONDS = 0
