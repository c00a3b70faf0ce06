"""Notifications through the outbox to a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import datetime as dt
import email
from email import policy

import pytest
from django.utils import timezone, translation

from supportdesk.accounts.models import ContactMethod
from supportdesk.mail import outbox
from supportdesk.mail.models import CallTask, OutboundMail
from supportdesk.mail.reminders import send_reminders
from supportdesk.mail.threading import reply_address
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel
from tests.mail.conftest import ingest


def received(sink, index=-1):
    return email.message_from_bytes(sink.received[index].original_content, policy=policy.default)


def new_ticket(world, capture, raw=None):
    raw = raw or (
        b"From: Alice <alice@alpha.example>\r\nTo: support@example.com\r\n"
        b"Subject: Posting fails\r\nMessage-ID: <cust-1@alpha.example>\r\n\r\nIt fails.\r\n"
    )
    with capture(execute=True):
        inbound = ingest(raw, mailbox=world.mailbox)
    return inbound.ticket


def test_acknowledgement_is_multipart_threaded_and_marked_automatic(
    world, smtp_server, django_capture_on_commit_callbacks
):
    ticket = new_ticket(world, django_capture_on_commit_callbacks)
    mail = received(smtp_server)
    assert smtp_server.received[-1].rcpt_tos == ["alice@alpha.example"]
    assert mail["Subject"] == f"[{ticket.number}] Received: Posting fails"
    assert mail["In-Reply-To"] == "<cust-1@alpha.example>"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["X-Auto-Response-Suppress"] == "All"
    assert mail["Reply-To"] == reply_address(ticket) == f"support+{ticket.reply_token}@example.com"
    stored = OutboundMail.objects.get(ticket=ticket, purpose="ack")
    assert mail["Message-ID"] == stored.message_id and stored.state == "sent"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for body in (text, html):
        assert ticket.number in body and reply_address(ticket) in body
    assert "2 working days" in text


def test_mail_is_in_the_contacts_language(world, smtp_server, django_capture_on_commit_callbacks):
    world.alice.language = "sv"
    world.alice.save()
    ticket = new_ticket(world, django_capture_on_commit_callbacks)
    mail = received(smtp_server)
    assert mail["Subject"] == f"[{ticket.number}] Mottaget: Posting fails"
    text = mail.get_body(("plain",)).get_content()
    assert "Hej Alice" in text.replace(world.alice.get_short_name(), "Alice") or "Hej" in text
    assert "arbetsdagar" in text


def test_consultant_reply_chains_the_thread_and_is_not_marked_automatic(
    world, smtp_server, django_capture_on_commit_callbacks
):
    ticket = new_ticket(world, django_capture_on_commit_callbacks)
    ack_id = received(smtp_server)["Message-ID"]
    with django_capture_on_commit_callbacks(execute=True):
        actions.ticket_reply(
            ticket=ticket,
            actor=world.consultant,
            body="Check the lock date.",
            channel=Channel.CONSOLE,
        )
    mail = received(smtp_server)
    assert mail["Subject"] == f"Re: [{ticket.number}] Posting fails"
    assert mail["In-Reply-To"] == ack_id
    assert mail["References"].split() == ["<cust-1@alpha.example>", ack_id]
    assert mail["Auto-Submitted"] is None
    assert "Check the lock date." in mail.get_body(("plain",)).get_content()
    # The customer's answer to it threads back to the same ticket.
    answer = (
        f"From: alice@alpha.example\r\nTo: support@example.com\r\nSubject: Re: x\r\n"
        f"Message-ID: <cust-2@alpha.example>\r\nIn-Reply-To: {mail['Message-ID']}\r\n\r\nDone.\r\n"
    ).encode()
    assert ingest(answer, mailbox=world.mailbox).ticket == ticket


def test_status_changes_are_told_and_phone_contacts_get_a_call_task(
    world, smtp_server, django_capture_on_commit_callbacks
):
    world.alice.preferred_contact = ContactMethod.PHONE
    world.alice.phone = "+46 8 123 45 67"
    world.alice.save()
    ticket = new_ticket(world, django_capture_on_commit_callbacks)
    consultant = world.consultant
    with django_capture_on_commit_callbacks(execute=True):
        ticket = actions.ticket_assign(ticket=ticket, actor=consultant, assignee=consultant)
        ticket = actions.ticket_start(ticket=ticket, actor=consultant)
        ticket = actions.ticket_wait(
            ticket=ticket, actor=consultant, on="customer", reason="Which company?"
        )
    subjects = [received(smtp_server, i)["Subject"] for i in range(len(smtp_server.received))]
    assert subjects[-2:] == [
        f"[{ticket.number}] Posting fails – Assigned",
        f"[{ticket.number}] Posting fails – Waiting on customer",
    ]
    assert "Which company?" in received(smtp_server).get_body(("plain",)).get_content()
    task = CallTask.objects.get(ticket=ticket, contact=world.alice, done_at__isnull=True)
    assert "Waiting on customer" in task.reason
    # The consultant who calls reads why in their own language, whoever's language was
    # active when the task was written.
    with translation.override("en"):
        assert task.shown_reason.splitlines() == ["Status: Assigned", "Status: Waiting on customer"]
    with translation.override("sv"):
        swedish = task.shown_reason
    assert swedish.splitlines() == ["Status: Tilldelat", "Status: Väntar på kund"], swedish


def test_the_customers_own_changes_are_not_echoed(
    world, smtp_server, django_capture_on_commit_callbacks
):
    ticket = world.recent_closed
    before = OutboundMail.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        actions.ticket_reopen(ticket=ticket, actor=world.alice, reason="still wrong")
    assert OutboundMail.objects.count() == before


def test_a_failed_send_is_retried_with_backoff_and_sent_once(
    world, smtp_server, django_capture_on_commit_callbacks
):
    OutboundMail.objects.update(state="sent")  # the world's history is not due
    smtp_server.fail_next = 1
    ticket = new_ticket(world, django_capture_on_commit_callbacks)
    ack = OutboundMail.objects.get(ticket=ticket, purpose="ack")
    assert ack.state == "queued" and ack.attempts == 1 and "451" in ack.last_error
    assert ack.next_attempt_at > timezone.now()
    assert outbox.send_due() == 0, "not before the backoff"
    later = ack.next_attempt_at + dt.timedelta(seconds=1)
    assert outbox.send_due(now=later) == 1
    assert outbox.send_one(ack.pk, now=later) is False, "never twice"
    ack.refresh_from_db()
    assert ack.state == "sent" and len(smtp_server.received) == 1


def test_acknowledgements_are_rate_limited_per_sender(world, django_capture_on_commit_callbacks):
    for n in range(6):
        raw = (
            f"From: adam@alpha.example\r\nTo: support@example.com\r\nSubject: Question {n}\r\n"
            f"Message-ID: <rate-{n}@alpha.example>\r\n\r\nText.\r\n"
        ).encode()
        assert ingest(raw, mailbox=world.mailbox).outcome == "ticket_created"
    assert OutboundMail.objects.filter(recipient="adam@alpha.example", purpose="ack").count() == 3


@pytest.mark.parametrize("days,expected", [(2, 0), (4, 1), (8, 2), (30, 2)])
def test_waiting_on_customer_reminders(world, days, expected):
    ticket = world.open
    consultant = world.consultant
    ticket = actions.ticket_assign(ticket=ticket, actor=consultant, assignee=consultant)
    ticket = actions.ticket_start(ticket=ticket, actor=consultant)
    ticket = actions.ticket_wait(
        ticket=ticket, actor=consultant, on="customer", reason="Send the log"
    )
    start = timezone.now()
    for day in range(1, days + 1):
        send_reminders(now=start + dt.timedelta(days=day, minutes=1))
    reminders = OutboundMail.objects.filter(ticket=ticket, purpose="reminder")
    assert reminders.count() == expected
    if expected:
        assert "Send the log" in reminders.first().text
