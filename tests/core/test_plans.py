"""PostgreSQL plans: the board, the search and the workspace read tickets through indexes.

The test database is tiny, so the planner would rightly scan it whole; with sequential
scans priced out (``enable_seqscan = off``) it still picks one only where no index can
answer the query, which is what a million tickets would make slow.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportdesk.tickets import actions
from tests.factories import make_ticket

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the plans checked are PostgreSQL's"
    ),
]

TICKETS = re.compile(r'\b(FROM|JOIN)\s+"?tickets_ticket"?', re.IGNORECASE)


def ticket_plans(client, url: str) -> list[tuple[str, str]]:
    """(query, plan) of every read of tickets that requesting ``url`` makes."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for query in captured.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or not TICKETS.search(
                    sql
                ):
                    continue
                cursor.execute("EXPLAIN " + sql)
                plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert plans, f"{url} read no tickets"
    return plans


@pytest.fixture
def desk(client, alice, consultant, dispatcher, settings):
    settings.OTP_REQUIRED_ROLES = []
    for k in range(3):
        ticket = make_ticket(alice, subject=f"Invoice {k} cannot be posted", contact_phone="")
        actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    client.force_login(dispatcher)
    return ticket


@pytest.mark.parametrize(
    "url",
    [
        "/console/",
        "/console/?view=unassigned",
        "/console/search/?q=invoice",
        "/console/search/?q=alice",
        "/console/search/?q=%2B46701234567",
        "/console/search/?q=Alpha",
        "/console/tickets/{number}/",
    ],
)
def test_staff_pages_read_tickets_without_a_sequential_scan(client, desk, url):
    for sql, plan in ticket_plans(client, url.format(number=desk.number)):
        assert "Seq Scan on tickets_ticket" not in plan, f"{sql}\n{plan}"


@pytest.mark.parametrize("url", ["/tickets/", "/tickets/?state=all", "/tickets/{number}/"])
def test_customer_pages_read_tickets_without_a_sequential_scan(client, desk, alice, url):
    client.force_login(alice)
    for sql, plan in ticket_plans(client, url.format(number=desk.number)):
        assert "Seq Scan on tickets_ticket" not in plan, f"{sql}\n{plan}"
