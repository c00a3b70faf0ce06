"""A customer pastes a screenshot and writes nothing else: within seconds the ticket shows
the Odoo URL and the order number read from it, and the consultant's workspace shows the
tickets of two other customers with the same error (R2, R8)."""

from __future__ import annotations

import base64
import time

import pytest
from playwright.sync_api import expect

from supportdesk.odoo.subscribers import customer_wrote
from supportdesk.tickets.models import Ticket
from tests.browser.test_portal_journey import PASTE_SCREENSHOT as PASTE
from tests.factories import OrganisationFactory, UserFactory, make_ticket
from tests.screens.conftest import CORPUS, require_tools
from tests.screens.corpus import _SALE_TB, build, corpus_key, variants

pytestmark = pytest.mark.browser


@pytest.fixture
def server_error_shot() -> bytes:
    require_tools()
    build(CORPUS)
    return (CORPUS / corpus_key(variants()) / "v17-server-error.png").read_bytes()


def test_a_pasted_screenshot_reads_itself_and_finds_other_customers(
    server_error_shot, alice, consultant, logged_in_page
):
    others = []
    for name in ("Gamma AB", "Delta AS"):
        org = OrganisationFactory(name=name)
        user = UserFactory(email=f"it@{name.split()[0].lower()}.example", organisation=org)
        ticket = make_ticket(user, description=f"Confirming fails:\n{_SALE_TB}")
        customer_wrote(ticket.events.get(verb="created").pk)
        others.append(ticket)

    page = logged_in_page(alice)
    page.goto("/tickets/new/")
    page.fill("#id_subject", "Cannot confirm the order")
    page.check("input[name=kind][value=bug]")
    page.focus("#id_description")  # nothing typed: the screenshot says it all
    assert page.evaluate(PASTE, base64.b64encode(server_error_shot).decode())
    expect(page.locator("[data-file-list] li")).to_have_count(1)
    started = time.monotonic()
    page.click("form.ticket-form button[type=submit]")
    findings = page.locator("#screens")
    expect(findings).to_contain_text("recognised in your screenshot", timeout=30_000)
    expect(findings).to_contain_text("S00042")
    expect(findings).to_contain_text("nordvik.odoo.com")
    seconds = time.monotonic() - started
    assert seconds < 30, f"the ticket showed what was read after {seconds:.1f} s"
    expect(page.locator("body")).not_to_contain_text("Gamma AB")  # never another customer's

    ticket = Ticket.objects.filter(organisation=alice.organisation).latest("id")
    assert ticket.description == ""
    staff = logged_in_page(consultant)
    staff.goto(f"/console/tickets/{ticket.number}/")
    panel = staff.locator("#others")
    expect(panel).to_contain_text("Other customers hit this too")
    for other in others:
        expect(panel).to_contain_text(other.number)
    expect(panel).to_contain_text("Gamma AB")
    expect(panel).to_contain_text("Delta AS")
