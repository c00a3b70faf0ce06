"""The pipe's spool: nothing in it is lost, whatever stops the worker reading it."""

from __future__ import annotations

import shutil

import pytest
from django.db import OperationalError

from supportdesk.mail import spool, store
from supportdesk.mail.models import InboundMail
from supportdesk.tickets.models import Ticket


def _message(n: int) -> bytes:
    return (
        f"From: Alice <alice@alpha.example>\r\nTo: support@example.com\r\n"
        f"Subject: Spooled {n}\r\nMessage-ID: <spool-{n}@alpha.example>\r\n\r\nNumber {n}.\r\n"
    ).encode()


@pytest.fixture
def spooldir(world, settings, tmp_path):
    settings.MAIL_SPOOL_DIR = tmp_path / "spool"
    return settings.MAIL_SPOOL_DIR


def test_a_spooled_file_holds_the_envelope_and_the_exact_bytes(spooldir):
    raw = b"From: x@y.example\n\nbody with \x00 and \xff bytes\n"
    path = spool.write(raw, recipients=["support@example.com"], sender="x@y.example",
                       directory=spooldir)  # fmt: skip
    envelope, back = spool.read(path)
    assert back == raw
    assert envelope == {
        "mailbox": "",
        "recipients": ["support@example.com"],
        "sender": "x@y.example",
    }
    assert list((spooldir / "tmp").iterdir()) == []


def test_a_worker_stopped_mid_batch_leaves_the_rest_for_the_next(spooldir, monkeypatch):
    for n in range(5):
        spool.write(_message(n), recipients=["support@example.com"], directory=spooldir)
    real = store.store_many

    def failing(rows):
        real(rows[:2])  # stored in the batch's transaction, which then fails
        raise OperationalError("the database went away")

    monkeypatch.setattr(store, "store_many", failing)
    with pytest.raises(OperationalError):
        spool.ingest_spool()
    assert InboundMail.objects.count() == 0, "the batch's store is one transaction"
    assert len(list((spooldir / "new").iterdir())) == 5, "not stored: still in the spool"
    monkeypatch.undo()
    result = spool.ingest_spool()
    assert len(result.stored) == 5 and len(result.processed) == 5
    assert set(Ticket.objects.filter(subject__startswith="Spooled").values_list(
        "subject", flat=True)) == {f"Spooled {n}" for n in range(5)}  # fmt: skip
    assert list((spooldir / "new").iterdir()) == []


def test_a_file_left_after_its_message_was_stored_is_the_same_message(spooldir, tmp_path):
    path = spool.write(_message(7), recipients=["support@example.com"], directory=spooldir)
    copy = tmp_path / "copy.eml"
    shutil.copy(path, copy)
    first = spool.ingest_spool()
    shutil.copy(copy, path)  # as if the worker stopped between the commit and the removal
    second = spool.ingest_spool()
    assert second.duplicates == first.stored and not second.stored
    assert InboundMail.objects.get().deliveries == 2
    assert Ticket.objects.filter(subject="Spooled 7").count() == 1


def test_the_same_message_twice_in_one_batch_is_stored_once_and_counted(spooldir):
    for _ in range(2):
        spool.write(_message(8), recipients=["support@example.com"], directory=spooldir)
    spool.write(_message(9), recipients=["support@example.com"], directory=spooldir)
    result = spool.ingest_spool()
    assert len(result.stored) == 2 and len(result.duplicates) == 1
    assert result.duplicates[0] in result.stored
    assert InboundMail.objects.get(message_id="<spool-8@alpha.example>").deliveries == 2
    assert Ticket.objects.filter(subject="Spooled 8").count() == 1
    assert list((spooldir / "new").iterdir()) == []


def test_one_worker_at_a_time_reads_a_spool(spooldir):
    import fcntl

    spool.write(_message(8), directory=spooldir)
    with open(spooldir / ".lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        assert spool.ingest_spool().busy
    assert len(spool.ingest_spool().stored) == 1
