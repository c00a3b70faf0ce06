"""Real-world messages from other mail parsers' public test suites, run on every test run.

The messages are committed under ``tests/mail/corpus/public/`` (which project, commit,
path and licence each comes from: its README.md; every file with its size and SHA-256:
MANIFEST.tsv). They go through the pipeline the way IMAP polling takes them: all stored
raw first, then processed in thread order, into one customer organisation (the mailbox's
default), so that tickets, replies, attachments, HTML and threading are all exercised —
and the subscribers after each commit (acknowledgements, staff notifications, reading of
screenshots) run too, as in production.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import hashlib
import logging
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

import pytest

from supportdesk.mail.auto import bounce_details
from supportdesk.mail.models import InboundMail
from supportdesk.mail.parse import parse
from supportdesk.mail.process import batch_order, process
from supportdesk.mail.store import content_hash, store_raw
from tests.mail.conftest import CORPUS

PUBLIC = CORPUS / "public"
# The only failure a message may end in: it is not a mail we can act on. It is kept, raw
# and with the reason, for `supportdesk mail reprocess`.
NOT_MAIL = ("UnreadableMail: no header", "UnreadableMail: no sender address in From")
THREADED = {"replied", "reopened", "noted", "auto_reply", "bulk", "bounce", "unverified_staff"}


@dataclass(frozen=True)
class Entry:
    path: str  # under public/
    size: int
    sha256: str
    source_path: str

    @property
    def source(self) -> str:
        return self.path.split("/", 1)[0]

    def read(self) -> bytes:
        return (PUBLIC / self.path).read_bytes()


def manifest() -> list[Entry]:
    lines = (PUBLIC / "MANIFEST.tsv").read_text().splitlines()
    assert lines[0] == "path\tbytes\tsha256\tsource_path"
    entries = []
    for line in lines[1:]:
        path, size, sha256, source_path = line.split("\t")
        entries.append(Entry(path, int(size), sha256, source_path))
    return entries


def test_the_public_corpus_is_committed_whole_with_licences_and_sources_named():
    entries = manifest()
    assert len(entries) >= 300
    on_disk = {str(p.relative_to(PUBLIC)) for p in PUBLIC.glob("*/mail/**/*") if p.is_file()}
    assert on_disk == {e.path for e in entries}, "MANIFEST.tsv lists every message, no more"
    for entry in entries:
        data = entry.read()
        assert len(data) == entry.size and entry.size <= 1_000_000, entry.path
        assert hashlib.sha256(data).hexdigest() == entry.sha256, f"{entry.path} was altered"
    readme = (PUBLIC / "README.md").read_text()
    for source, count in Counter(e.source for e in entries).items():
        folder = PUBLIC / source
        assert any(p.name.upper().startswith(("LICENSE", "COPYING", "MIT", "APACHE"))
                   for p in folder.iterdir()), f"{source} has its licence beside it"  # fmt: skip
        row = next((line for line in readme.splitlines() if f"`{source}/`" in line), "")
        assert re.search(rf"\|\s*{count}\s*\|", row), f"README names {source} with {count} files"


def _sender_header_text(raw: bytes) -> bytes:
    """The raw lines of From, Sender and Reply-To, unfolded, lower-cased, without
    (comments) and white space: where a sender's address must be written."""
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    lines = re.split(rb"\r?\n(?![ \t])", head)
    text = b" ".join(x for x in lines if re.match(rb"(?i)(from|sender|reply-to)\s*:", x))
    kept, depth, quoted, escaped = bytearray(), 0, False, False
    for byte in text:
        char = bytes([byte])
        if escaped:
            escaped = False
        elif char == b"\\":
            escaped = True
        elif char == b'"' and not depth:
            quoted = not quoted
        elif char == b"(" and not quoted:
            depth += 1
        elif char == b")" and depth:
            depth -= 1
            continue
        if not depth and not char.isspace():
            kept += char
    return bytes(kept).lower()


def _names_a_sender(raw: bytes) -> bool:
    """Whether the standard library finds any address in From, Sender or Reply-To."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    values = [str(v) for name in ("From", "Sender", "Reply-To") for v in message.get_all(name, [])]
    return any("@" in address for _, address in email.utils.getaddresses(values))


@pytest.fixture
def customers_mailbox(world, org_a, settings):
    """Mail to this box makes tickets of org_a whoever sends it: the customers' path."""
    settings.MAIL_MAX_BYTES = 25 * 1024 * 1024
    settings.ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
    world.mailbox.default_organisation = org_a
    world.mailbox.save()
    return world.mailbox


