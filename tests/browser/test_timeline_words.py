"""The timelines read as sentences in Chromium, in English and in Swedish, never as codes.

Saves the README's screenshots of the staff and the customer timeline.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from supportdesk.billing.actions import time_log
from supportdesk.tickets import actions
from supportdesk.tickets.models import Ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.browser

CODES = ("in_progress", "waiting_customer", "time_logged", "assigned →", "started →")


@pytest.fixture
def worked(alice, dispatcher, consultant):
    consultant.name, alice.name = "Anna Andersson", "Alice Alpha"
    consultant.save()
    alice.save()
    ticket = make_ticket(alice, subject="Payment term missing on invoices")
    actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    actions.ticket_start(ticket=Ticket.objects.get(pk=ticket.pk), actor=consultant)
    time_log(ticket=ticket, actor=consultant, minutes=20, description="Added payment term net 45")
    actions.ticket_wait(
        ticket=Ticket.objects.get(pk=ticket.pk),
        actor=consultant,
        on="customer",
        reason="Which customers need it?",
    )
    actions.ticket_reply(
        ticket=Ticket.objects.get(pk=ticket.pk), actor=alice, body="All of them.", channel="portal"
    )
    return ticket


def _no_codes(text: str) -> None:
    for code in CODES:
        assert code not in text, code


def test_staff_timeline_in_english_and_swedish(worked, consultant, logged_in_page, save_screenshot):
    page = logged_in_page(consultant)
    page.goto(f"/console/tickets/{worked.number}/")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Anna Andersson started work")
    expect(timeline).to_contain_text("Anna Andersson logged 20 minutes")
    expect(timeline).to_contain_text("Status: in progress → waiting on customer")
    expect(timeline).to_contain_text("Alice Alpha registered the ticket")
    _no_codes(timeline.inner_text())
    save_screenshot(page, "timeline-staff")

    consultant.language = "sv"
    consultant.save(update_fields=["language"])
    page = logged_in_page(consultant, locale="sv-SE")
    page.goto(f"/console/tickets/{worked.number}/")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Anna Andersson påbörjade arbetet")
    expect(timeline).to_contain_text("Anna Andersson registrerade 20 minuter")
    expect(timeline).to_contain_text("Status: pågår → väntar på kund")
    _no_codes(timeline.inner_text())
    save_screenshot(page, "timeline-staff-sv")


def test_customer_timeline_in_english_and_swedish(worked, alice, logged_in_page, save_screenshot):
    page = logged_in_page(alice)
    page.goto(f"/tickets/{worked.number}/")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Assigned to Anna Andersson")
    expect(timeline).to_contain_text("Status: in progress → waiting on you")
    expect(timeline).to_contain_text("Work resumed")
    _no_codes(timeline.inner_text())

    alice.language = "sv"
    alice.save(update_fields=["language"])
    page = logged_in_page(alice, locale="sv-SE")
    page.goto(f"/tickets/{worked.number}/")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Tilldelat Anna Andersson")
    expect(timeline).to_contain_text("väntar på dig")
    _no_codes(timeline.inner_text())
    save_screenshot(page, "timeline-customer-sv")
