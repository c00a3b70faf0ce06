"""Hostile input: every message finishes within its bound, is kept, and the next is processed."""

from __future__ import annotations

import base64
import os
import resource
import time

import pytest

from supportdesk.mail import process as process_module
from supportdesk.mail.models import InboundMail
from supportdesk.mail.process import process_batch, process_pending
from supportdesk.mail.store import store_raw
from tests.mail.conftest import ingest


@pytest.fixture(autouse=True)
def real_limits(mail_settings):
    mail_settings.MAIL_MAX_BYTES = 25 * 1024 * 1024


def _head(subject: bytes = b"Hostile", extra: bytes = b"", n: int = 1) -> bytes:
    return (
        b"From: Alice <alice@alpha.example>\r\nTo: support@example.com\r\nSubject: "
        + subject
        + b"\r\nMessage-ID: <hostile-"
        + str(n).encode()
        + b"@alpha.example>\r\n"
        + extra
    )


def _next_is_processed(world) -> None:
    nxt = ingest(_head(b"The next one", n=999) + b"\r\nStill here.\r\n", mailbox=world.mailbox)
    assert nxt.state == "processed" and nxt.outcome == "ticket_created"


def _timed(raw: bytes, world, seconds: float) -> InboundMail:
    """Ingested within ``seconds`` of CPU time (the work the message costs, whatever else
    the machine is doing; the product's own wall-clock limit stops anything longer)."""
    started = time.process_time()
    inbound = ingest(raw, mailbox=world.mailbox)
    assert time.process_time() - started < seconds
    assert bytes(inbound.raw) == raw or inbound.truncated
    _next_is_processed(world)
    return inbound


def test_deeply_nested_html_is_read_in_bounded_time(world):
    html = b"<div>" * 150_000 + b"Deep text" + b"</div>" * 150_000
    raw = _head(extra=b"Content-Type: text/html; charset=utf-8\r\n") + b"\r\n" + html
    inbound = _timed(raw, world, 20)
    assert inbound.state == "processed"
    assert "Deep text" in inbound.ticket.description


def test_a_one_megabyte_subject_is_cut_with_a_note(world):
    raw = _head(b"word " * 200_000) + b"\r\nBody.\r\n"
    inbound = _timed(raw, world, 10)
    assert inbound.state == "processed"
    assert len(inbound.ticket.subject) <= 250
    assert "The subject of 1000000 characters was cut" in inbound.notes


def test_five_thousand_parts_make_a_bounded_number_of_attachments(world, settings):
    settings.MAIL_MAX_ATTACHMENTS = 20
    parts = b"".join(
        b"--BB\r\nContent-Type: application/octet-stream; name=f%d.bin\r\n"
        b"Content-Disposition: attachment; filename=f%d.bin\r\n\r\nxx\r\n" % (i, i)
        for i in range(5000)
    )
    raw = (
        _head(extra=b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=BB\r\n")
        + b"\r\n--BB\r\nContent-Type: text/plain\r\n\r\nMany files.\r\n"
        + parts
        + b"--BB--\r\n"
    )
    inbound = _timed(raw, world, 20)
    assert inbound.state == "processed"
    assert inbound.ticket.attachments.count() == 20
    assert "4980 more parts were not taken as attachments" in inbound.notes
    assert "f20.bin" in inbound.notes


def test_nul_bytes_never_cut_text_silently(world):
    raw = _head(b"Nul\x00subject") + b"\r\nBefore the nul\x00after the nul.\r\n"
    inbound = _timed(raw, world, 10)
    assert inbound.state == "processed"
    assert "Before the nul\ufffdafter the nul." in inbound.ticket.description
    assert "NUL bytes in the text were replaced" in inbound.notes


def test_a_file_that_is_not_mail_is_kept_as_failed(world):
    raw = b"\x89PNG\r\n\x1a\n" + os.urandom(50_000)
    inbound = _timed(raw, world, 10)
    assert inbound.state == "failed" and inbound.error


def test_a_thirty_megabyte_message_keeps_its_header_and_stays_in_memory_bounds(world):
    body = base64.encodebytes(os.urandom(22_500_000)).replace(b"\n", b"\r\n")
    raw = (
        _head(extra=b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=BB\r\n")
        + b"\r\n--BB\r\nContent-Type: text/plain\r\n\r\nBig.\r\n--BB\r\n"
        b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + body
        + b"--BB--\r\n"
    )
    assert len(raw) > 30_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    inbound = _timed(raw, world, 20)
    assert inbound.truncated and inbound.size == len(raw)
    assert inbound.outcome == "too_large"
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200


def test_processing_that_takes_too_long_is_stopped_kept_and_not_retried(
    world, settings, monkeypatch
):
    settings.MAIL_PROCESS_SECONDS = 1
    real_parse = process_module.parse

    def slow_parse(raw: bytes, **kwargs):
        if b"Slow" in raw:
            while True:  # a parser stuck on hostile input
                sum(range(1000))
        return real_parse(raw, **kwargs)

    monkeypatch.setattr(process_module, "parse", slow_parse)
    slow = store_raw(_head(b"Slow", n=1) + b"\r\nx\r\n", source="pipe", mailbox=world.mailbox)
    fine = store_raw(_head(b"Fine", n=2) + b"\r\ny\r\n", source="pipe", mailbox=world.mailbox)
    started = time.monotonic()
    result = process_batch([slow.inbound.pk, fine.inbound.pk])
    assert time.monotonic() - started < 10
    slow_row = InboundMail.objects.get(pk=slow.inbound.pk)
    assert slow_row.state == "failed"
    assert "took longer than 1 s" in slow_row.error
    assert result.processed == [fine.inbound.pk]
    assert InboundMail.objects.get(pk=fine.inbound.pk).outcome == "ticket_created"
    # The pending sweep does not start the same work again.
    assert process_pending().processed == []
    assert InboundMail.objects.get(pk=slow.inbound.pk).attempts == 1


@pytest.mark.parametrize("tag", [b"b", b"blockquote", b"table", b"a"])
def test_other_nesting_is_bounded_too(world, tag):
    html = b"<" + tag + b">" * 1 + (b"<" + tag + b">") * 100_000 + b"Nested"
    raw = _head(extra=b"Content-Type: text/html\r\n") + b"\r\n" + html
    inbound = _timed(raw, world, 20)
    assert inbound.state == "processed"
