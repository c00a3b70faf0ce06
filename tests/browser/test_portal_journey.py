"""The customer's journey through the portal in Chromium, in English and in Swedish (R9).

Invitation → set password → new ticket with a pasted screenshot and an Odoo URL → the
ticket in the list → the consultant's reply and time on the timeline → the customer
replies → confirms the resolution. The English run saves the README's screenshots.
"""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from supportdesk.billing.models import TimeEntry
from supportdesk.mail.models import OutboundMail
from supportdesk.tickets import actions
from supportdesk.tickets.models import Ticket
from tests.browser.images import png
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "journey-pass-phrase-42"
ODOO_URL = "https://alpha.odoo.com/odoo/action-account.action_move_out_invoice_type/12"

# What the customer reads, per language: the test checks the page speaks it.
TEXT = {
    "en": {
        "locale": "en-GB",
        "choose_password": "Choose your password",
        "register": "Register a ticket",
        "included": "included in your agreement",
        "billable": "billable, minimum 30 minutes",
        "registered": "is registered",
        "my_tickets": "My tickets",
        "assigned_in_time": "Assigned within our 2-working-day commitment.",
        "minutes": "25 minutes",
        "added": "Your message was added.",
        "resolved_question": "Is your issue resolved?",
        "closed": "Closed",
    },
    "sv": {
        "locale": "sv-SE",
        "choose_password": "Välj ditt lösenord",
        "register": "Registrera ett ärende",
        "included": "ingår i ert avtal",
        "billable": "debiteras, minst 30 minuter",
        "registered": "är registrerat",
        "my_tickets": "Mina ärenden",
        "assigned_in_time": "Tilldelat inom vårt åtagande på 2 arbetsdagar.",
        "minutes": "25 minuter",
        "added": "Ditt meddelande har lagts till.",
        "resolved_question": "Är ditt problem löst?",
        "closed": "Stängd",
    },
}

PASTE_SCREENSHOT = """(b64) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const data = new DataTransfer();
  data.items.add(new File([bytes], "image.png", { type: "image/png" }));
  const event = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
  document.activeElement.dispatchEvent(event);
  return event.defaultPrevented;
}"""


@pytest.fixture
def staff(org_a, dispatcher, consultant):
    business_consultant = UserFactory(
        email="bea@partner.example", name="Bea Berg", role="business_consultant", organisation=None
    )
    org_a.business_consultant = business_consultant
    org_a.save(update_fields=["business_consultant"])
    org_a.agreements.create(valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2099, 12, 31))
    return business_consultant, dispatcher, consultant


