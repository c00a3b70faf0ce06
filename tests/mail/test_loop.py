"""Mail loops: our acknowledgement answered by an auto-responder stops after one round."""

from __future__ import annotations

import email
from email import policy

import pytest

from supportdesk.mail.models import InboundMail, OutboundMail
from tests.mail.conftest import ingest


def auto_responder(original: bytes, *, compliant: bool) -> bytes:
    """What an out-of-office responder sends back to a mail it received."""
    mail = email.message_from_bytes(original, policy=policy.default)
    headers = [
        "From: Alice <alice@alpha.example>",
        "To: support@example.com",
        f"Subject: Automatic reply: {mail['Subject']}" if compliant else f"Re: {mail['Subject']}",
        f"Message-ID: <oof-{abs(hash(mail['Message-ID']))}@alpha.example>",
        f"In-Reply-To: {mail['Message-ID']}",
    ]
    if compliant:
        headers.append("Auto-Submitted: auto-replied")
    return ("\r\n".join(headers) + "\r\n\r\nI am away until Monday.\r\n").encode()


@pytest.mark.parametrize("compliant", [True, False], ids=["rfc3834", "no-headers"])
def test_an_auto_responder_loop_stops_after_the_first_round(
    world, smtp_server, django_capture_on_commit_callbacks, compliant
):
    first = (
        b"From: Alice <alice@alpha.example>\r\nTo: support@example.com\r\nSubject: Help\r\n"
        b"Message-ID: <loop-start@alpha.example>\r\n\r\nPlease help.\r\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ingest(first, mailbox=world.mailbox).ticket
    for _round in range(10):
        if not smtp_server.received:
            break
        sent = [e.original_content for e in smtp_server.received]
        smtp_server.received.clear()
        for raw in sent:
            with django_capture_on_commit_callbacks(execute=True):
                ingest(auto_responder(raw, compliant=compliant), mailbox=world.mailbox)
    # One acknowledgement went out, one automatic answer came back, nothing more.
    assert OutboundMail.objects.filter(ticket=ticket).count() == 1
    answers = InboundMail.objects.exclude(message_id="<loop-start@alpha.example>")
    assert answers.count() == 1
    assert answers.get().ticket == ticket
    assert smtp_server.received == []


def test_a_responder_that_does_not_thread_is_stopped_by_the_acknowledgement_limit(world):
    for n in range(10):
        raw = (
            f"From: bot@alpha.example\r\nTo: support@example.com\r\nSubject: Thank you {n}\r\n"
            f"Message-ID: <bot-{n}@alpha.example>\r\n\r\nWe got your mail.\r\n"
        ).encode()
        ingest(raw, mailbox=world.mailbox)
    acks = OutboundMail.objects.filter(recipient="bot@alpha.example", purpose="ack").count()
    assert acks == 3


def test_our_own_mail_coming_back_is_dropped(world):
    ack = OutboundMail.objects.get(ticket=world.open, purpose="ack")
    raw = (
        f"From: Support <support@example.com>\r\nTo: support@example.com\r\n"
        f"Subject: {ack.subject}\r\nMessage-ID: {ack.message_id}\r\nX-Loop: support@example.com\r\n\r\n"
        f"{ack.text}"
    ).encode()
    inbound = ingest(raw, mailbox=world.mailbox)
    assert (inbound.state, inbound.outcome, inbound.ticket) == ("dropped", "own_mail", None)
    assert world.open.messages.count() == 1
