"""``supportdesk mail ingest`` as an MTA's pipe, and ``supportdesk mail reprocess``."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from supportdesk.mail import process as pipeline
from supportdesk.mail.models import InboundMail
from supportdesk.tickets.models import Ticket
from tests.mail.conftest import ingest
from tests.mail.subproc import copy_database, environment, make_template, run

RAW = (
    b"From: Alice <alice@alpha.example>\nTo: support@example.com\nSubject: From the pipe\n"
    b"Message-ID: <pipe-1@alpha.example>\n\nDelivered through a pipe.\n"
)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return make_template(tmp_path_factory.mktemp("pipe-template"))


@pytest.fixture
def child(template, tmp_path):
    database = copy_database(template, tmp_path / "var")
    return database, environment(tmp_path / "var", database)


def rows(database, sql):
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


def spooled(var: Path) -> list[Path]:
    return sorted((var / "mail-spool" / "new").glob("*.eml"))


def test_ingest_spools_the_message_and_the_worker_stores_and_processes_it(child, tmp_path):
    database, env = child
    done = run("mail", "ingest", "--recipient", "support@example.com", env=env, stdin=RAW)
    assert done.returncode == 0, done.stderr.decode()
    assert b"spooled as" in done.stdout
    [path] = spooled(tmp_path / "var")
    assert path.read_bytes().endswith(RAW), "the message is kept byte for byte"
    assert rows(database, "select count(*) from mail_inboundmail") == [(0,)]
    again = run("mail", "ingest", env=env, stdin=RAW)
    assert again.returncode == 0
    worker = run("mail", "spool", env=env)
    assert worker.returncode == 0, worker.stderr.decode()
    assert b"1 stored, 1 already stored, 1 processed" in worker.stdout
    assert spooled(tmp_path / "var") == []
    assert rows(database, "select subject, channel from tickets_ticket") == [
        ("From the pipe", "email")
    ]
    assert rows(database, "select count(*), sum(deliveries), source from mail_inboundmail") == [
        (1, 2, "pipe")
    ]


def test_ingest_now_stores_and_processes_in_the_same_process(child):
    database, env = child
    done = run("mail", "ingest", "--now", "--recipient", "support@example.com", env=env, stdin=RAW)
    assert done.returncode == 0, done.stderr.decode()
    assert b"ticket_created SD-" in done.stdout
    again = run("mail", "ingest", "--now", env=env, stdin=RAW)
    assert again.returncode == 0 and b"already stored" in again.stdout
    assert rows(database, "select count(*), sum(deliveries) from mail_inboundmail") == [(1, 2)]


def test_a_malformed_message_is_kept_and_said_so(child):
    database, env = child
    done = run("mail", "ingest", "--now", env=env, stdin=b"Subject: nobody\n\nno sender\n")
    assert done.returncode == 0, "stored: the MTA must not try again"
    assert b"could not be processed" in done.stderr and b"no sender" in done.stderr
    assert rows(database, "select state from mail_inboundmail") == [("failed",)]
    assert run("mail", "ingest", env=env, stdin=b"Subject: nobody\n\nagain\n").returncode == 0
    worker = run("mail", "spool", env=env)
    assert b"1 stored" in worker.stdout and b"no sender" in worker.stderr
    assert rows(database, "select state from mail_inboundmail") == [("failed",), ("failed",)]


def test_ingest_exits_75_when_it_cannot_store(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = environment(tmp_path, tmp_path / "db.sqlite3", MAIL_SPOOL_DIR=str(blocker / "spool"))
    done = run("mail", "ingest", env=env, stdin=RAW)
    assert done.returncode == 75, done.stderr.decode()
    assert b"try again later" in done.stderr
    env = environment(tmp_path, tmp_path / "no-such-directory" / "db.sqlite3")
    done = run("mail", "ingest", "--now", env=env, stdin=RAW)
    assert done.returncode == 75, done.stderr.decode()


def test_ingest_exits_65_without_a_message(child):
    _database, env = child
    done = run("mail", "ingest", env=env, stdin=b"")
    assert done.returncode == 65 and b"no message" in done.stderr


def test_the_pipe_imports_no_django(child):
    """Its start-up is the interpreter's and the standard library's (issue "Fast")."""
    _database, env = child
    script = (
        "import sys; sys.argv = ['supportdesk', 'mail', 'ingest']\n"
        "from supportdesk import cli\n"
        "try:\n    cli.main()\nexcept SystemExit as exit:\n    code = exit.code\n"
        "assert code == 0, code\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, input=RAW, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode()


def test_reprocess_processes_failed_messages_once_the_cause_is_gone(world, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("the ticket actions are broken")

    monkeypatch.setattr(pipeline, "_new", broken)
    inbound = ingest(RAW.replace(b"\n", b"\r\n"), mailbox=world.mailbox)
    assert inbound.state == "failed" and "broken" in inbound.error
    monkeypatch.undo()
    call_command("mail", "reprocess")
    assert "1 processed, 0 failed" in capsys.readouterr().out
    inbound.refresh_from_db()
    assert inbound.state == "processed" and inbound.attempts == 2
    assert Ticket.objects.filter(subject="From the pipe").count() == 1
    call_command("mail", "reprocess", str(inbound.pk))
    assert Ticket.objects.filter(subject="From the pipe").count() == 1, "processed once"
    assert InboundMail.objects.count() == 1
