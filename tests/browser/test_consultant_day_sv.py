"""A consultant's day in Swedish, in Chromium: a saved view of My day → take the ticket → a
Markdown reply from a saved reply with a placeholder → an @mention in a note → the timer →
the customer answers and the saved view counts it → resolve; the customer saves a view of
their list.

Asserts Swedish text on every page visited and saves the README's screenshots.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from supportdesk.billing.models import TimeEntry
from supportdesk.console.models import SavedReply
from supportdesk.tickets.models import Message, Ticket
from tests.browser.swedish import assert_swedish
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
    assert_swedish(work, must_show="Mina öppna ärenden")

    # A saved view of My day: "your turn" (the customer wrote last), named and counted.
    work.check(".my-day-filters input[name=turn]")
    work.click(".my-day-filters button[type=submit]")
    expect(work).to_have_url(re.compile(r"turn=1"))
    work.fill("#save-view-name", "Min tur")
    work.click(".save-view button[type=submit]")
    expect(work.locator(".messages")).to_contain_text("Vyn ”Min tur” sparad.")
    saved = work.locator(".saved-views a", has_text="Min tur")
    expect(saved.locator(".count")).to_have_text("0")
    expect(saved).to_have_attribute("aria-current", "page")
    assert_swedish(work, must_show="Spara den här vyn som")

    # The workspace of the unassigned ticket: take it with the key t.
    work.goto(f"/console/tickets/{number}/")
    expect(work.locator("#take-it")).to_have_text("Ta det")
    assert_swedish(work, must_show="Tidslinje")
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

    # Alice answers in the portal: the ticket is the consultant's turn, and My day's
    # saved view counts it.
    customer = logged_in_page(alice, locale="sv-SE")
    customer.goto(f"/tickets/{number}/")
    customer.fill("#id_body", "Tack, nu fungerar det. En fråga till: gäller det alla bolag?")
    customer.click("#conversation form button[type=submit]")
    expect(customer.locator("#timeline")).to_contain_text("gäller det alla bolag?")
    work.goto("/console/my-day/")
    expect(work.locator(".saved-views a", has_text="Min tur").locator(".count")).to_have_text("1")
    work.locator(".saved-views a", has_text="Min tur").click()
    expect(work.locator(f"tr[data-number='{number}'] .your-turn")).to_have_text("kunden har svarat")
    assert_swedish(work, must_show="Din tur: kunden skrev senast")
    save_screenshot(work, "sv-my-day-saved-views")
    work.goto(f"/console/tickets/{number}/")

    # Resolved.
    work.fill("#transition-reason", "Låsdatumet flyttat")
    work.click("#status button[value=resolve]")
    expect(work.locator("#ticket-status")).to_have_text("Löst")
    assert Ticket.objects.get(pk=ticket.pk).status == "resolved"
    assert_swedish(work, must_show="Löst")

    # The customer reads the formatted reply in the portal, in Swedish.
    portal = customer
    portal.goto(f"/tickets/{number}/")
    expect(portal.locator("html")).to_have_attribute("lang", "sv")
    expect(portal.locator("#timeline .body strong").first).to_have_text("låsdatumet")
    save_screenshot(portal, "portal-ticket-markdown-sv")
    assert_swedish(portal, must_show="Tidslinje")

    # The customer saves a view of the list ("resolved and closed") and sees its count.
    portal.goto("/tickets/")
    portal.check("form.filters input[name=state][value=closed]")
    expect(portal).to_have_url(re.compile(r"state=closed"))
    expect(portal.locator("#ticket-table")).to_contain_text(number)
    portal.fill("#save-view-name", "Lösta")
    portal.click(".save-view button[type=submit]")
    expect(portal.locator(".messages")).to_contain_text("Vyn ”Lösta” sparad.")
    expect(portal.locator(".saved-views a", has_text="Lösta").locator(".count")).to_have_text("1")
    assert_swedish(portal, must_show="Spara den här vyn som")
