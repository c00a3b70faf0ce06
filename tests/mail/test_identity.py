"""Loss-free identity: only the same message is folded into one; reused Message-IDs are not."""

from __future__ import annotations

from supportdesk.mail.models import InboundMail
from supportdesk.mail.store import content_hash
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Ticket
from tests.mail.conftest import ingest

BODY = b"Posting INV/2026/00099 fails again.\r\n"


def _message(body: bytes = BODY, *, sender: bytes = b"alice@alpha.example", relay: bytes = b""):
    return (
        relay + b"From: " + sender + b"\r\nTo: support@example.com\r\n"
        b"Subject: Invoice again\r\nMessage-ID: <reused@mailer.example>\r\n"
        b"Date: Wed, 11 Mar 2026 10:00:00 +0100\r\n\r\n" + body
    )


def test_the_same_bytes_twice_are_one_message(world):
    first = ingest(_message(), mailbox=world.mailbox)
    second = ingest(_message(), mailbox=world.mailbox)
    assert second.pk == first.pk
    assert InboundMail.objects.get().deliveries == 2


def test_the_same_message_by_another_route_is_one_message(world):
    first = ingest(
        _message(relay=b"Received: from a.example by mx1.example; Wed, 11 Mar 2026\r\n"),
        mailbox=world.mailbox,
    )
    other_route = _message(
        relay=(
            b"Return-Path: <alice@alpha.example>\r\nDelivered-To: support@example.com\r\n"
            b"Received: from b.example\r\n\tby mx2.example; Wed, 11 Mar 2026 10:01:00 +0100\r\n"
            b"DKIM-Signature: v=1; a=rsa-sha256; d=alpha.example;\r\n b=abc\r\n"
            b"Authentication-Results: mx2.example; dkim=pass header.d=alpha.example\r\n"
        )
    ).replace(b"\r\n", b"\n")  # delivered by a pipe with LF line ends
    second = ingest(other_route, mailbox=world.mailbox)
    assert second.pk == first.pk
    assert InboundMail.objects.get().deliveries == 2
    assert content_hash(bytes(first.raw)) == content_hash(other_route)


def test_a_different_message_reusing_a_message_id_is_stored_and_processed(world):
    first = ingest(_message(), mailbox=world.mailbox)
    other = _message(b"A different question about payroll.\r\n")
    second = ingest(other, mailbox=world.mailbox)
    assert second.pk != first.pk
    assert bytes(second.raw) == other and bytes(first.raw) == _message()
    assert second.state == "processed" and second.outcome == "ticket_created"
    assert "A different question about payroll." in second.ticket.description
    assert "<reused@mailer.example> was used before by a different message" in second.notes
    assert first.notes == ""
    # A changed header that no relay adds is a different message too.
    third = ingest(_message().replace(b"Invoice again", b"Invoice again!"), mailbox=world.mailbox)
    assert third.pk not in {first.pk, second.pk}
    assert InboundMail.objects.count() == 3


def test_threading_when_two_stored_messages_share_a_message_id(world, org_b, bob):
    """Alice and Bob each opened a ticket with a mail of the same Message-ID."""
    alice_first = ingest(_message(), mailbox=world.mailbox)
    bob_first = ingest(
        _message(b"Bob's own question.\r\n", sender=b"bob@beta.example"), mailbox=world.mailbox
    )
    assert alice_first.ticket != bob_first.ticket
    assert bob_first.ticket.organisation == org_b

    def reply(sender: bytes, n: int) -> bytes:
        return (
            b"From: " + sender + b"\r\nTo: support@example.com\r\nSubject: Re: Invoice again\r\n"
            b"Message-ID: <reply-" + str(n).encode() + b"@x.example>\r\n"
            b"In-Reply-To: <reused@mailer.example>\r\n\r\nAny news?\r\n"
        )

    assert ingest(reply(b"bob@beta.example", 1), mailbox=world.mailbox).ticket == (bob_first.ticket)
    assert ingest(reply(b"alice@alpha.example", 2), mailbox=world.mailbox).ticket == (
        alice_first.ticket
    )


def test_a_consultant_reply_threads_to_the_message_it_answers(world):
    """A Message-ID that names one ticket only wins over one that names two."""
    ingest(_message(), mailbox=world.mailbox)
    ingest(_message(b"Bob's own question.\r\n", sender=b"bob@beta.example"), mailbox=world.mailbox)
    ticket = actions.ticket_create(
        actor=world.alice,
        organisation=world.alice.organisation,
        requester=world.alice,
        channel=Channel.EMAIL,
        subject="Unique",
        description="Unique.",
        message_id="<unique@alpha.example>",
    )
    raw = (
        b"Authentication-Results: mx.example.com; dmarc=pass header.from=partner.example\r\n"
        b"From: carl@partner.example\r\nTo: support@example.com\r\nSubject: Re: Unique\r\n"
        b"Message-ID: <carl-9@partner.example>\r\nIn-Reply-To: <reused@mailer.example>\r\n"
        b"References: <unique@alpha.example> <reused@mailer.example>\r\n\r\nOn it.\r\n"
    )
    inbound = ingest(raw, mailbox=world.mailbox)
    assert inbound.ticket == ticket
    assert Ticket.objects.filter(subject="Unique").count() == 1
