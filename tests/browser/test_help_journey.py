"""Help center and satisfaction in Chromium (README screenshots).

A customer starts a ticket, sees a suggested article, opens it and marks it solved: no
ticket is made. Another customer's ticket is resolved and they rate it from the link in
the resolution mail, without logging in. The desk's dashboard shows both.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from supportdesk.help import actions as help_actions
from supportdesk.help.models import ArticleStatus, Rating, Visibility
from supportdesk.mail.models import OutboundMail
from supportdesk.tickets import actions
from supportdesk.tickets.models import Ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.browser


@pytest.fixture
def knowledge(consultant):
    for title, body, visibility in [
        (
            "Lock date blocks posting an invoice",
            "Odoo refuses to post an invoice dated before the **lock date**.\n\n"
            "1. Open *Accounting › Configuration › Settings*.\n2. Clear or move the lock date.\n"
            "3. Post the invoice again.",
            Visibility.PUBLIC,
        ),
        (
            "Moving the tax lock date at month end",
            "Set the tax lock date after the VAT report.",
            Visibility.CUSTOMERS,
        ),
        (
            "Internal: unlocking periods in the database",
            "Never do this at a customer.",
            Visibility.INTERNAL,
        ),
    ]:
        help_actions.article_save(
            actor=consultant,
            title=title,
            body=body,
            category="accounting",
            visibility=visibility,
            tags=["invoice", "lock date"],
            odoo_versions="17.0, 18.0",
            status=ArticleStatus.PUBLISHED,
        )


def test_answer_before_a_ticket_and_rating_after_one(
    knowledge,
    alice,
    bob,
    consultant,
    dispatcher,
    logged_in_page,
    new_context,
    base_url,
    save_screenshot,
):
    # 1. Alice starts a ticket; an article is suggested as she types.
    tickets_before = Ticket.objects.count()
    page = logged_in_page(alice, viewport={"width": 1280, "height": 1000})
    page.goto("/tickets/new/")
    page.get_by_label("Subject").press_sequentially("Cannot post invoice, lock date", delay=20)
    suggestions = page.locator(".help-suggestions li")
    expect(suggestions.first).to_be_visible()
    expect(page.locator("#help-suggest")).to_contain_text("Lock date blocks posting an invoice")
    expect(page.locator("#help-suggest")).not_to_contain_text("Internal: unlocking")
    # 2. She opens it in place and reads it.
    page.get_by_role("button", name=re.compile("Lock date blocks posting")).click()
    preview = page.locator(".help-preview")
    expect(preview.get_by_text("Clear or move the lock date.")).to_be_visible()
    save_screenshot(page, "help-suggestions")
    # 3. "This solved it": no ticket.
    preview.get_by_role("button", name="This solved it").click()
    expect(page.get_by_text("Glad that solved it. No ticket was registered.")).to_be_visible()
    assert Ticket.objects.count() == tickets_before

    # 4. Bob's ticket is resolved; the resolution mail asks "How did we do?".
    ticket = make_ticket(bob, subject="VAT report shows last month twice")
    actions.ticket_assign(ticket=ticket, actor=consultant, assignee=consultant)
    actions.ticket_resolve(
        ticket=Ticket.objects.get(pk=ticket.pk),
        actor=consultant,
        resolution="Moved the tax lock date.",
    )
    mail = OutboundMail.objects.filter(ticket=ticket, purpose="status").latest("id")
    link = (
        re.search(r"4: (\S+)", mail.text).group(1).replace(settings.SITE_URL.rstrip("/"), base_url)
    )
    # 5. He rates it from the link, without logging in.
    anonymous = new_context(viewport={"width": 1000, "height": 700}).new_page()
    anonymous.goto(link)
    expect(anonymous.get_by_role("heading", name="How did we do?")).to_be_visible()
    expect(anonymous.get_by_role("radio", name="4")).to_be_checked()
    anonymous.get_by_label("Anything you want to tell us (optional)").fill(
        "Fixed the same day, thanks."
    )
    save_screenshot(anonymous, "help-rate")
    anonymous.get_by_role("button", name="Send my rating").click()
    expect(anonymous.get_by_text(f"Your rating of {ticket.number} is recorded.")).to_be_visible()
    assert Rating.objects.get().score == 4
    # The same link again is refused.
    anonymous.goto(link)
    expect(anonymous.get_by_text("already been rated")).to_be_visible()

    # 6. The desk's dashboard shows both.
    desk = logged_in_page(dispatcher, viewport={"width": 1280, "height": 1000})
    desk.goto("/reports/commitments/")
    desk.get_by_role("link", name="Help center and satisfaction").click()
    expect(desk.locator("[data-figure=solved]")).to_have_text("1")
    expect(desk.locator("[data-figure=opened]")).to_have_text("1")
    expect(desk.locator("[data-figure=average]")).to_have_text("4.00")
    expect(desk.locator("[data-figure=response-rate]")).to_have_text("100.0 %")
    expect(desk.locator("#table-by_organisation")).to_contain_text("Beta AB")
    save_screenshot(desk, "help-dashboard")
