"""Killing the ingesting worker at random points loses no message and duplicates none."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import time

import pytest

from tests.mail.subproc import command, copy_database, environment, make_template, slow_command

NEW = 20
REPLIES = 12
KILLS = 20


def corpus() -> list[bytes]:
    """New tickets from twenty senders, and replies, some delivered before their parent."""
    messages = []
    for n in range(NEW):
        messages.append(
            (
                f"From: Person {n} <person{n}@alpha.example>\r\nTo: support@example.com\r\n"
                f"Subject: Problem {n}\r\nMessage-ID: <new-{n}@alpha.example>\r\n"
                f"Date: Wed, 11 Mar 2026 09:{n:02d}:00 +0100\r\n\r\nProblem number {n}.\r\n"
            ).encode()
        )
    for n in range(REPLIES):
        parent = n % NEW
        reply = (
            f"From: Person {parent} <person{parent}@alpha.example>\r\nTo: support@example.com\r\n"
            f"Subject: Re: Problem {parent}\r\nMessage-ID: <reply-{n}@alpha.example>\r\n"
            f"In-Reply-To: <new-{parent}@alpha.example>\r\n"
            f"Date: Wed, 11 Mar 2026 10:{n:02d}:00 +0100\r\n\r\nMore about {parent}.\r\n"
        ).encode()
        if n < 4:
            messages.insert(parent, reply)  # before its parent, in the same mailbox
        else:
            messages.append(reply)
    return messages


@pytest.fixture
def world_on_disk(tmp_path, dovecot):
    template = make_template(tmp_path / "template")
    database = copy_database(template, tmp_path / "var")
    with sqlite3.connect(database) as connection:
        connection.execute("update mail_mailbox set imap_port = ?", (dovecot.port,))
    return database, environment(tmp_path / "var", database)


def test_killing_the_poller_at_random_points_loses_and_duplicates_nothing(world_on_disk, dovecot):
    database, env = world_on_disk
    messages = corpus()
    dovecot.deliver(*messages[:16])
    rng = random.Random(4242)
    progress: list[tuple[int, int]] = []

    def counts() -> tuple[int, int]:
        with sqlite3.connect(database) as db:
            stored, processed = db.execute(
                "select count(*), coalesce(sum(state = 'processed'), 0) from mail_inboundmail"
            ).fetchone()
        return int(stored), int(processed)

    for kill in range(KILLS):
        if kill == KILLS // 2:
            dovecot.deliver(*messages[16:])
        # Kill while storing or while processing: a few messages further than last time.
        stored, processed = counts()
        delivered = 16 if kill < KILLS // 2 else NEW + REPLIES
        phase = rng.choice([0, 1]) if stored < delivered else 1
        target = min((stored, processed)[phase] + rng.randint(1, 3), delivered)
        worker = subprocess.Popen(
            slow_command("mail", "poll"),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while worker.poll() is None and time.monotonic() < deadline:
            if counts()[phase] >= target:
                break
            time.sleep(0.005)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        progress.append(counts())
    print("stored, processed after each kill:", progress)
    # The kills fell while work was under way, not only before or after it.
    assert any(0 < p < NEW + REPLIES for _s, p in progress)
    final = subprocess.run(
        command("mail", "poll"), env=env, capture_output=True, timeout=300, check=False
    )
    assert final.returncode == 0, final.stderr.decode()

    # The worker acts on what the events mean (acknowledgements); events whose
    # subscribers were killed before they ran are caught up when it starts.
    def acknowledged() -> int:
        with sqlite3.connect(database) as db:
            return db.execute(
                "select count(distinct ticket_id) from mail_outboundmail where purpose = 'ack'"
            ).fetchone()[0]

    consumer = subprocess.Popen(
        command("run_huey"),
        env={**env, "DISPATCH_CATCH_UP_AFTER_SECONDS": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while acknowledged() < NEW and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # anything sent twice would arrive now
    finally:
        consumer.send_signal(signal.SIGINT)
        consumer.wait(timeout=30)

    with sqlite3.connect(database) as db:
        stored = db.execute("select message_id, state from mail_inboundmail").fetchall()
        tickets = db.execute("select subject from tickets_ticket order by subject").fetchall()
        messages = db.execute(
            "select message_id from tickets_message where message_id != ''"
        ).fetchall()
        acks = db.execute(
            "select ticket_id, count(*) from mail_outboundmail where purpose = 'ack' "
            "group by ticket_id"
        ).fetchall()
    ids = [m for m, _ in stored]
    assert len(ids) == NEW + REPLIES and len(set(ids)) == len(ids), "every message stored once"
    assert {s for _, s in stored} == {"processed"}
    assert [t for (t,) in tickets] == sorted(f"Problem {n}" for n in range(NEW)), (
        "every ticket once"
    )
    assert sorted(m for (m,) in messages) == sorted(ids), "every message on its ticket once"
    assert len(acks) == NEW and all(count == 1 for _, count in acks), (
        "every ticket acknowledged once"
    )
    flags = dovecot.flags()
    assert len(flags) == NEW + REPLIES and all(b"$SupportdeskStored" in f for f in flags.values())
