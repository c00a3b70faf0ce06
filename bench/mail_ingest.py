"""Inbound mail, end to end, beside what the standard library alone does with it.

Run:

    .venv/bin/python bench/mail_ingest.py                 # SQLite and PostgreSQL
    .venv/bin/python bench/mail_ingest.py --db postgres --messages 1000 [--profile]

For each database (a fresh SQLite file in a temporary folder with the SQLite queue;
PostgreSQL database ``bench_mail`` on 127.0.0.1, dropped and created anew, with the Redis
queue in ``BENCH_REDIS_URL``, default redis://127.0.0.1:6379/3) it makes a mix of mail
shaped like customers' (plain and HTML alternatives, one in five with a PDF attached):
half new tickets from 50 contacts, half replies threaded by In-Reply-To to an earlier one.
It times, on the same messages:

- the reference: ``email.message_from_bytes(policy=default)`` plus reading the body and
  the attachments, for every message (best of three);
- ingest: what the worker does with the pipe's spool (``mail.spool.ingest_spool``): store
  the batch raw (one transaction, one INSERT), then process it — parse, recognise,
  thread, create the ticket or add the reply, 50 messages a transaction — and run the
  subscribers after the commits, which queue their work (acknowledgement, staff
  notifications, screenshot reading, search index on SQLite, dashboard figures,
  webhooks) in Huey, one task per subscriber for the batch;
- with the worker: ingest plus running every task so queued (the acknowledgements written
  to the outbox, the staff notified…), in the same process, one after the other;

and prints messages per second of each and their ratio to the reference.
``--profile`` prints the CPU profile (process time) of both phases (``BENCH_PROFILE_OUT``:
also written there, the ingest phase alone to ``<file>.ingest``); ``BENCH_QUERY_TIMES=1``
lists the statements by shape, with their count, wall time and first caller (``=all``:
and the statements per caller). Then the
queries of one reply and one new ticket processed alone (store included, counted on the
real database, no test savepoints), and the pipe command's start-up: ``supportdesk mail
ingest`` spooling one message, beside ``python -c pass`` (median of 9 runs each).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

# This folder holds a queue.py: keep it from shadowing the standard library's (Django
# imports it later).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DB = os.environ.get("BENCH_MAIL_DB", "bench_mail")
CONTACTS = 50
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")


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
            contact = parent % CONTACTS  # the requester answers
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


def child(count: int, profile: bool) -> None:
    """Runs with DATABASE_URL set: migrate, seed, then time the pipeline."""
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from huey.contrib.djhuey import HUEY

    from supportdesk.accounts.models import Organisation, User
    from supportdesk.commitments.clocks import current_calendar
    from supportdesk.mail import spool
    from supportdesk.mail.lookups import our_addresses_cached
    from supportdesk.mail.models import InboundMail, Mailbox, OutboundMail
    from supportdesk.mail.process import process
    from supportdesk.mail.store import store_raw
    from supportdesk.tickets.models import Message, Ticket

    HUEY.flush()
    organisation = Organisation.objects.create(name="Alpha AB", mail_domains="alpha.example")
    for n in range(CONTACTS):
        User.objects.create_user(f"contact{n}@alpha.example", organisation=organisation)
    mailbox = Mailbox.objects.create(name="Support", address="support@example.com")
    raws = messages(count)
    reference = max(stdlib_rate(raws) for _ in range(3))
    directory = Path(os.environ["MAIL_SPOOL_DIR"])
    for raw in raws:
        spool.write(raw, recipients=["support@example.com"], directory=directory)

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
    timed = _QueryTimes() if os.environ.get("BENCH_QUERY_TIMES") else None
    if timed is not None:
        connection.execute_wrappers.append(timed)
    start = time.perf_counter()
    stored = 0
    while True:
        result = spool.ingest_spool(limit=500, directory=directory)
        stored += len(result.stored)
        if not result.stored:
            break
    ingested = time.perf_counter() - start
    if profiler is not None and os.environ.get("BENCH_PROFILE_OUT"):
        profiler.dump_stats(os.environ["BENCH_PROFILE_OUT"] + ".ingest")
        profiler.enable()
    tasks = 0
    while (task := HUEY.dequeue()) is not None:
        HUEY.execute(task)
        tasks += 1
    worked = time.perf_counter() - start
    if profiler is not None:
        import pstats

        profiler.disable()
        if os.environ.get("BENCH_PROFILE_OUT"):
            profiler.dump_stats(os.environ["BENCH_PROFILE_OUT"])
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
    if timed is not None:
        connection.execute_wrappers.remove(timed)
        timed.report()
    failed = InboundMail.objects.exclude(state="processed").count()
    assert stored == count and failed == 0, f"{stored} stored, {failed} not processed"

    def queries(raw: bytes) -> int:
        """Statements for one message, as a running worker does it (the calendar and our
        addresses read before); BEGIN and COMMIT are not statements of psycopg's."""
        current_calendar()
        our_addresses_cached()
        with CaptureQueriesContext(connection) as captured:
            process(store_raw(raw, source="pipe", mailbox=mailbox).inbound.pk)
        if os.environ.get("BENCH_SHOW_QUERIES"):
            print("\n".join(q["sql"][:160] for q in captured.captured_queries), file=sys.stderr)
        return len([q for q in captured.captured_queries if not q["sql"].startswith(CONTROL)])

    probe = messages(count + 2)[count:]  # one new ticket, one reply
    query_new, query_reply = queries(probe[0]), queries(probe[1])
    print(
        json.dumps(
            {
                "ingest": count / ingested,
                "with_worker": count / worked,
                "tasks": tasks,
                "stdlib": reference,
                "tickets": Ticket.objects.count(),
                "replies": Message.objects.filter(message_id__startswith="<bench-reply").count(),
                "acks": OutboundMail.objects.filter(purpose="ack").count(),
                "queries_new": query_new,
                "queries_reply": query_reply,
            }
        )
    )


