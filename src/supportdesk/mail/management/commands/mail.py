"""``supportdesk mail listen|ingest|spool|poll|reprocess``: the ways mail comes in.

- ``listen``: the LMTP (or ``--smtp``) listener an MTA delivers to, plus an IDLE
  connection to every IMAP mailbox that asks for one, until interrupted; what it stores,
  and the pipe's spool, it processes in batches every second.
- ``ingest``: the pipe for MTAs: one message on standard input. Answered before Django
  starts (``supportdesk.cli`` → ``mail.pipe``): exit 0 when the message is in the spool,
  75 (EX_TEMPFAIL) when it cannot be written (the MTA tries again), 65 for no input.
  ``--now`` stores it in the database and processes it in this process instead.
- ``spool``: store and process what the pipe spooled, now.
- ``poll``: read the IMAP mailboxes once (``--idle``: keep waiting for new mail).
- ``reprocess``: process failed messages again, or given ones, or everything pending.
"""

from __future__ import annotations

import signal
import sys
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from supportdesk.mail.models import InboundMail, Mailbox

EX_DATAERR = 65
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Receive mail: listen (LMTP/SMTP), ingest (pipe), poll (IMAP), reprocess."
    # An MTA's pipe must answer even when the database is away: checks would touch it first.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        listen = commands.add_parser("listen", help="LMTP/SMTP listener and IMAP IDLE")
        listen.add_argument("--host", default="127.0.0.1")
        listen.add_argument("--port", type=int, default=2424)
        listen.add_argument("--smtp", action="store_true", help="speak SMTP instead of LMTP")
        listen.add_argument("--no-imap", action="store_true", help="do not start IMAP IDLE")

        ingest = commands.add_parser("ingest", help="store one message from standard input")
        ingest.add_argument("--mailbox", help="the mailbox's name (default: by recipient)")
        ingest.add_argument("--recipient", action="append", default=[], help="envelope recipient")
        ingest.add_argument("--sender", default="", help="envelope sender")
        ingest.add_argument("--queue", action="store_true", help="leave processing to the worker")
        ingest.add_argument(
            "--now", action="store_true", help="store and process now, without the spool"
        )

        commands.add_parser("spool", help="store and process the messages the pipe spooled")

        poll = commands.add_parser("poll", help="read IMAP mailboxes once")
        poll.add_argument("--mailbox", help="only this mailbox (by name)")
        poll.add_argument("--idle", action="store_true", help="keep waiting with IMAP IDLE")

        again = commands.add_parser("reprocess", help="process stored messages again")
        again.add_argument("ids", nargs="*", type=int, help="message numbers (default: failed)")
        again.add_argument(
            "--pending", action="store_true", help="also everything stored and not processed"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(**options)

    # --- pipe ----------------------------------------------------------------------------

    def _spool(self, **options: Any) -> None:
        from supportdesk.mail.spool import ingest_spool

        stored = duplicates = processed = 0
        while True:
            result = ingest_spool()
            stored += len(result.stored)
            duplicates += len(result.duplicates)
            processed += len(result.processed)
            for pk, error in result.failed:
                self.stderr.write(f"#{pk} failed: {error}")
            if result.busy:
                self.stderr.write("another worker is reading the spool")
            if result.busy or not (result.stored or result.duplicates):
                break
        self.stdout.write(f"{stored} stored, {duplicates} already stored, {processed} processed")

    def _ingest(self, **options: Any) -> None:
        if not options["now"]:  # reached through call_command: the pipe's own path
            from supportdesk.mail.pipe import pipe

            argv = [f"--mailbox={options['mailbox']}"] if options["mailbox"] else []
            argv += [f"--recipient={r}" for r in options["recipient"]]
            argv += [f"--sender={options['sender']}"] if options["sender"] else []
            code = pipe(argv)
            if code:
                sys.exit(code)
            return
        from supportdesk.mail.process import TRANSIENT, process
        from supportdesk.mail.store import mailbox_for, schedule_processing, store_raw

        raw = sys.stdin.buffer.read()
        if not raw.strip():
            self.stderr.write("supportdesk mail ingest: no message on standard input")
            sys.exit(EX_DATAERR)
        try:
            mailbox = (
                self._mailbox(options["mailbox"])
                if options["mailbox"]
                else mailbox_for(options["recipient"])
            )
            stored = store_raw(
                raw,
                source=InboundMail.Source.PIPE,
                mailbox=mailbox,
                envelope_from=options["sender"],
                envelope_to=options["recipient"],
            )
        except (DatabaseError, OSError) as exc:
            self.stderr.write(f"supportdesk mail ingest: not stored, try again later: {exc}")
            sys.exit(EX_TEMPFAIL)
        inbound = stored.inbound
        if not stored.created:
            self.stdout.write(f"already stored as #{inbound.pk}")
            return
        if options["queue"]:
            schedule_processing(inbound.pk)
            self.stdout.write(f"stored as #{inbound.pk}")
            return
        try:
            inbound = process(inbound.pk)
        except TRANSIENT as exc:  # stored: the worker's sweep processes it later
            self.stderr.write(f"stored as #{inbound.pk}; processing postponed: {exc}")
            return
        self._report(inbound)

    # --- IMAP ----------------------------------------------------------------------------

    def _poll(self, **options: Any) -> None:
        from supportdesk.mail import imap

        boxes = Mailbox.objects.filter(active=True).exclude(imap_host="")
        if options["mailbox"]:
            boxes = boxes.filter(name=options["mailbox"])
            if not boxes.exists():
                raise CommandError(f"no active IMAP mailbox is named {options['mailbox']!r}")
        if options["idle"]:
            self._idle(list(boxes))
            return
        failed = False
        for mailbox in boxes:
            try:
                result = imap.poll(mailbox)
            except Exception as exc:
                failed = True
                self.stderr.write(f"{mailbox.name}: {exc.__class__.__name__}: {exc}")
                continue
            self.stdout.write(
                f"{mailbox.name}: {len(result.stored)} stored, {len(result.duplicates)} "
                f"already stored, {len(result.processed.processed)} processed, "
                f"{len(result.processed.failed)} failed"
            )
            for pk, error in result.processed.failed:
                self.stderr.write(f"  #{pk} failed: {error}")
        if failed:
            sys.exit(EX_TEMPFAIL)

    def _idle(self, boxes: list[Mailbox]) -> list[threading.Thread]:
        from supportdesk.mail import imap

        stop = threading.Event()
        threads = [
            threading.Thread(
                target=imap.idle, args=(box,), kwargs={"stop": stop}, name=box.name, daemon=True
            )
            for box in boxes
        ]
        for thread in threads:
            thread.start()
        self._wait(stop)
        for thread in threads:
            thread.join(timeout=5)
        return threads

    def _wait(self, stop: threading.Event) -> None:
        def finish(signum: int, frame: object) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, finish)
        signal.signal(signal.SIGINT, finish)
        while not stop.wait(0.5):
            pass

    # --- LMTP/SMTP -----------------------------------------------------------------------

    def _listen(self, **options: Any) -> None:
        from supportdesk.mail import imap
        from supportdesk.mail.batches import Batches
        from supportdesk.mail.lmtp import InboundController

        batches = Batches()
        controller = InboundController(
            host=options["host"], port=options["port"], lmtp=not options["smtp"], batches=batches
        )
        controller.start()
        self.stdout.write(
            f"{'SMTP' if options['smtp'] else 'LMTP'} listening on "
            f"{options['host']}:{options['port']}"
        )
        stop = threading.Event()
        worker = threading.Thread(target=batches.run, args=(stop,), name="mail-batches")
        worker.start()
        threads = [worker]
        if not options["no_imap"]:
            for box in Mailbox.objects.filter(active=True, imap_idle=True).exclude(imap_host=""):
                thread = threading.Thread(
                    target=imap.idle, args=(box,), kwargs={"stop": stop}, daemon=True
                )
                thread.start()
                threads.append(thread)
        try:
            self._wait(stop)
        finally:
            controller.stop()
            stop.set()
            for thread in threads:
                thread.join(timeout=30 if thread is worker else 5)

    # --- reprocessing --------------------------------------------------------------------

    def _reprocess(self, **options: Any) -> None:
        from supportdesk.mail.process import process_batch

        if options["ids"]:
            ids = list(
                InboundMail.objects.filter(pk__in=options["ids"]).values_list("pk", flat=True)
            )
            missing = set(options["ids"]) - set(ids)
            if missing:
                raise CommandError(f"no stored message #{', #'.join(map(str, sorted(missing)))}")
        else:
            states = [InboundMail.State.FAILED]
            if options["pending"]:
                states.append(InboundMail.State.RECEIVED)
            ids = list(
                InboundMail.objects.filter(state__in=states)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        result = process_batch(ids, retry_failed=True)
        self.stdout.write(f"{len(result.processed)} processed, {len(result.failed)} failed")
        for pk, error in result.failed:
            self.stderr.write(f"#{pk} failed: {error}")

    # --- helpers -------------------------------------------------------------------------

    def _mailbox(self, name: str) -> Mailbox:
        try:
            return Mailbox.objects.get(name=name)
        except Mailbox.DoesNotExist:
            raise CommandError(f"no mailbox is named {name!r}") from None

    def _report(self, inbound: InboundMail) -> None:
        if inbound.state == InboundMail.State.FAILED:
            # Stored and kept for reprocessing: the MTA must not send it again.
            self.stderr.write(
                f"stored as #{inbound.pk}, but it could not be processed: {inbound.error}"
            )
            return
        target = inbound.ticket.number if inbound.ticket else ""
        self.stdout.write(f"stored as #{inbound.pk}: {inbound.outcome or inbound.state} {target}")
