"""The durable spool of the pipe command: ``supportdesk mail ingest < message.eml``.

An MTA starts one process per message, so the pipe does only what it must before it can
answer: it reads the message, writes it to a file in ``MAIL_SPOOL_DIR/tmp``, fsyncs it,
renames it into ``new/`` and fsyncs the folder — then exits 0. It imports the standard
library and nothing else (no Django), so it starts in a few tens of milliseconds. When the
message cannot be written it exits 75 (EX_TEMPFAIL) and the MTA delivers it again later.

A worker stores the spooled files in the database in batches and processes them
(:func:`ingest_spool`: the Huey task ``mail_spool`` every minute, ``supportdesk mail
listen`` every second, ``supportdesk mail spool`` by hand). A file is removed only after
its message is committed; a worker stopped at any point leaves it to be read again, and
the message already stored is then recognised as a second delivery of the same message.

Each file is one line ``SUPPORTDESK-SPOOL 1 {json envelope}`` and the raw message.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAGIC = b"SUPPORTDESK-SPOOL 1 "
EX_DATAERR = 65
EX_TEMPFAIL = 75


def spool_dir() -> Path:
    """``MAIL_SPOOL_DIR``, else ``mail-spool`` in ``SUPPORTDESK_VAR`` (as settings say)."""
    from supportdesk.env import env_str

    configured = env_str("MAIL_SPOOL_DIR")
    if configured:
        return Path(configured).resolve()
    var = Path(env_str("SUPPORTDESK_VAR", str(Path.cwd() / "var")) or "var").resolve()
    return var / "mail-spool"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write(
    raw: bytes,
    *,
    mailbox: str = "",
    recipients: Sequence[str] = (),
    sender: str = "",
    directory: Path | None = None,
) -> Path:
    """Write one message durably into the spool; returns its file. Raises OSError."""
    base = directory or spool_dir()
    tmp, new = base / "tmp", base / "new"
    for folder in (tmp, new):
        folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns()}.{os.getpid()}.{os.urandom(4).hex()}.eml"
    envelope = {"mailbox": mailbox, "recipients": list(recipients), "sender": sender}
    data = MAGIC + json.dumps(envelope).encode() + b"\n" + raw
    fd = os.open(tmp / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.rename(tmp / name, new / name)
    _fsync_dir(new)
    return new / name


def read(path: Path) -> tuple[dict[str, Any], bytes]:
    """The envelope and the raw message of a spooled file (a file without the spool's
    first line is taken whole as the message)."""
    data = path.read_bytes()
    if data.startswith(MAGIC):
        line, _, raw = data.partition(b"\n")
        try:
            envelope = json.loads(line[len(MAGIC) :])
            if isinstance(envelope, dict):
                return envelope, raw
        except ValueError:
            pass
    return {}, data


def pipe(argv: Sequence[str]) -> int:
    """``supportdesk mail ingest [--mailbox NAME] [--recipient A]… [--sender A]``."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="supportdesk mail ingest",
        description="Store one message from standard input in the mail spool (for MTAs).",
    )
    parser.add_argument("--mailbox", default="", help="the mailbox's name (default: by recipient)")
    parser.add_argument("--recipient", action="append", default=[], help="envelope recipient")
    parser.add_argument("--sender", default="", help="envelope sender")
    parser.add_argument("--queue", action="store_true", help="(always: the worker processes it)")
    options = parser.parse_args(list(argv))
    try:
        raw = sys.stdin.buffer.read()
    except OSError as exc:
        print(f"supportdesk mail ingest: cannot read the message: {exc}", file=sys.stderr)
        return EX_TEMPFAIL
    if not raw.strip():
        print("supportdesk mail ingest: no message on standard input", file=sys.stderr)
        return EX_DATAERR
    try:
        path = write(
            raw, mailbox=options.mailbox, recipients=options.recipient, sender=options.sender
        )
    except OSError as exc:
        print(f"supportdesk mail ingest: not stored, try again later: {exc}", file=sys.stderr)
        return EX_TEMPFAIL
    print(f"spooled as {path.name}")
    return 0


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
    dies). A database error stops the run and leaves the remaining files for the next.
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
    from supportdesk.mail.lookups import Lookups
    from supportdesk.mail.models import InboundMail, Mailbox
    from supportdesk.mail.process import process_batch
    from supportdesk.mail.store import mailbox_for, store_raw

    named: dict[str, Mailbox | None] = {}
    by_recipients: dict[tuple[str, ...], Mailbox | None] = {}
    for path in paths:
        if not path.name.endswith(".eml"):
            continue
        try:
            envelope, raw = read(path)
        except FileNotFoundError:  # taken by a worker of another machine sharing the folder
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
        stored = store_raw(
            raw,
            source=InboundMail.Source.PIPE,
            mailbox=mailbox,
            envelope_from=str(envelope.get("sender") or ""),
            envelope_to=recipients,
        )
        # Committed: the file has done its work.
        path.unlink(missing_ok=True)
        (result.stored if stored.created else result.duplicates).append(stored.inbound.pk)
    if result.stored:
        batch = process_batch(result.stored, lookups=Lookups())
        result.processed, result.failed = batch.processed, batch.failed
