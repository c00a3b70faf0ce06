"""The dispatcher's and the customer's journeys in Swedish, in Chromium.

Every page visited is in Swedish and shows no message of our catalogue in English
(``tests/browser/swedish.py``). The dispatcher assigns a new ticket from the board to the
suggested consultant; the customer opens a ticket, replies, and downloads a statement as
PDF. Saves the README's Swedish screenshots (``docs/screenshots/sv-*.png``).
"""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from supportdesk.billing import actions as billing
from supportdesk.core import clock
from supportdesk.tickets.models import Kind
from tests.browser.swedish import assert_swedish
from tests.factories import UserFactory, make_ticket

pytestmark = pytest.mark.browser


@pytest.fixture
def swedes(alice, dispatcher, consultant):
    for user, name in (
        (alice, "Alice Andersson"),
        (dispatcher, "Dora Dispatcher"),
        (consultant, "Carl Consultant"),
    ):
        user.name, user.language = name, "sv"
        user.save(update_fields=["name", "language"])
    return alice, dispatcher, consultant


def test_dispatcher_assigns_from_the_board_in_swedish(
    logged_in_page, save_screenshot, swedes, org_a, skill
):
    alice, dispatcher, consultant = swedes
    ticket = make_ticket(alice, subject="Fakturan går inte att bokföra", required_skill=skill)
    board = logged_in_page(dispatcher, locale="sv-SE")
    board.goto("/console/")
    expect(board.locator("h1")).to_have_text("Fördelningstavla")
    assert_swedish(board, must_show="Fördelningstavla")
    # The board's own words: its views and its clocks.
    expect(board.locator("body")).to_contain_text("Alla öppna")
    expect(board.locator("body")).not_to_contain_text("All open")
    expect(board.locator(f"#board-rows tr[data-number='{ticket.number}']")).to_contain_text("i dag")
    row = board.locator(f"#board-rows tr[data-number='{ticket.number}']")
    suggestion = row.locator("button.assign-suggested")
    expect(suggestion).to_have_text("Tilldela Carl Consultant")
    save_screenshot(board, "sv-console-board")
    suggestion.click()
    expect(board.locator(".messages")).to_contain_text(ticket.number)
    assert_swedish(board, must_show="Fördelningstavla")
    ticket.refresh_from_db()
    assert ticket.assignee == consultant

    board.goto(f"/console/tickets/{ticket.number}/")
    assert_swedish(board, must_show="Svara kunden")


def test_customer_reads_replies_and_downloads_a_statement_in_swedish(
    logged_in_page, save_screenshot, swedes, org_a
):
    alice, _dispatcher, consultant = swedes
    alice.billing_contact = True  # statements go to the organisation's billing contacts
    alice.save(update_fields=["billing_contact"])
    biller = UserFactory(email="bea@partner.example", role="business_consultant", organisation=None)
    ticket = make_ticket(alice, subject="Momsrapporten visar fel belopp", kind=Kind.CONFIGURATION)
    today = clock.now().date()
    billing.time_log(
        ticket=ticket, actor=consultant, minutes=12, description="Rättade momskoderna", date=today
    )
    draft = billing.statement_draft(organisation=org_a, month=today.replace(day=1), actor=biller)
    assert draft is not None
    statement = billing.statement_issue(statement=draft, actor=biller)

    page = logged_in_page(alice, locale="sv-SE")
    page.goto("/tickets/")
    assert_swedish(page, must_show="Mina ärenden")
    page.click(f"a:has-text('{ticket.number}')")
    assert_swedish(page, must_show="Tidslinje")
    page.fill("#id_body", "Tack, nu stämmer beloppen.")
    page.click("#conversation form button[type=submit]")
    expect(page.locator("#timeline")).to_contain_text("Tack, nu stämmer beloppen.")
    assert_swedish(page, must_show="Ditt meddelande har lagts till.")
    save_screenshot(page, "sv-portal-ticket")

    page.goto(f"/billing/statements/{statement.number}/")
    assert_swedish(page, must_show="debiteras — konfigurationsändring")
    expect(page.locator("body")).to_contain_text("minimidebitering: 30 min tillämpas")
    save_screenshot(page, "sv-statement")
    response = page.request.get(f"/billing/statements/{statement.number}/pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    text = " ".join(text.split())
    assert f"Debiteringsunderlag {statement.number}" in text
    assert "debiteras — konfigurationsändring" in text
    assert "minimidebitering: 30 min tillämpas (12 min loggade)" in text
    assert "charged" not in text and "minimum charge" not in text
