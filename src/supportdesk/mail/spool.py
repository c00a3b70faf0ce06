"""The worker's side of the pipe's spool (``mail.pipe`` writes it, without Django).

The spooled files are stored in the database in batches and processed
(:func:`ingest_spool`: the Huey task ``mail_spool`` every minute, ``supportdesk mail
listen`` every second, ``supportdesk mail spool`` by hand). A file is removed only after
its message is committed; a worker stopped at any point leaves it to be read again, and
the message already stored is then recognised as a second delivery of the same message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from supportdesk.mail.pipe import MAGIC, write

__all__ = ["SpoolResult", "ingest_spool", "read", "write"]


def read(path: Path | str) -> tuple[dict[str, Any], bytes]:
    """The envelope and the raw message of a spooled file (a file without the spool's
    first line is taken whole as the message)."""
    data = Path(path).read_bytes()
    if not data.startswith(MAGIC):
        return {}, data
    head, separator, raw = data[len(MAGIC) :].partition(b"\n\n")
    if not separator:
        return {}, data
    envelope: dict[str, Any] = {"mailbox": "", "recipients": [], "sender": ""}
    for line in head.decode("utf-8", "replace").split("\n"):
        name, _, value = line.partition(": ")
        if name == "recipient":
            envelope["recipients"].append(value)
        elif name in ("mailbox", "sender"):
            envelope[name] = value
    return envelope, raw


# --- the worker's side (Django) ----------------------------------------------------------


@dataclass
class SpoolResult:
    stored: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    processed: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    busy: bool = False  # another worker is reading the spool


def ingest_spool(*, limit: int = 500, directory: Path | None = None) -> SpoolResult:
    """Store up to ``limit`` spooled messages, oldest first, then process them as a batch.

    One worker at a time reads a spool (a lock on ``spool/.lock``, released if the worker
    dies). A database error stops the run and leaves its files for the next: the batch's
    messages are stored in one transaction, and a file is removed only once it commits.
    """
    import fcntl

    from django.conf import settings

    base = directory or Path(settings.MAIL_SPOOL_DIR)
    result = SpoolResult()
    new = base / "new"
    if not new.is_dir():
        return result
    with open(base / ".lock", "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            result.busy = True
            return result
        _ingest_files(sorted(new.iterdir())[:limit], result)
    return result


def _ingest_files(paths: list[Path], result: SpoolResult) -> None:
    """Store the files' messages in one transaction (one commit and one INSERT for the
    batch), remove the files once it is committed, then process the batch."""
    from django.db import transaction

    from supportdesk.mail.lookups import Lookups
    from supportdesk.mail.models import InboundMail, Mailbox
    from supportdesk.mail.process import process_batch
    from supportdesk.mail.store import mailbox_for, row_for, store_many

    named: dict[str, Mailbox | None] = {}
    by_recipients: dict[tuple[str, ...], Mailbox | None] = {}
    done: list[Path] = []
    rows: list[InboundMail] = []
    with transaction.atomic():
        for path in paths:
            if not path.name.endswith(".eml"):
                continue
            try:
                envelope, raw = read(path)
            except FileNotFoundError:  # taken by a worker of another machine sharing it
                continue
            recipients = tuple(str(r) for r in envelope.get("recipients") or ())
            name = str(envelope.get("mailbox") or "")
            if name and name not in named:
                named[name] = Mailbox.objects.filter(name=name).first()
            mailbox = named.get(name) if name else None
            if mailbox is None:
                if recipients not in by_recipients:
                    by_recipients[recipients] = mailbox_for(recipients)
                mailbox = by_recipients[recipients]
            rows.append(
                row_for(
                    raw,
                    source=InboundMail.Source.PIPE,
                    mailbox=mailbox,
                    envelope_from=str(envelope.get("sender") or ""),
                    envelope_to=recipients,
                )
            )
            done.append(path)
        for stored in store_many(rows):
            (result.stored if stored.created else result.duplicates).append(stored.inbound.pk)
    for path in done:  # committed: the files have done their work
        path.unlink(missing_ok=True)
    if result.stored:
        batch = process_batch(result.stored, lookups=Lookups())
        result.processed, result.failed = batch.processed, batch.failed
