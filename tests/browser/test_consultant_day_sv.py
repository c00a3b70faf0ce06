"""A consultant's day in Swedish, in Chromium: take the ticket → a Markdown reply from a saved
reply with a placeholder → an @mention in a note → the timer → resolve.

Asserts Swedish text on every page visited and saves the README's screenshots.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from supportdesk.billing.models import TimeEntry
from supportdesk.console.models import SavedReply
from supportdesk.tickets.models import Message, Ticket
from tests.factories import UserFactory, make_ticket

pytestmark = pytest.mark.browser


@pytest.fixture
def morning(alice, consultant, skill):
    alice.name = "Alice Andersson"
    alice.language = "sv"
    alice.save()
    consultant.name, consultant.language = "Carl Konsult", "sv"
    consultant.save()
    UserFactory(
        email="erik@partner.example", name="Erik Eriksson", role="consultant", organisation=None
    )
    SavedReply.objects.create(
        title="Låsdatum",
        body="Hej {customer_first_name}!\n\nÄrende {ticket_number}: flytta **låsdatumet** under "
        "[Bokföring › Inställningar](https://alpha.odoo.com/odoo/settings).\n\nHälsningar\n{consultant_name}",
    )
    return make_ticket(
        alice,
        subject="Fakturan kan inte bokföras",
        description="Bokföring av INV/2026/00012 misslyckas: låsdatum.",
        required_skill=skill,
    )


def test_a_consultants_day_in_swedish(logged_in_page, save_screenshot, morning, consultant, alice):
    ticket = morning
    number = ticket.number
    work = logged_in_page(consultant, locale="sv-SE", viewport={"width": 1600, "height": 1000})

    # My day, sorted by last activity: in Swedish, nothing assigned yet.
    work.goto("/console/my-day/?sort=-updated")
    expect(work.locator("html")).to_have_attribute("lang", "sv")
    expect(work.locator("#mine-title")).to_contain_text("tillbaka till köordningen")

    # The workspace of the unassigned ticket: take it with the key t.
    work.goto(f"/console/tickets/{number}/")
    expect(work.locator("#take-it")).to_have_text("Ta det")
    expect(work.locator("#timeline-title")).to_have_text("Tidslinje")
    work.keyboard.press("t")
    expect(work.locator(".messages")).to_contain_text(f"Du tog {number}.")
    assert Ticket.objects.get(pk=ticket.pk).assignee == consultant

    # A Markdown reply from a saved reply whose placeholders are filled for this ticket.
    work.select_option("#saved-reply", label="Låsdatum")
    body = work.locator("#reply-body")
    expect(body).to_have_value(
        re.compile(rf"^Hej Alice!\n\nÄrende {number}: flytta \*\*låsdatumet\*\*")
    )
    expect(body).to_have_value(re.compile(r"Hälsningar\nCarl Konsult$"))
    preview = work.locator("#reply-preview")
    expect(preview).to_contain_text("Förhandsgranskning")
    expect(preview.locator("strong")).to_have_text("låsdatumet")
    expect(preview.locator("a")).to_have_attribute("href", "https://alpha.odoo.com/odoo/settings")
    work.click("#reply button[type=submit]")
    reply = work.locator("#timeline li.message").last
    expect(reply.locator(".body strong")).to_have_text("låsdatumet")
    expect(reply.locator("a[href='https://alpha.odoo.com/odoo/settings']")).to_be_visible()

    # An internal note that mentions Erik, completed from "@er".
    note = work.locator("#note-body")
    note.click()
    note.press_sequentially("Kan du dubbelkolla, @er")
    pick = work.locator("#note-mentions .mention-pick")
    expect(pick).to_have_count(1)
    expect(pick).to_contain_text("Erik Eriksson")
    pick.click()
    expect(note).to_have_value("Kan du dubbelkolla, @erik ")
    note.press_sequentially("tack!")
    work.click("#note button[type=submit]")
    expect(work.locator("#timeline li.message.internal").last).to_contain_text("@erik tack!")
    assert Message.objects.filter(ticket=ticket, internal=True, body__contains="@erik").exists()

    # Time by the timer.
    work.click("#time button[value=start]")
    expect(work.locator("#time .timer.running")).to_be_visible()
    work.fill("#timer-description", "Flyttade låsdatumet")
    work.click("#time button[value=stop]")
    expect(work.locator("#time-entries")).to_contain_text("Flyttade låsdatumet")
    assert TimeEntry.objects.filter(ticket=ticket, consultant=consultant).count() == 1
    work.evaluate("window.scrollTo(0, 0)")
    save_screenshot(work, "console-workspace-sv")

    # Resolved.
    work.fill("#transition-reason", "Låsdatumet flyttat")
    work.click("#status button[value=resolve]")
    expect(work.locator("#ticket-status")).to_have_text("Löst")
    assert Ticket.objects.get(pk=ticket.pk).status == "resolved"

    # The customer reads the formatted reply in the portal, in Swedish.
    portal = logged_in_page(alice, locale="sv-SE")
    portal.goto(f"/tickets/{number}/")
    expect(portal.locator("html")).to_have_attribute("lang", "sv")
    expect(portal.locator("#timeline .body strong").first).to_have_text("låsdatumet")
    save_screenshot(portal, "portal-ticket-markdown-sv")