@pytest.mark.parametrize("language", ["en", "sv"])
def test_customer_journey(language, staff, org_a, logged_in_page, new_context, save_screenshot):
    text = TEXT[language]
    business_consultant, dispatcher, consultant = staff
    shots = language == "en"
    email = f"nina.{language}@alpha.example"

    # The business consultant invites Nina on the Invite page.
    desk = logged_in_page(business_consultant)
    desk.goto("/invitations/")
    desk.select_option("#id_organisation", str(org_a.pk))
    desk.fill("#id_email", email)
    desk.fill("#id_name", "Nina Nord")
    desk.check(f"input[name=language][value={language}]")
    desk.click("form button[type=submit]:not(.small):not(.link)")
    expect(desk.locator(".messages")).to_contain_text(email)
    if shots:
        save_screenshot(desk, "portal-invite")

    # The mail in the outbox carries the one-time link.
    mail = OutboundMail.objects.get(purpose="invitation", to=[email])
    path = re.search(r"https?://[^/\s]+(/invitation/\S+/)", mail.text).group(1)

    # Anonymous pages first, in the visitor's language.
    page = new_context(locale=text["locale"]).new_page()
    if shots:
        page.goto("/support/")
        expect(page.locator("h1")).to_have_text("How to get support")
        save_screenshot(page, "public-support")
        page.goto("/support/inquiry/")
        save_screenshot(page, "public-inquiry")

    # Nina sets her password and lands on her (empty) ticket list.
    page.goto(path)
    expect(page.locator("h1")).to_have_text(text["choose_password"])
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    if shots:
        save_screenshot(page, "portal-set-password")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text(text["my_tickets"])

    # A new ticket: the form says how each kind is charged for Alpha AB.
    page.click(f"main a:has-text('{text['register']}')")
    how_to = page.locator("label.choice-card", has=page.locator("input[value=how_to]"))
    expect(how_to).to_contain_text(text["included"])
    configuration = page.locator(
        "label.choice-card", has=page.locator("input[value=configuration]")
    )
    expect(configuration).to_contain_text(text["billable"])
    page.fill("#id_subject", "Invoice cannot be posted")
    page.fill("#id_description", "Posting fails with a lock date error.")
    page.fill("#id_odoo_url", ODOO_URL)
    page.fill("#id_reference", "INV/2026/00012")
    page.check("input[name=kind][value=configuration]")
    page.check("input[name=impact][value=invoicing_blocked]")
    expect(page.locator("#id_contact_phone")).to_be_hidden()  # e-mail unless phone is chosen

    # Paste a screenshot from the clipboard while typing the description.
    screenshot = png()
    page.focus("#id_description")
    assert page.evaluate(PASTE_SCREENSHOT, base64.b64encode(screenshot).decode())
    expect(page.locator("[data-file-list] li")).to_have_count(1)
    expect(page.locator("[data-file-list] li")).to_contain_text("screenshot-")
    if shots:
        save_screenshot(page, "portal-new-ticket")
    page.click("form.ticket-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text(text["registered"])

    ticket = Ticket.objects.get(requester__email=email)
    expect(page.locator("h1")).to_contain_text(ticket.number)
    attachment = ticket.attachments.get()
    assert attachment.filename.startswith("screenshot-") and attachment.filename.endswith(".png")
    assert attachment.file.open("rb").read() == screenshot  # the pasted bytes, exactly
    assert ticket.odoo_refs.filter(type="url", record_id=12).exists()
    expect(page.locator(".gallery img")).to_have_count(1)

    # It is in her list.
    page.click("nav a[href='/tickets/']")
    expect(page.locator("#ticket-table")).to_contain_text(ticket.number)
    expect(page.locator("#ticket-table")).to_contain_text("Invoice cannot be posted")
    if shots:
        save_screenshot(page, "portal-tickets")

    # The desk assigns it; the consultant answers and logs time.
    actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    actions.ticket_reply(
        ticket=ticket,
        actor=consultant,
        body="The lock date was set to last month; I have moved it. Please try again.",
        channel="console",
    )
    TimeEntry.objects.create(
        ticket=ticket,
        consultant=consultant,
        date=dt.date.today(),
        minutes=25,
        description="Found the lock date and moved it",
    )
    page.click(f"a:has-text('{ticket.number}')")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("I have moved it")
    expect(timeline).to_contain_text(text["minutes"])
    expect(timeline).to_contain_text("Found the lock date and moved it")
    expect(timeline).to_contain_text(str(consultant))
    expect(page.locator("#commitment")).to_contain_text(text["assigned_in_time"])

    # Nina answers through the form (htmx: no page load) and the answer is on the timeline.
    page.fill("#id_body", "It works now, thank you!")
    page.click("#conversation form button[type=submit]")
    expect(page.locator("#conversation .messages")).to_contain_text(text["added"])
    expect(page.locator("#timeline")).to_contain_text("It works now, thank you!")

    # The consultant resolves; Nina confirms the resolution.
    actions.ticket_resolve(ticket=ticket, actor=consultant, resolution="Lock date moved.")
    page.reload()
    expect(page.locator(".decision h2")).to_have_text(text["resolved_question"])
    save_screenshot(page, "portal-ticket" if shots else "portal-ticket-sv")
    page.click(".decision form.inline-form button")
    expect(page.locator("#ticket-status")).to_have_text(text["closed"])
    ticket.refresh_from_db()
    assert ticket.status == "closed"

    # On a phone the page reflows: nothing sticks out sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if shots:
        save_screenshot(page, "portal-ticket-phone")
