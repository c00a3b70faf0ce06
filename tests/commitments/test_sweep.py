"""The assignment sweep (R3): one warning before the deadline, one breach after it.

A ticket registered on Wednesday 2027-03-10 at 10:00 must be assigned by Friday 10:00;
dispatchers are warned 2 working hours before, at Thursday's close (the same point of
working time as Friday 08:00).
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter

import pytest
from django.db import connection, connections

from supportdesk.commitments.actions import sweep
from supportdesk.commitments.models import Notification
from supportdesk.tickets import actions
from supportdesk.tickets.models import Event, Ticket
from tests.commitments.helpers import at, local
from tests.factories import UserFactory, make_ticket

WARN_AT = local(2027, 3, 11, 17, 0)
DUE = local(2027, 3, 12, 10, 0)


@pytest.fixture
def second_dispatcher(db):
    return UserFactory(email="dag@partner.example", role="dispatcher", organisation=None)


def wednesday_ticket(requester, minute: int = 0) -> Ticket:
    with at(2027, 3, 10, 10, minute):
        return make_ticket(requester, subject=f"Ticket at 10:{minute:02d}")


def verbs(ticket: Ticket) -> Counter[str]:
    return Counter(ticket.events.values_list("verb", flat=True))


@pytest.mark.django_db
def test_sweep_warns_every_dispatcher_once_then_records_one_breach(
    alice, dispatcher, second_dispatcher, consultant
):
    ticket = wednesday_ticket(alice)
    assert Ticket.objects.get(pk=ticket.pk).assignment_warn_at == WARN_AT

    assert sweep(now=local(2027, 3, 11, 16, 59)) == (0, 0)  # more than 2 working hours left
    assert sweep(now=WARN_AT) == (1, 0)
    assert sweep(now=local(2027, 3, 12, 9, 0)) == (0, 0)  # already warned

    warning = Event.objects.get(ticket=ticket, verb="assignment_warning")
    assert warning.created_at == WARN_AT
    assert warning.public is False  # not on the customer's timeline
    notes = Notification.objects.filter(ticket=ticket, kind="assignment_warning")
    assert sorted(n.user.email for n in notes) == [
        "dag@partner.example",
        "dora@partner.example",
    ]  # the dispatchers, not the consultant, not the system user
    assert ticket.number in notes[0].text
    assert "2027-03-12 10:00" in notes[0].text  # the deadline in local time

    assert sweep(now=local(2027, 3, 12, 9, 59)) == (0, 0)  # not yet breached
    assert sweep(now=DUE) == (0, 1)
    assert sweep(now=local(2027, 3, 12, 10, 1)) == (0, 0)
    assert sweep(now=local(2027, 3, 15, 12, 0)) == (0, 0)

    assert verbs(ticket)["assignment_warning"] == 1
    assert verbs(ticket)["assignment_breached"] == 1
    assert Event.objects.get(ticket=ticket, verb="assignment_breached").created_at == DUE
    assert Notification.objects.filter(ticket=ticket, kind="assignment_breached").count() == 2
    assert Ticket.objects.get(pk=ticket.pk).assignment_breached_at == DUE


@pytest.mark.django_db
def test_a_ticket_first_swept_after_its_deadline_is_warned_and_breached_once(alice, dispatcher):
    ticket = wednesday_ticket(alice)

    assert sweep(now=local(2027, 3, 15, 9, 0)) == (1, 1)
    assert sweep(now=local(2027, 3, 15, 9, 1)) == (0, 0)

    assert verbs(ticket)["assignment_warning"] == 1
    assert verbs(ticket)["assignment_breached"] == 1


@pytest.mark.django_db
def test_assigned_tickets_are_never_warned_or_breached(alice, dispatcher, consultant):
    assigned = wednesday_ticket(alice, 0)
    unassigned = wednesday_ticket(alice, 1)
    with at(2027, 3, 11, 9, 0):
        actions.ticket_assign(ticket=assigned, actor=dispatcher, assignee=consultant)

    assert sweep(now=WARN_AT) == (0, 0)  # the other is due at 10:01: warned at 17:01
    assert sweep(now=local(2027, 3, 15, 12, 0)) == (1, 1)

    assert not assigned.events.filter(verb__startswith="assignment_").exists()
    assert not Notification.objects.filter(ticket=assigned, kind__startswith="assignment_").exists()
    assert verbs(unassigned)["assignment_breached"] == 1


@pytest.mark.django_db
def test_a_ticket_assigned_after_the_warning_is_not_breached(alice, dispatcher, consultant):
    ticket = wednesday_ticket(alice)
    assert sweep(now=WARN_AT) == (1, 0)
    with at(2027, 3, 12, 9, 30):
        actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)

    assert sweep(now=local(2027, 3, 12, 11, 0)) == (0, 0)
    assert not ticket.events.filter(verb="assignment_breached").exists()


@pytest.fixture
def file_database_on_sqlite(tmp_path):
    """On SQLite, race on a database file, as production runs it (WAL, IMMEDIATE, 20 s).

    pytest-django's SQLite test database lives in memory with a shared cache, where a
    writer waiting for another gets "database table is locked" at once instead of waiting
    out the busy timeout. So the test copies it to a file and points every thread there
    for its duration; PostgreSQL needs nothing of this.
    """
    memory = connections["default"]
    if memory.vendor != "sqlite" or not memory.is_in_memory_db():
        yield
        return
    path = tmp_path / "race.sqlite3"
    memory.ensure_connection()
    copy = sqlite3.connect(path)
    memory.connection.backup(copy)
    copy.close()
    memory_settings = connections.settings["default"]
    file_settings = {**memory_settings, "NAME": str(path)}
    connections.settings["default"] = file_settings  # for the threads' new connections
    connections["default"] = memory.__class__(file_settings, "default")  # for this thread
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"] = memory
        connections.settings["default"] = memory_settings


def _sweep_concurrently(now, *, threads: int = 2) -> list[tuple[int, int]]:
    """Run ``sweep(now=now)`` in ``threads`` threads released at the same moment."""
    barrier = threading.Barrier(threads)
    results: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(sweep(now=now))
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not errors, errors
    assert len(results) == threads
    return results


@pytest.mark.django_db(transaction=True)
def test_the_sweep_run_twice_concurrently_records_one_warning_and_one_breach(
    alice, dispatcher, second_dispatcher, file_database_on_sqlite
):
    tickets = [wednesday_ticket(alice, minute) for minute in range(6)]

    warned = _sweep_concurrently(local(2027, 3, 12, 9, 0))  # every ticket inside 2 hours
    assert sum(w for w, _ in warned) == len(tickets)
    assert sum(b for _, b in warned) == 0
    breached = _sweep_concurrently(local(2027, 3, 12, 11, 0))  # every ticket past its deadline
    assert sum(w for w, _ in breached) == 0
    assert sum(b for _, b in breached) == len(tickets)
    # And both at once: warn and breach in the same racing sweeps, for fresh tickets.
    late = [wednesday_ticket(alice, minute) for minute in range(10, 14)]
    both = _sweep_concurrently(local(2027, 3, 15, 12, 0))
    assert sum(w for w, _ in both) == len(late)
    assert sum(b for _, b in both) == len(late)

    for ticket in [*tickets, *late]:
        counted = verbs(ticket)
        assert counted["assignment_warning"] == 1, ticket.number
        assert counted["assignment_breached"] == 1, ticket.number
        notes = Counter(
            Notification.objects.filter(ticket=ticket, kind__startswith="assignment_").values_list(
                "kind", flat=True
            )
        )
        assert notes == {"assignment_warning": 2, "assignment_breached": 2}, ticket.number