class _QueryTimes:
    """``BENCH_QUERY_TIMES=1``: the statements of the run by shape, with their count and
    wall time (to stderr), so the figure can be read as round trips and their cost."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.where: dict[str, str] = {}
        self.places: dict[str, int] = {}  # with BENCH_QUERY_TIMES=all: statements per caller

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            shape = re.sub(r'"s\d+_x\d+"', "…", " ".join(str(sql).split()))[:110]
            entry = self.times.setdefault(shape, [0, 0.0])
            entry[0] += 1
            entry[1] += time.perf_counter() - start
            if shape not in self.where or os.environ.get("BENCH_QUERY_TIMES") == "all":
                frames = traceback.extract_stack(limit=40)
                where = " < ".join(
                    f"{Path(f.filename).stem}.{f.name}"
                    for f in reversed(frames)
                    if "/supportdesk/" in f.filename
                )[:200]
                self.where.setdefault(shape, where)
                self.places[where] = self.places.get(where, 0) + 1

    def report(self) -> None:
        rows = sorted(self.times.items(), key=lambda kv: -kv[1][1])
        total = sum(t for _n, t in self.times.values())
        count = sum(n for n, _t in self.times.values())
        print(f"{count} statements, {total:.2f} s", file=sys.stderr)
        for shape, (n, t) in rows[:40]:
            print(f"{n:6d} {t:7.2f} s  {shape}\n{'':16}{self.where[shape]}", file=sys.stderr)
        for where, n in sorted(self.places.items(), key=lambda kv: -kv[1])[:40]:
            print(f"{n:6d} {where}", file=sys.stderr)


def reset_postgres() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{PG_DB}"')


def run(database: str, count: int, profile: bool) -> dict[str, float]:
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
            "MAIL_SPOOL_DIR": f"{var}/spool",
            "SUPPORT_EMAIL": "support@example.com",
            "MAIL_COALESCE_SECONDS": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("REDIS_URL", None)
        if database == "postgres":
            env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
        argv = [sys.executable, __file__, "--child", str(count)]
        done = subprocess.run(
            argv + (["--profile"] if profile else []),
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if profile or os.environ.get("BENCH_QUERY_TIMES"):
            print(done.stderr[-12000:], file=sys.stderr)
        if done.returncode != 0:
            raise SystemExit(f"{database}: {done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="cProfile ingest and worker")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child, options.profile)
        return
    databases = ["sqlite", "postgres"] if options.db == "both" else [options.db]
    print(f"{options.messages} messages, half new tickets and half replies")
    for database in databases:
        r = run(database, options.messages, options.profile)
        print(
            f"{database:9} ingest {r['ingest']:7.1f} msg/s (ratio {r['ingest'] / r['stdlib']:.3f})"
            f"   with the worker's {r['tasks']} queued tasks {r['with_worker']:7.1f} msg/s "
            f"(ratio {r['with_worker'] / r['stdlib']:.3f})   stdlib parse alone "
            f"{r['stdlib']:7.1f} msg/s\n"
            f"{'':9} {r['tickets']} tickets, {r['replies']} replies, {r['acks']} "
            f"acknowledgements; queries for one message processed alone: new ticket "
            f"{r['queries_new']}, reply {r['queries_reply']}"
        )
    print(f"pipe start-up (median of 9): {startup()}")


def startup() -> str:
    """``supportdesk mail ingest`` spooling one message, beside ``python -c pass``."""
    message = messages(1)[0]
    with tempfile.TemporaryDirectory(prefix="bench-pipe-") as var:
        env = {**os.environ, "SUPPORTDESK_VAR": var, "MAIL_SPOOL_DIR": f"{var}/spool"}
        command = [str(Path(sys.executable).parent / "supportdesk"), "mail", "ingest"]

        def median(argv: list[str]) -> float:
            times = []
            for _ in range(9):
                start = time.perf_counter()
                done = subprocess.run(argv, env=env, input=message, capture_output=True)
                times.append(time.perf_counter() - start)
                assert done.returncode == 0, done.stderr
            return statistics.median(times)

        pipe, bare = median(command), median([sys.executable, "-c", "pass"])
        spooled = len(list(Path(var, "spool", "new").iterdir()))
    return (
        f"supportdesk mail ingest {pipe * 1000:.0f} ms ({spooled} messages spooled), "
        f"python -c pass {bare * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
