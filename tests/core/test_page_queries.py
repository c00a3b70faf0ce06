"""Every page of the scale benchmark (bench/scale.py) costs a fixed number of queries:
the same for a desk of 6 tickets and of 66, asserted as exact numbers.

Counts include what a logged-in request reads before its view with sessions in the
database and no shared cache (session, user, and for staff the second-factor device),
as the benchmark runs. The workspace and the customer's ticket page are counted in
tests/portal/test_queries.py with long and short timelines.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportdesk.commitments.queue import in_queue_order, queue_cursor
from supportdesk.tickets import actions
from supportdesk.tickets.models import Ticket
from tests.factories import make_ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("steady_session_clock")]


def count(client, url: str) -> int:
    client.get(url)  # the first request of a session may settle it
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def add_tickets(alice, bob, dispatcher, consultant, n: int) -> None:
    for i in range(n):
        ticket = make_ticket(
            alice if i % 3 else bob, subject=f"Invoice {i} cannot be posted", contact_phone=""
        )
        if i % 2:
            actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)


def cursor_page() -> str:
    """The API's queue order, one page after the fifth open ticket."""
    fifth = in_queue_order(Ticket.objects.all())[4:5].get()
    return f"/api/v1/tickets?order=queue&cursor={queue_cursor(fifth)}"


# Staff: session, user, second-factor device. Customers: session, user, organisation.
# Where the backends differ, (SQLite, PostgreSQL).
STAFF_PAGES = [
    # The page of tickets (saying which have an error signature: none here, so no query for
    # other customers' tickets with the same error), the suggestions (consultants, their
    # skills), the skill and organisation filters, saved views, the unread notifications.
    ("/console/", (10, 10)),
    # A rare word, a number as the benchmark's: the number's ticket, references,
    # organisations, contacts by name, e-mail and telephone number (with the number
    # directory checked), tickets with that telephone number, ranked text (SQLite: one
    # FTS5 query; PostgreSQL: tickets and messages, each the newest rows first and then
    # the index when they held too few), notifications.
    ("/console/search/?q=15000017", (12, 15)),
    # A common word: no telephone path; on PostgreSQL the newest rows hold enough matches
    # for tickets, messages fall back to the index; then the tickets found.
    ("/console/search/?q=invoice", (9, 12)),
    # The page of tickets after the cursor, with their Odoo references.
    ("cursor", (5, 5)),
]
CUSTOMER_PAGES = [
    # The page of tickets with their capped count, in one query; the customer's saved views
    # (with all their counts in one more query when there are any: none here); the customer
    # read with their organisation, in one query.
    ("/tickets/", (4, 4)),
]


def on_this_backend(expected: tuple[int, int]) -> int:
    return expected[1] if connection.vendor == "postgresql" else expected[0]


@pytest.mark.parametrize(("url", "expected"), STAFF_PAGES)
def test_staff_pages_cost_a_fixed_number_of_queries(
    client, alice, bob, dispatcher, consultant, settings, url, expected
):
    settings.OTP_REQUIRED_ROLES = []
    client.force_login(dispatcher)
    add_tickets(alice, bob, dispatcher, consultant, 6)
    few = count(client, cursor_page() if url == "cursor" else url)
    add_tickets(alice, bob, dispatcher, consultant, 60)
    many = count(client, cursor_page() if url == "cursor" else url)
    assert few == many == on_this_backend(expected)


@pytest.mark.parametrize(("url", "expected"), CUSTOMER_PAGES)
def test_customer_pages_cost_a_fixed_number_of_queries(
    client, alice, bob, dispatcher, consultant, url, expected
):
    client.force_login(alice)
    add_tickets(alice, bob, dispatcher, consultant, 6)
    few = count(client, url)
    add_tickets(alice, bob, dispatcher, consultant, 60)
    many = count(client, url)
    assert few == many == on_this_backend(expected)
