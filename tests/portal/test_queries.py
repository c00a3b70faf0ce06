"""The ticket page costs a fixed number of queries, however long its timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportdesk.billing import actions as billing
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel
from tests.factories import make_ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("steady_session_clock")]


def add_work(ticket, customer, consultant, rounds: int) -> None:
    """Replies with attachments both ways, internal notes and time entries."""
    for i in range(rounds):
        actions.ticket_reply(
            ticket=ticket,
            actor=consultant,
            body="Looking at it.",
            channel=Channel.CONSOLE,
            attachments=[SimpleUploadedFile(f"shot{i}.png", b"png", "image/png")],
        )
        actions.ticket_reply(ticket=ticket, actor=customer, body="Thanks.", channel=Channel.PORTAL)
        actions.ticket_add_note(ticket=ticket, actor=consultant, body="Checked the ledger.")
        billing.time_log(
            ticket=ticket,
            actor=consultant,
            minutes=15,
            description="Reproduced it",
            date=dt.date.today(),
        )


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("who", "page", "expected"),
    [
        # The ticket is read with which parts of the page have rows: no screenshot here,
        # so what was read in screenshots costs no query.
        # The customer is read with their organisation (who sees what): no query for it.
        ("alice", "/tickets/{n}/", 11),
        ("alice", "/tickets/{n}/timeline/", 9),
        ("consultant", "/tickets/{n}/", 19),
        # The workspace: 3 before the view (session, user, second factor), the ticket with
        # which of its panels have rows, the organisation's agreements, the Odoo
        # references and their checks, messages and their attachments, events, saved
        # replies, suggestions, all staff, time entries and their statement lines, the
        # organisation's open tickets and recent time, unread notifications, skills. The
        # panels with nothing to show (links, calls, screenshots, error signatures, code
        # owner, evidence, upstream reports, patches, Odoo instances, timer) cost nothing.
        ("consultant", "/console/tickets/{n}/", 19),
    ],
)
def test_a_ticket_page_costs_the_same_queries_for_a_short_and_a_long_timeline(
    client, request, alice, consultant, dispatcher, settings, who, page, expected
):
    settings.OTP_REQUIRED_ROLES = []
    ticket = make_ticket(alice)
    actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    client.force_login(request.getfixturevalue(who))
    url = page.format(n=ticket.number)
    add_work(ticket, alice, consultant, 1)
    client.get(url)  # the first visit may record things (notifications read, the session)
    short = queries(client, url)
    add_work(ticket, alice, consultant, 6)
    long = queries(client, url)
    assert short == long == expected
