"""Several workers on one Redis queue (README: "PostgreSQL and Redis with several
workers"): a mail queued by the web side is sent exactly once, by one of two consumers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from tests.core.conftest import clean_environment, supportdesk

# A database of its own, flushed by this test: one for each database the suite runs on, so
# the SQLite and the PostgreSQL runs of CI can run side by side.
REDIS_URL = "redis://127.0.0.1:6379/" + (
    "10" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "11"
)

QUEUE_A_MAIL = """
from django.db import transaction
from supportdesk.mail.outbox import queue_mail
with transaction.atomic():
    mail = queue_mail(to=["karin@nordvik.example"], subject="Your ticket SD-10001",
                      text="We have registered your ticket.", purpose="ack")
print(mail.pk)
"""

STATE = """
from supportdesk.mail.models import OutboundMail
print(OutboundMail.objects.get().state, OutboundMail.objects.get().attempts)
"""


@pytest.fixture
def redis_queue():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    client.flushdb()
    yield client
    client.flushdb()


def test_two_consumers_on_redis_send_a_queued_mail_once(tmp_path: Path, redis_queue):
    mail_dir = tmp_path / "sent-mail"
    env = clean_environment(
        tmp_path,
        SECRET_KEY="redis-workers-test-key",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL=REDIS_URL,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        WORKERS="2",
    )
    assert supportdesk("migrate", "--noinput", env=env, cwd=tmp_path, timeout=180).returncode == 0
    consumers = [
        subprocess.Popen(
            [sys.executable, "-m", "supportdesk", "run_huey", "--no-periodic"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(2)
    ]
    try:
        queued = supportdesk("shell", "--no-imports", "-c", QUEUE_A_MAIL, env=env, cwd=tmp_path)
        assert queued.returncode == 0, queued.stderr
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(mail_dir.glob("*.log")):
            time.sleep(0.2)
        time.sleep(1)  # give a second delivery, were there one, the time to appear
    finally:
        for consumer in consumers:
            os.killpg(consumer.pid, signal.SIGTERM)
        for consumer in consumers:
            consumer.wait(timeout=15)

    sent = list(mail_dir.glob("*.log"))
    assert len(sent) == 1, "the mail must be sent exactly once"
    assert "Subject: Your ticket SD-10001" in sent[0].read_text()
    state = supportdesk("shell", "--no-imports", "-c", STATE, env=env, cwd=tmp_path)
    assert state.stdout.split() == ["sent", "1"]
    # The task went through Redis, not a local queue file.
    assert redis_queue.keys("huey.*supportdesk*")
    assert not (tmp_path / "queue.sqlite3").exists()
