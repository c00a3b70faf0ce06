"""Inbound mail, end to end, beside what the standard library alone does with it.

Run:

    .venv/bin/python bench/mail_ingest.py                 # SQLite and PostgreSQL
    .venv/bin/python bench/mail_ingest.py --db sqlite --messages 400

For each database (a fresh SQLite file in a temporary folder; PostgreSQL database
``bench_mail`` on 127.0.0.1, dropped and created anew) it makes a mix of mail shaped like
customers' (plain and HTML alternatives, some with an attachment): half new tickets from 50
contacts, half replies threaded by In-Reply-To to an earlier one. It times

- the ceiling: ``email.message_from_bytes(policy=default)`` plus reading the body and the
  attachments, for every message;
- end to end: store raw, parse, recognise, thread, create the ticket or add the reply,
  queue the acknowledgement (``store_raw`` then ``process``, one transaction each);

and prints messages per second of both and their ratio.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# This folder holds a queue.py: keep it from shadowing the standard library's (Django
# imports it later).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DB = os.environ.get("BENCH_MAIL_DB", "bench_mail")
CONTACTS = 50


def messages(count: int) -> list[bytes]:
    attachment = base64.encodebytes(os.urandom(6000)).decode()
    out: list[bytes] = []
    new = 0
    for n in range(count):
        contact = n % CONTACTS
        if n % 2 == 0 or new == 0:
            ident, subject, extra = (
                f"<bench-new-{n}@alpha.example>",
                f"Problem {n} with S{n:05d}",
                "",
            )
            new += 1
        else:
            parent = (n // 2) - (n // 2) % 2 if n > 2 else 0
            ident = f"<bench-reply-{n}@alpha.example>"
            subject = f"Re: Problem {parent} with S{parent:05d}"
            extra = f"In-Reply-To: <bench-new-{parent}@alpha.example>\r\n"
        body = (
            f"Hello,\r\n\r\nPosting INV/2026/{n:05d} fails again (message {n}).\r\n\r\n"
            "On Tue, 10 Mar 2026 at 07:30, Support <support@example.com> wrote:\r\n"
            "> We have registered your request.\r\n"
        )
        parts = (
            "--ALT\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n"
            "--ALT\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            f"<div><p>Hello,</p><p>Posting INV/2026/{n:05d} fails again.</p></div>\r\n--ALT--\r\n"
        )
        if n % 5 == 0:
            content = (
                'Content-Type: multipart/mixed; boundary="MIX"\r\n\r\n--MIX\r\n'
                'Content-Type: multipart/alternative; boundary="ALT"\r\n\r\n' + parts + "\r\n"
                '--MIX\r\nContent-Type: application/pdf; name="log.pdf"\r\n'
                'Content-Disposition: attachment; filename="log.pdf"\r\n'
                "Content-Transfer-Encoding: base64\r\n\r\n" + attachment + "--MIX--\r\n"
            )
        else:
            content = 'Content-Type: multipart/alternative; boundary="ALT"\r\n\r\n' + parts
        out.append(
            (
                f"From: Contact {contact} <contact{contact}@alpha.example>\r\n"
                f"To: support@example.com\r\nSubject: {subject}\r\nMessage-ID: {ident}\r\n"
                f"Date: Wed, 11 Mar 2026 09:00:00 +0100\r\n{extra}MIME-Version: 1.0\r\n{content}"
            ).encode()
        )
    return out


def stdlib_rate(raws: list[bytes]) -> float:
    import email
    from email import policy

    start = time.perf_counter()
    for raw in raws:
        message = email.message_from_bytes(raw, policy=policy.default)
        body = message.get_body(("plain", "html"))
        if body is not None:
            body.get_content()
        for part in message.iter_attachments():
            part.get_content()
    return len(raws) / (time.perf_counter() - start)


def child(count: int) -> None:
    """Runs with DATABASE_URL set: migrate, seed, then time the pipeline."""
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from supportdesk.accounts.models import Organisation, User
    from supportdesk.mail.models import InboundMail, Mailbox
    from supportdesk.mail.process import process
    from supportdesk.mail.store import store_raw
    from supportdesk.tickets.models import Message, Ticket

    organisation = Organisation.objects.create(name="Alpha AB", mail_domains="alpha.example")
    for n in range(CONTACTS):
        User.objects.create_user(f"contact{n}@alpha.example", organisation=organisation)
    mailbox = Mailbox.objects.create(name="Support", address="support@example.com")
    raws = messages(count)
    ceiling = max(stdlib_rate(raws) for _ in range(3))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = time.perf_counter()
    queries = {"new": [], "reply": []}
    for raw in raws:
        with CaptureQueriesContext(connection) as captured:
            process(store_raw(raw, source="pipe", mailbox=mailbox).inbound.pk)
        queries["reply" if b"In-Reply-To" in raw else "new"].append(len(captured))
    elapsed = time.perf_counter() - start
    failed = InboundMail.objects.exclude(state="processed").count()
    assert failed == 0, f"{failed} messages not processed"
    print(
        json.dumps(
            {
                "end_to_end": count / elapsed,
                "stdlib": ceiling,
                "tickets": Ticket.objects.count(),
                "replies": Message.objects.filter(message_id__startswith="<bench-reply").count(),
                "queries_new": max(queries["new"]),
                "queries_reply": max(queries["reply"]),
            }
        )
    )


def reset_postgres() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{PG_DB}"')


def run(database: str, count: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-mail-") as var:
        url = f"sqlite:///{var}/bench.sqlite3" if database == "sqlite" else f"{PG_SERVER}/{PG_DB}"
        if database == "postgres":
            reset_postgres()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "supportdesk.settings",
            "SECRET_KEY": "bench-mail-secret",
            "DATABASE_URL": url,
            "SUPPORTDESK_VAR": var,
            "SUPPORT_EMAIL": "support@example.com",
            "LOG_LEVEL": "WARNING",
        }
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(count)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"{database}: {done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child)
        return
    databases = ["sqlite", "postgres"] if options.db == "both" else [options.db]
    print(f"{options.messages} messages, half new tickets and half replies")
    for database in databases:
        result = run(database, options.messages)
        ratio = result["end_to_end"] / result["stdlib"]
        print(
            f"{database:9} end to end {result['end_to_end']:8.1f} msg/s   "
            f"stdlib parse alone {result['stdlib']:8.1f} msg/s   "
            f"ratio {ratio:.3f} ({result['tickets']} tickets, {result['replies']} replies; "
            f"queries per message: new ticket {result['queries_new']}, "
            f"reply {result['queries_reply']})"
        )
    print(f"pipe start-up: {startup()}")


def startup() -> str:
    """``supportdesk mail ingest`` with nothing on standard input, beside ``python -c pass``."""
    env = {**os.environ, "SECRET_KEY": "bench", "DATABASE_URL": "sqlite:////tmp/none.sqlite3"}
    command = [str(Path(sys.executable).parent / "supportdesk"), "mail", "ingest"]

    def best(argv: list[str]) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run(argv, env=env, input=b"", capture_output=True, check=False)
            times.append(time.perf_counter() - start)
        return min(times)

    return (
        f"supportdesk mail ingest {best(command):.3f} s, "
        f"python -c pass {best([sys.executable, '-c', 'pass']):.3f} s"
    )


if __name__ == "__main__":
    main()
