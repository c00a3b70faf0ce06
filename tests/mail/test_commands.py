"""``supportdesk mail ingest`` as an MTA's pipe, and ``supportdesk mail reprocess``."""

from __future__ import annotations

import sqlite3

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


def test_ingest_stores_and_processes_and_exits_0(child):
    database, env = child
    done = run("mail", "ingest", "--recipient", "support@example.com", env=env, stdin=RAW)
    assert done.returncode == 0, done.stderr.decode()
    assert b"ticket_created SD-" in done.stdout
    assert rows(database, "select subject, channel from tickets_ticket") == [
        ("From the pipe", "email")
    ]
    again = run("mail", "ingest", env=env, stdin=RAW)
    assert again.returncode == 0 and b"already stored" in again.stdout
    assert rows(database, "select count(*), sum(deliveries) from mail_inboundmail") == [(1, 2)]


def test_ingest_keeps_a_malformed_message_and_says_so(child):
    database, env = child
    done = run("mail", "ingest", env=env, stdin=b"Subject: nobody\n\nno sender\n")
    assert done.returncode == 0, "stored: the MTA must not try again"
    assert b"could not be processed" in done.stderr and b"no sender" in done.stderr
    assert rows(database, "select state from mail_inboundmail") == [("failed",)]


def test_ingest_exits_75_when_it_cannot_store(tmp_path):
    env = environment(tmp_path, tmp_path / "no-such-directory" / "db.sqlite3")
    done = run("mail", "ingest", env=env, stdin=RAW)
    assert done.returncode == 75, done.stderr.decode()
    assert b"try again later" in done.stderr


def test_ingest_exits_65_without_a_message(child):
    _database, env = child
    done = run("mail", "ingest", env=env, stdin=b"")
    assert done.returncode == 65 and b"no message" in done.stderr


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
