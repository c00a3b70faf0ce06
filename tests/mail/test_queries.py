"""Processing a message costs the same number of queries however long the ticket's history."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportdesk.tickets import actions
from tests.mail.conftest import ingest


def _reply(world, n: int) -> bytes:
    return (
        b"From: Alice <alice@alpha.example>\r\nTo: support@example.com\r\n"
        b"Subject: Re: Invoice cannot be posted\r\nMessage-ID: <q-"
        + str(n).encode()
        + b"@alpha.example>\r\nIn-Reply-To: <root-1@alpha.example>\r\n\r\nStill failing.\r\n"
    )


def _queries(world, n: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        inbound = ingest(_reply(world, n), mailbox=world.mailbox)
    assert inbound.outcome == "replied" and inbound.ticket == world.open
    return len(captured)


def test_a_reply_costs_the_same_queries_with_a_long_history(world):
    _queries(world, 0)  # the first reply adds the customer as a watcher etc.
    short = _queries(world, 1)
    for n in range(30):
        actions.ticket_reply(
            ticket=world.open, actor=world.consultant, body=f"Answer {n}.", channel="console"
        )
        actions.ticket_add_note(ticket=world.open, actor=world.consultant, body=f"Note {n}.")
    for n in range(2, 12):
        ingest(_reply(world, n), mailbox=world.mailbox)
    long = _queries(world, 99)
    assert long == short, f"{short} queries for a reply, {long} with a long history"
    print(f"queries for a reply: {short}")
