"""Processing a message costs a fixed number of queries, however long the ticket's history.

Counted as production runs it: real transactions (no test savepoints), the subscribers'
work queued for the worker (collected here, then run to show it does its job). Each count
is store (one INSERT, its own transaction) plus processing (one transaction); a batch
reads its senders in one query, locks a chunk's messages in one and writes their outcomes
in one, so a message in a batch costs three less. SQLite's ``BEGIN IMMEDIATE`` and ``COMMIT`` go through
the cursor and PostgreSQL's do not: statements are counted without them, on both, and on
SQLite the transactions are counted too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from huey.contrib.djhuey import HUEY

from supportdesk.mail.lookups import Lookups, our_addresses_cached
from supportdesk.mail.models import InboundMail, OutboundMail
from supportdesk.mail.process import process, process_batch
from supportdesk.mail.store import store_raw
from supportdesk.tickets import actions
from supportdesk.tickets.models import Event, EventDelivery, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

REPLY = 9  # store, lock the message, thread, sender, lock the ticket, message, event,
# the ticket's changed columns, the message's outcome (a reply that changes no status
# keeps the stored pauses: no history is read)
NEW_TICKET = 9  # store, lock, own/thread check, sender, ticket, references, message,
# event, outcome
NEW_CONTACT = 11  # and the organisation by mail domain, the new contact


CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")


@contextlib.contextmanager
def exactly(statements: int, *, transactions: int = 2, savepoints: int = 0) -> Iterator[None]:
    """``statements`` besides BEGIN, COMMIT and the savepoints, which are counted apart."""
    with CaptureQueriesContext(connection) as captured:
        yield
    sql = [q["sql"] for q in captured.captured_queries]
    done = [q for q in sql if not q.startswith(CONTROL) and "SAVEPOINT" not in q]
    assert len(done) == statements, "\n".join([f"{len(done)} statements:", *done])
    if connection.vendor == "sqlite":
        assert sum(q.startswith("BEGIN") for q in sql) == transactions, sql
    made = [q for q in sql if q.startswith("SAVEPOINT")]
    assert len(made) == savepoints, sql
    assert len([q for q in sql if "SAVEPOINT" in q]) == 2 * savepoints, "each released"


@pytest.fixture
def queued(monkeypatch):
    """The tasks the subscribers queue, kept instead of run (the worker runs them)."""
    tasks: list = []
    monkeypatch.setattr(HUEY, "enqueue", tasks.append)
    return tasks


def run_queued(tasks: list) -> None:
    while tasks:
        HUEY.execute(tasks.pop(0))


@pytest.fixture
def warm(world):
    """What a running worker has at hand: the calendar and our addresses, read once."""
    actions.ticket_add_note(ticket=world.open, actor=world.consultant, body="Warm the clocks.")
    our_addresses_cached()
    return world


def _reply(n: int, body: bytes = b"Still failing.") -> bytes:
    return (
        b"From: Alice <alice@alpha.example>\r\nTo: support@example.com\r\n"
        b"Subject: Re: Invoice cannot be posted\r\nMessage-ID: <q-"
        + str(n).encode()
        + b"@alpha.example>\r\nIn-Reply-To: <root-1@alpha.example>\r\n\r\n"
        + body
        + b"\r\n"
    )


def _new(n: int, sender: bytes = b"Alice <alice@alpha.example>") -> bytes:
    return (
        b"From: "
        + sender
        + b"\r\nTo: support@example.com\r\nSubject: Posting S00042 fails "
        + str(n).encode()
        + b"\r\nMessage-ID: <n-"
        + str(n).encode()
        + b"@alpha.example>\r\n\r\nThe sales order cannot be confirmed.\r\n"
    )


def _ingest(world, raw: bytes) -> InboundMail:
    return process(store_raw(raw, source="pipe", mailbox=world.mailbox).inbound.pk)


def test_a_reply_costs_nine_queries_and_queues_its_side_effects(warm, queued):
    with exactly(REPLY):
        inbound = _ingest(warm, _reply(1))
    assert inbound.outcome == "replied" and inbound.ticket == warm.open
    assert {t.name for t in queued} >= {"notify_staff", "customer_wrote", "fan_out_event"}
    replied = Event.objects.get(
        ticket=warm.open, verb="replied", new__message_id=inbound.ticket_message_id
    )
    assert not EventDelivery.objects.filter(event=replied).exists()
    run_queued(queued)  # the worker's part: the staff are told, once
    assert set(
        EventDelivery.objects.filter(event=replied).values_list("subscriber", flat=True)
    ) == {
        "console.staff",
        "mail.customers",
    }


def test_a_reply_costs_the_same_with_a_long_history(warm, queued):
    with exactly(REPLY):
        _ingest(warm, _reply(1))
    warm.open = actions.ticket_assign(ticket=warm.open, actor=warm.consultant,
                                      assignee=warm.consultant)  # fmt: skip
    for n in range(30):
        actions.ticket_reply(
            ticket=warm.open, actor=warm.consultant, body=f"Answer {n}.", channel="console"
        )
        actions.ticket_add_note(ticket=warm.open, actor=warm.consultant, body=f"Note {n}.")
        if n % 10 == 0:
            warm.open = actions.ticket_wait(ticket=warm.open, actor=warm.consultant, on="customer")
            _ingest(warm, _reply(100 + n))  # the customer answers: back to work
    assert Event.objects.filter(ticket=warm.open).count() > 60
    with exactly(REPLY):
        inbound = _ingest(warm, _reply(2))
    assert inbound.outcome == "replied"


def test_a_new_ticket_costs_nine_queries_and_is_acknowledged_by_the_worker(warm, queued):
    with exactly(NEW_TICKET):
        inbound = _ingest(warm, _new(1))
    ticket = inbound.ticket
    assert inbound.outcome == "ticket_created" and ticket.requester == warm.alice
    assert inbound.ticket_message.message_id == "<n-1@alpha.example>"
    assert list(ticket.odoo_refs.values_list("text", flat=True)) == ["S00042"]
    assert not OutboundMail.objects.filter(ticket=ticket, purpose="ack").exists()
    run_queued(queued)
    assert OutboundMail.objects.filter(ticket=ticket, purpose="ack").count() == 1


def test_a_new_contact_from_a_customer_domain_costs_eleven(warm, queued):
    with exactly(NEW_CONTACT):
        inbound = _ingest(warm, _new(2, sender=b"Erik <erik@alpha.example>"))
    assert inbound.outcome == "ticket_created"
    assert inbound.ticket.requester.email == "erik@alpha.example"
    assert inbound.ticket.sender_verified is False


def test_a_batch_shares_its_look_ups_and_its_commit(warm, queued):
    """Ten replies in one batch: one query for the batch's messages and one for all their
    senders, one locking the chunk's rows and one writing their outcomes, then each
    message three queries less than alone (its sender, its lock and its outcome are the
    batch's), in one transaction without savepoints; the subscribers queue one task each
    for the whole batch."""
    ids = [
        store_raw(_reply(10 + n), source="pipe", mailbox=warm.mailbox).inbound.pk for n in range(10)
    ]
    queued.clear()
    with exactly(2 + 2 + 10 * (REPLY - 4), transactions=1):
        result = process_batch(ids, lookups=Lookups())
    assert len(result.processed) == 10 and not result.failed
    assert Ticket.objects.get(pk=warm.open.pk).messages.count() >= 11
    names = [t.name for t in queued]
    assert sorted(names) == sorted(set(names)), "one task per subscriber for the batch"
    staff = next(t for t in queued if t.name == "notify_staff")
    assert len(staff.args) == 10  # the ten replies' events
    run_queued(queued)
    replied = Event.objects.filter(verb="replied", ticket=warm.open)
    assert EventDelivery.objects.filter(event__in=replied, subscriber="console.staff").count() == 10


def test_a_failing_message_leaves_the_rest_of_its_batch_processed(warm, queued, monkeypatch):
    """The batch's transaction is done again with a savepoint per message: the others are
    processed and acknowledged once, the failing one kept as failed with its reason, and
    it is not processed a second time."""
    from supportdesk.mail import process as process_module

    real, calls = process_module._process, []

    def failing(inbound, lookups):
        calls.append(inbound.pk)
        if b"Broken" in bytes(inbound.raw):
            raise ValueError("a recogniser tripped over this message")
        real(inbound, lookups)

    monkeypatch.setattr(process_module, "_process", failing)
    raws = [_new(20), _new(21, sender=b"Alice <alice@alpha.example>\r\nX-Tag: Broken"), _new(22)]
    ids = [store_raw(raw, source="pipe", mailbox=warm.mailbox).inbound.pk for raw in raws]
    queued.clear()
    result = process_batch(ids, lookups=Lookups())
    assert result.processed == [ids[0], ids[2]]
    assert result.failed == [(ids[1], "ValueError: a recogniser tripped over this message")]
    assert calls.count(ids[1]) == 1, "the failing message is not run again"
    rows = {r.pk: r for r in InboundMail.objects.filter(pk__in=ids)}
    assert [rows[pk].state for pk in ids] == ["processed", "failed", "processed"]
    assert rows[ids[1]].attempts == 1 and rows[ids[1]].ticket_id is None
    assert Ticket.objects.filter(subject__startswith="Posting S00042 fails 2").count() == 2
    run_queued(queued)
    acks = OutboundMail.objects.filter(purpose="ack", ticket__in=[rows[ids[0]].ticket_id,
                                                                  rows[ids[2]].ticket_id])  # fmt: skip
    assert acks.count() == 2
    assert not Ticket.objects.filter(subject="Posting S00042 fails 21").exists()
