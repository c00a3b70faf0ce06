"""The ``supportdesk`` command in a child process, on its own SQLite database."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import supportdesk.settings

_SOURCE = Path(supportdesk.settings.__file__).read_text()
SETTINGS_VARIABLES = set(re.findall(r"env_\w+\(\s*\"([A-Z0-9_]+)\"", _SOURCE))
ROOT = Path(__file__).resolve().parents[2]

SEED = """
from supportdesk.accounts.models import Organisation, User
from supportdesk.mail.models import Mailbox
org = Organisation.objects.create(name="Alpha AB", mail_domains="alpha.example")
User.objects.create_user("alice@alpha.example", password=None, organisation=org, name="Alice")
box = Mailbox(name="Support", address="support@example.com", imap_host="127.0.0.1",
              imap_port=1, imap_security="none", imap_username="support")
box.imap_secret = "imap-test-password"
box.save()
"""


def environment(var_dir: Path, database: Path, **extra: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name.removesuffix("_FILE") not in SETTINGS_VARIABLES
        and not name.startswith(("DJANGO_", "ANYMAIL_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="supportdesk.settings",
        SECRET_KEY="child-process-secret-key",
        SUPPORTDESK_VAR=str(var_dir),
        DATABASE_URL=f"sqlite:///{database}",
        SUPPORT_EMAIL="support@example.com",
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]),
    )
    env.update(extra)
    return env


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "supportdesk", *args]


def run(*args: str, env: dict[str, str], stdin: bytes = b"", timeout: float = 120):
    return subprocess.run(
        command(*args), env=env, input=stdin, capture_output=True, timeout=timeout, check=False
    )


def make_template(directory: Path) -> Path:
    """A migrated and seeded database to copy for each test."""
    database = directory / "template.sqlite3"
    env = environment(directory, database)
    for args in (("migrate", "--noinput"), ("shell", "-c", SEED)):
        done = run(*args, env=env)
        assert done.returncode == 0, done.stderr.decode()
    return database


def copy_database(template: Path, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    database = directory / "db.sqlite3"
    shutil.copy(template, database)
    return database


# The worker with a pause in each step, so that a kill can land inside the work rather
# than before or after it (the real worker runs through 30 messages in a blink).
SLOW_WORKER = """
import random, sys, time
import django
django.setup()
from supportdesk.mail import imap, process
store, step = imap.store_raw, process._process
def slow_store(*a, **k):
    time.sleep(random.uniform(0, 0.04))
    return store(*a, **k)
def slow_step(*a, **k):
    result = step(*a, **k)
    time.sleep(random.uniform(0, 0.04))
    return result
imap.store_raw, process._process = slow_store, slow_step
from django.core.management import execute_from_command_line
execute_from_command_line(["supportdesk", *sys.argv[1:]])
"""


def slow_command(*args: str) -> list[str]:
    return [sys.executable, "-c", SLOW_WORKER, *args]