def test_every_public_message_is_kept_exactly_processed_and_threaded(customers_mailbox, caplog):
    entries = manifest()
    started, cpu = time.perf_counter(), time.process_time()
    caplog.set_level(logging.ERROR)

    # Stored raw, every one, before anything is parsed; a copy of a stored message counts
    # as a second delivery of it.
    row_of: dict[str, int] = {}
    created: set[str] = set()
    for entry in entries:
        stored = store_raw(entry.read(), source="imap", mailbox=customers_mailbox)
        row_of[entry.path] = stored.inbound.pk
        if stored.created:
            created.add(entry.path)

    # Processed in thread order (parents first), as `mail poll` does; what each stored
    # Message-ID's tickets were, message by message, is what replies must thread to.
    raw_of_row = {row_of[p]: (PUBLIC / p).read_bytes() for p in created}
    tickets_of: dict[str, set[int]] = defaultdict(set)
    misthreaded, threaded, shared = [], 0, 0
    for pk in batch_order(raw_of_row):
        raw = raw_of_row[pk]
        inbound = process(pk)
        if inbound.state == "failed":
            continue
        mail = parse(raw)
        wanted = list(mail.thread_ids)
        if inbound.outcome == "bounce":
            wanted += bounce_details(mail).original_ids
        candidates = set().union(*(tickets_of[i] for i in wanted))
        if candidates:
            threaded += 1
            shared += any(len(tickets_of[i]) > 1 for i in wanted)
        if candidates and inbound.ticket_id not in candidates:
            misthreaded.append((pk, inbound.outcome, inbound.ticket_id, sorted(candidates)))
        if not candidates and inbound.outcome in THREADED and inbound.ticket_id is not None:
            misthreaded.append((pk, inbound.outcome, inbound.ticket_id, "names no ticket"))
        if inbound.ticket_id is not None and inbound.message_id:
            tickets_of[inbound.message_id].add(inbound.ticket_id)
    # The corpus holds few replies: answer each Message-ID that several of its tickets'
    # messages share. The answer joins one of those tickets, never another or a new one.
    shared_ids = sorted(mid for mid, tickets in tickets_of.items() if len(tickets) > 1)
    for number, message_id in enumerate(shared_ids):
        raw = (
            f"From: Reader <reader@alpha.example>\r\nTo: support@example.com\r\n"
            f"Subject: Re: the corpus\r\nMessage-ID: <answer-{number}@alpha.example>\r\n"
            f"In-Reply-To: {message_id}\r\nReferences: {message_id}\r\n\r\nThanks.\r\n"
        ).encode()
        answer = process(store_raw(raw, source="imap", mailbox=customers_mailbox).inbound.pk)
        if answer.outcome != "replied" or answer.ticket_id not in tickets_of[message_id]:
            misthreaded.append((message_id, answer.outcome, answer.ticket_id))
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu

    rows = InboundMail.objects.in_bulk(list(row_of.values()))
    # Every message is kept: its own bytes, or it is a copy of a stored message — the same
    # bytes, or the same Message-ID and content with other line endings or relay headers.
    copies, same_content = [], []
    for entry in entries:
        raw, row = entry.read(), rows[row_of[entry.path]]
        if entry.path in created:
            assert bytes(row.raw) == raw, f"{entry.path}: not stored byte-exact"
        elif bytes(row.raw) == raw:
            copies.append(entry.path)
        else:
            assert row.message_id, f"{entry.path}: folded into another message"
            assert content_hash(raw) == content_hash(bytes(row.raw)), entry.path
            same_content.append(entry.path)
    for pk, count in Counter(row_of.values()).items():
        assert rows[pk].deliveries == count, f"#{pk}: {count} deliveries recorded"

    # Each reuse of a Message-ID by a different message is a row of its own, with its bytes.
    contents: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if rows[row_of[entry.path]].message_id:
            contents[rows[row_of[entry.path]].message_id].add(content_hash(entry.read()))
    reused = {mid: len(hashes) for mid, hashes in contents.items() if len(hashes) > 1}
    for message_id, count in reused.items():
        stored_rows = list(InboundMail.objects.filter(message_id=message_id))
        assert len(stored_rows) == count, f"{message_id}: {count} messages, {len(stored_rows)} rows"
        assert {content_hash(bytes(r.raw)) for r in stored_rows} == contents[message_id]
        assert sum("was used before by a different message" in r.notes for r in stored_rows) == (
            count - 1
        )

    # Handled: a message fails only when it names no sender at all or is no mail (kept,
    # with the reason); nothing else raised or was logged as an error anywhere.
    states = Counter(rows[pk].state for pk in {row_of[p] for p in created})
    failed = {p: rows[row_of[p]].error for p in created if rows[row_of[p]].state == "failed"}
    for path, error in failed.items():
        assert error.startswith(NOT_MAIL), f"{path}: {error}"
        assert not _names_a_sender((PUBLIC / path).read_bytes()), f"{path}: {error}"
    errors = [r for r in caplog.records if r.name != "supportdesk.mail.process"]
    assert errors == [], [r.getMessage() for r in errors]

    # The sender is an address written whole in From, Sender or Reply-To.
    for path in created:
        row = rows[row_of[path]]
        if row.state == "failed":
            continue
        address = row.from_address
        assert address.count("@") == 1 and not re.search(r"[\s<>,]", address), (path, address)
        written = _sender_header_text((PUBLIC / path).read_bytes())
        assert address.encode() in written or address.encode("cp1252", "replace") in written, (
            path,
            address,
        )

    assert misthreaded == []
    assert threaded and shared_ids, "the corpus has replies, and Message-IDs shared by tickets"

    outcomes = Counter(rows[row_of[p]].outcome or rows[row_of[p]].state for p in created)
    print(
        f"\n{len(entries)} public messages from {len({e.source for e in entries})} test suites "
        f"in {seconds:.1f} s ({cpu_seconds:.1f} s CPU): {len(created)} stored, "
        f"{len(copies)} byte-identical copies and {len(same_content)} copies with other line "
        f"endings or relay headers recorded as deliveries; {sum(reused.values()) - len(reused)} "
        f"reuses of {len(reused)} Message-IDs by different messages each stored on their own; "
        f"{threaded} replies threaded to their parent's ticket ({shared} naming a Message-ID "
        f"that more than one ticket's message has), and answers to the {len(shared_ids)} "
        f"Message-IDs several tickets' messages share each joined one of them; "
        f"{len(failed)} kept as not mail ({Counter(e.split(':')[1].strip() for e in failed.values())})"
        f"; states {dict(states)}; outcomes {dict(outcomes)}"
    )
