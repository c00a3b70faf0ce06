"""Real-world messages from other mail parsers' public test suites.

Those messages are not part of this repository: point ``MAIL_PUBLIC_CORPUS`` at one or
more folders of them (separated by ``:``), e.g. the ``tests/mails`` folder of
SpamScope/mail-parser (Apache-2.0) and ``spec/fixtures/emails`` of mikel/mail (MIT); see
tests/mail/corpus/PUBLIC.md. Every message must be stored byte-exact, processed without
an unexpected error, and each reuse of a Message-ID by other content stored separately.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import pytest

from supportdesk.mail.models import InboundMail
from supportdesk.mail.process import process
from supportdesk.mail.store import content_hash, store_raw

FOLDERS = [Path(p) for p in os.environ.get("MAIL_PUBLIC_CORPUS", "").split(":") if p]
# Failures a message may end in: it is not a mail we can act on (kept, with the reason).
EXPECTED_FAILURES = ("UnreadableMail",)


def _messages() -> list[Path]:
    return sorted(
        path
        for folder in FOLDERS
        for path in folder.rglob("*")
        if path.is_file() and not path.name.startswith(".") and path.stat().st_size < 5_000_000
    )


@pytest.mark.skipif(not FOLDERS, reason="MAIL_PUBLIC_CORPUS names no folder of public messages")
def test_every_public_message_is_stored_exactly_and_processed(world, settings):
    settings.MAIL_MAX_BYTES = 25 * 1024 * 1024
    settings.ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
    paths = _messages()
    assert paths, "the folders hold messages"
    stored: dict[int, bytes] = {}
    unexpected = []
    by_message_id: dict[str, set[str]] = defaultdict(set)
    for path in paths:
        raw = path.read_bytes()
        result = store_raw(raw, source="pipe", mailbox=world.mailbox)
        inbound = process(result.inbound.pk)
        if result.created:
            stored[inbound.pk] = raw
        if inbound.message_id:
            by_message_id[inbound.message_id].add(content_hash(raw))
        if inbound.state == "failed" and not inbound.error.startswith(EXPECTED_FAILURES):
            unexpected.append(f"{path}: {inbound.error}")
    for pk, raw in stored.items():
        assert bytes(InboundMail.objects.get(pk=pk).raw) == raw
    assert unexpected == []
    for message_id, contents in by_message_id.items():
        rows = InboundMail.objects.filter(message_id=message_id).count()
        assert rows >= len(contents), f"{message_id}: {len(contents)} messages, {rows} stored"
    reused = sum(len(c) - 1 for c in by_message_id.values() if len(c) > 1)
    print(f"{len(paths)} messages, {len(stored)} stored, {reused} reuses of a Message-ID")
