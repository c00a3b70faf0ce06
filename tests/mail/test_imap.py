"""Polling a real IMAP server (a private Dovecot started for each test)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError

from supportdesk.mail import imap
from supportdesk.mail.models import InboundMail, Mailbox, OutboundMail
from supportdesk.tickets.models import Message, Ticket
from tests.mail.servers import PASSWORD, USER


def message(
    n: int, *, sender: str = "alice@alpha.example", reply_to: str = "", subject: str = ""
) -> bytes:
    headers = [
        f"From: Alice <{sender}>",
        "To: support@example.com",
        f"Subject: {subject or f'Question {n}'}",
        f"Message-ID: <imap-{n}@alpha.example>",
        f"Date: Wed, 11 Mar 2026 10:{n:02d}:00 +0100",
    ]
    if reply_to:
        headers.append(f"In-Reply-To: {reply_to}")
    return ("\r\n".join(headers) + f"\r\n\r\nBody of message {n}.\r\n").encode()


@pytest.fixture
def imap_box(world, dovecot) -> Mailbox:
    box = world.mailbox
    box.imap_host, box.imap_port = "127.0.0.1", dovecot.port
    box.imap_security, box.imap_username = Mailbox.Security.NONE, USER
    box.imap_secret = PASSWORD
    box.save()
    return box


def test_the_password_is_stored_encrypted(imap_box):
    assert PASSWORD not in imap_box.imap_secret_encrypted
    assert Mailbox.objects.get(pk=imap_box.pk).imap_secret == PASSWORD


def test_poll_stores_processes_and_flags_every_message(imap_box, dovecot):
    dovecot.deliver(message(1), message(2), message(3, sender="petra@gmail.example"))
    result = imap.poll(imap_box)
    assert len(result.stored) == 3 and not result.processed.failed
    assert Ticket.objects.filter(subject__in=["Question 1", "Question 2"]).count() == 2
    assert InboundMail.objects.get(message_id="<imap-3@alpha.example>").outcome == "lead"
    flags = dovecot.flags()
    assert all(b"$SupportdeskStored" in f and b"\\Seen" in f for f in flags.values())
    assert len(flags) == 3, "nothing is deleted from the mailbox"
    again = imap.poll(imap_box)
    assert again.stored == [] and again.duplicates == []
    imap_box.refresh_from_db()
    assert imap_box.last_uid == 3 and imap_box.uidvalidity and imap_box.last_error == ""


def test_a_message_is_flagged_only_after_it_is_stored(imap_box, dovecot, monkeypatch):
    dovecot.deliver(message(1), message(2), message(3))
    real = imap.store_raw
    calls = []

    def failing_second(raw, **kwargs):
        calls.append(raw)
        if len(calls) == 2:
            raise OperationalError("database is locked")
        return real(raw, **kwargs)

    monkeypatch.setattr(imap, "store_raw", failing_second)
    with pytest.raises(OperationalError):
        imap.poll(imap_box)
    flags = dovecot.flags()
    assert [uid for uid, f in flags.items() if b"$SupportdeskStored" in f] == []
    assert InboundMail.objects.count() == 1  # the first is committed, not yet flagged
    monkeypatch.setattr(imap, "store_raw", real)
    result = imap.poll(imap_box)
    assert len(result.stored) == 2 and len(result.duplicates) == 1
    assert InboundMail.objects.count() == 3
    assert Ticket.objects.filter(subject__startswith="Question").count() == 3
    assert all(b"$SupportdeskStored" in f for f in dovecot.flags().values())


def test_a_malformed_message_is_kept_and_the_next_still_processed(imap_box, dovecot):
    dovecot.deliver(b"X-Broken: yes\r\nSubject: no sender\r\n\r\nnothing\r\n", message(2))
    result = imap.poll(imap_box)
    assert len(result.processed.failed) == 1
    failed = InboundMail.objects.get(state="failed")
    assert "no sender" in failed.error and bytes(failed.raw).startswith(b"X-Broken")
    assert Ticket.objects.filter(subject="Question 2").exists()
    assert all(b"$SupportdeskStored" in f for f in dovecot.flags().values())


def test_a_reply_before_its_parent_in_one_batch_still_threads(imap_box, dovecot):
    dovecot.deliver(
        message(2, reply_to="<imap-1@alpha.example>", subject="Re: Question 1"), message(1)
    )
    imap.poll(imap_box)
    ticket = Ticket.objects.get(subject="Question 1")
    assert not Ticket.objects.filter(subject__contains="Re:").exists()
    assert list(Message.objects.filter(ticket=ticket).values_list("message_id", flat=True)) == [
        "<imap-1@alpha.example>",
        "<imap-2@alpha.example>",
    ]


def test_stored_mail_can_be_moved_to_a_done_folder(imap_box, dovecot):
    imap_box.imap_done_folder = "Supportdesk"
    imap_box.save()
    dovecot.deliver(message(1), message(2))
    imap.poll(imap_box)
    assert dovecot.flags("INBOX") == {}
    assert len(dovecot.flags("Supportdesk")) == 2
    assert InboundMail.objects.filter(state="processed").count() == 2


def test_a_wrong_password_is_reported_on_the_mailbox(imap_box):
    imap_box.imap_secret = "wrong"
    imap_box.save()
    results = imap.poll_all()
    assert "fail" in str(results["Support"]).lower() or "auth" in str(results["Support"]).lower()
    imap_box.refresh_from_db()
    assert imap_box.last_error


@pytest.mark.django_db(transaction=True)
def test_idle_picks_up_new_mail_within_seconds(mail_settings, org_a, alice, dovecot):
    org_a.mail_domains = "alpha.example"
    org_a.save()
    box = Mailbox.objects.create(
        name="Idle",
        address="support@example.com",
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_security=Mailbox.Security.NONE,
        imap_username=USER,
        imap_idle=True,
    )
    box.imap_secret = PASSWORD
    box.save()
    stop = threading.Event()
    thread = threading.Thread(target=imap.idle, args=(box,), kwargs={"stop": stop}, daemon=True)
    thread.start()
    try:
        time.sleep(1)
        dovecot.deliver(message(7))
        deadline = time.monotonic() + 10
        while (
            time.monotonic() < deadline and not Ticket.objects.filter(subject="Question 7").exists()
        ):
            time.sleep(0.2)
        assert Ticket.objects.filter(subject="Question 7").exists()
    finally:
        stop.set()
        thread.join(timeout=10)


def test_a_message_over_the_limit_is_not_downloaded_but_its_sender_is_told(imap_box, dovecot):
    big = message(9).replace(b"Body of message 9.", b"x" * 150_000)
    dovecot.deliver(big)
    imap.poll(imap_box)
    inbound = InboundMail.objects.get()
    assert inbound.truncated and inbound.size == len(big) and len(bytes(inbound.raw)) < 1000
    assert (inbound.state, inbound.outcome) == ("ignored", "too_large")
    refused = OutboundMail.objects.get(purpose="refused")
    assert refused.to == ["alice@alpha.example"] and "we accept messages up to" in refused.text
    assert all(b"$SupportdeskStored" in f for f in dovecot.flags().values())
