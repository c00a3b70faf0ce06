"""The desk's journey through the console in Chromium.

The dispatcher assigns from the board to the suggested consultant → the consultant
replies with a saved reply, logs time with the timer and waits on the customer → the
customer's reply in the portal brings the ticket back → the consultant resolves it.
Saves the README's screenshots of the board and the workspace.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from supportdesk.billing.models import TimeEntry
from supportdesk.commitments.models import Notification
from supportdesk.console.models import SavedReply
from supportdesk.tickets import actions
from supportdesk.tickets.models import Ticket
from tests.factories import UserFactory, make_ticket

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(org_a, org_b, alice, bob, dispatcher, consultant, skill):
    """A morning's queue: a critical ticket, one that waits, one already being worked."""
    org_a.odoo_url = "https://alpha.odoo.com"
    org_a.save(update_fields=["odoo_url"])
    org_a.agreements.create(valid_from=dt.date(2020, 1, 1), reference="MSA-001")
    dispatcher.name, consultant.name = "Dora Dispatcher", "Carl Consultant"
    dispatcher.save()
    consultant.save()
    UserFactory(
        email="erik@partner.example", name="Erik Eriksson", role="consultant", organisation=None
    )
    SavedReply.objects.create(
        title="Ask for a screenshot",
        body="Could you send us a screenshot of the error, with the URL from the browser?",
    )
    make_ticket(bob, subject="Production server does not start", impact="production_down")
    ticket = make_ticket(
        alice,
        subject="Invoice cannot be posted",
        description="Posting INV/2026/00012 fails with a lock date error.",
        required_skill=skill,
    )
    worked = make_ticket(alice, subject="How do I add a payment term?")
    actions.ticket_assign(
        ticket=worked, actor=dispatcher, assignee=dispatcher, override_reason="quick one"
    )
    return ticket


def test_dispatch_reply_time_wait_customer_reply_resolve(
    logged_in_page, save_screenshot, desk, alice, dispatcher, consultant
):
    ticket = desk
    number = ticket.number

    # The dispatcher's board: the queue with its clocks; j moves, ? explains the keys.
    board = logged_in_page(dispatcher)
    board.goto("/")
    expect(board).to_have_url(re.compile(r"/console/$"))  # staff land on the board
    expect(board.locator("h1")).to_have_text("Dispatch board")
    rows = board.locator("#board-rows tr[data-number]")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Production server does not start")
    board.keyboard.press("j")
    # j puts the cursor on the first row; its colour follows the clock (the last working
    # hour turns the same-day clock amber), so only the cursor is asserted here.
    expect(rows.first).to_have_class(re.compile(r"(^|\s)current(\s|$)"))
    board.keyboard.press("?")
    expect(board.locator("#keys-help")).to_be_visible()
    board.keyboard.press("Escape")
    row = board.locator(f"#board-rows tr[data-number='{number}']")
    suggestion = row.locator("button.assign-suggested")
    expect(suggestion).to_have_text("Assign to Carl Consultant")  # the one with the skill
    save_screenshot(board, "console-board")
    suggestion.click()
    expect(board.locator(".messages")).to_contain_text(f"Assigned {number} → Carl Consultant")
    ticket.refresh_from_db()
    assert ticket.assignee == consultant

    # The consultant finds it in My day and opens the workspace.
    work = logged_in_page(consultant)
    work.goto("/console/my-day/")
    work.click(f"a:has-text('{number}')")
    expect(work.locator("h1")).to_contain_text("Invoice cannot be posted")
    side = work.locator(".ws-side")
    expect(side).to_contain_text("Maintenance and Support Agreement valid today")
    expect(side).to_contain_text("https://alpha.odoo.com")
    expect(side).to_contain_text("How do I add a payment term?")  # the organisation's other

    # Reply with a saved reply.
    work.select_option("#saved-reply", label="Ask for a screenshot")
    expect(work.locator("#reply-body")).to_have_value(
        "Could you send us a screenshot of the error, with the URL from the browser?"
    )
    work.click("#reply button[type=submit]")
    expect(work.locator(".messages")).to_contain_text("Reply sent to the customer.")
    expect(work.locator("#ticket-status")).to_have_text("In progress")

    # Time by the timer.
    work.click("button:has-text('Start timer')")
    expect(work.locator("#time")).to_contain_text("Timer running")
    work.fill("#timer-description", "Checked the lock date settings")
    work.click("button:has-text('Stop and log')")
    expect(work.locator(".messages")).to_contain_text("Timer stopped: logged 1 min.")
    expect(work.locator("#time-entries")).to_contain_text("Checked the lock date settings")
    entry = TimeEntry.objects.get(ticket=ticket)
    assert (entry.consultant, entry.minutes) == (consultant, 1)

    # Waiting on the customer, with the reason.
    work.fill("#transition-reason", "Asked for a screenshot")
    work.click("#status button:has-text('Wait on customer')")
    expect(work.locator("#ticket-status")).to_have_text("Waiting on customer")
    expect(work.locator("#timeline")).to_contain_text("Asked for a screenshot")
    expect(work.locator(".clocks")).to_contain_text("paused")
    save_screenshot(work, "console-workspace")

    # The customer answers in the portal: the ticket comes back to work.
    portal = logged_in_page(alice)
    portal.goto(f"/tickets/{number}/")
    portal.fill("#id_body", "Here is the screenshot you asked for.")
    portal.click("#conversation form button[type=submit]")
    expect(portal.locator("#timeline")).to_contain_text("Here is the screenshot you asked for.")
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"
    assert Notification.objects.filter(user=consultant, kind="customer_replied").exists()

    work.reload()
    expect(work.locator("#ticket-status")).to_have_text("In progress")
    expect(work.locator("#notifications-badge .badge")).to_be_visible()
    expect(work.locator("#timeline")).to_contain_text("Here is the screenshot you asked for.")

    # Resolved, with the resolution on the timeline.
    work.fill("#transition-reason", "Moved the lock date to this month")
    work.click("#status button:has-text('Resolve')")
    expect(work.locator("#ticket-status")).to_have_text("Resolved")
    assert Ticket.objects.get(pk=ticket.pk).status == "resolved"
