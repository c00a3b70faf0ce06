"""``supportdesk mail ingest < message.eml``: an MTA's pipe, one process per message.

It does only what it must before it can answer: it reads the message, writes it with its
envelope to a file in ``MAIL_SPOOL_DIR/tmp``, fsyncs it, renames it into ``new/`` and
fsyncs the folder, then exits 0 — or 75 (EX_TEMPFAIL) when the file cannot be written,
so that the MTA keeps the message and delivers it again later. It imports ``os``,
``sys`` and ``time`` and nothing else (no Django, not even ``pathlib`` or ``argparse``):
its start-up is the interpreter's. The worker reads the spool (``mail.spool``).

A spooled file: the line ``SUPPORTDESK-SPOOL 1``, envelope lines (``mailbox: …``,
``recipient: …`` for each, ``sender: …``), an empty line, and the raw message.
"""

from __future__ import annotations

import os
import sys
import time

MAGIC = b"SUPPORTDESK-SPOOL 1\n"
EX_USAGE = 64
EX_DATAERR = 65
EX_TEMPFAIL = 75
USAGE = "usage: supportdesk mail ingest [--mailbox NAME] [--recipient ADDRESS]… [--sender ADDRESS]"


def _env(name: str) -> str:
    """The variable, or the content of the file ``NAME_FILE`` names (as settings read it)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        with open(path) as file:
            return file.read().strip()
    return os.environ.get(name, "")


def spool_dir() -> str:
    """``MAIL_SPOOL_DIR``, else ``mail-spool`` in ``SUPPORTDESK_VAR`` (as settings say)."""
    configured = _env("MAIL_SPOOL_DIR")
    if configured:
        return os.path.abspath(configured)
    var = _env("SUPPORTDESK_VAR") or os.path.join(os.getcwd(), "var")
    return os.path.join(os.path.abspath(var), "mail-spool")


def _line(value: str) -> bytes:
    return value.replace("\r", " ").replace("\n", " ").strip().encode("utf-8", "replace")


def write(
    raw: bytes,
    *,
    mailbox: str = "",
    recipients: list[str] | tuple[str, ...] = (),
    sender: str = "",
    directory: str | os.PathLike[str] | None = None,
) -> str:
    """Write one message durably into the spool; returns its file's path. Raises OSError."""
    base = os.fspath(directory) if directory is not None else spool_dir()
    tmp, new = os.path.join(base, "tmp"), os.path.join(base, "new")
    os.makedirs(tmp, exist_ok=True)
    os.makedirs(new, exist_ok=True)
    name = f"{time.time_ns()}.{os.getpid()}.{os.urandom(4).hex()}.eml"
    envelope = [b"mailbox: " + _line(mailbox)]
    envelope += [b"recipient: " + _line(r) for r in recipients]
    envelope.append(b"sender: " + _line(sender))
    data = MAGIC + b"\n".join(envelope) + b"\n\n" + raw
    fd = os.open(os.path.join(tmp, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.rename(os.path.join(tmp, name), os.path.join(new, name))
    folder = os.open(new, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return os.path.join(new, name)


def _options(argv: list[str]) -> dict[str, list[str]]:
    options: dict[str, list[str]] = {"mailbox": [], "recipient": [], "sender": []}
    args = list(argv)
    while args:
        arg = args.pop(0)
        name, equals, value = arg.partition("=")
        if name == "--queue":  # kept for old MTA configurations: the worker always processes
            continue
        if name.startswith("--") and name[2:] in options:
            if not equals:
                if not args:
                    raise ValueError(f"{name} needs a value")
                value = args.pop(0)
            options[name[2:]].append(value)
        else:
            raise ValueError(f"unknown argument {arg!r}")
    return options


def pipe(argv: list[str]) -> int:
    """Spool the message on standard input; the exit status is what the MTA acts on."""
    try:
        options = _options(argv)
    except ValueError as exc:
        print(f"supportdesk mail ingest: {exc}\n{USAGE}", file=sys.stderr)
        return EX_USAGE
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
            raw,
            mailbox=(options["mailbox"] or [""])[-1],
            recipients=options["recipient"],
            sender=(options["sender"] or [""])[-1],
        )
    except OSError as exc:
        print(f"supportdesk mail ingest: not stored, try again later: {exc}", file=sys.stderr)
        return EX_TEMPFAIL
    print(f"spooled as {os.path.basename(path)}")
    return 0
