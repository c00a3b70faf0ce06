"""The commitments dashboard and a customer's service view in Chromium (README screenshots).

The live server reads the real clock, so the tickets are placed over the year before now.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from supportdesk.billing import actions as billing
from tests.factories import UserFactory
from tests.reports.conftest import tickets_for

pytestmark = pytest.mark.browser


@pytest.fixture
def desk_history(alice, bob, org_a, consultant, other_consultant):
    """A year of tickets of two customers of different sizes, and statements."""
    now = timezone.now()
    small = tickets_for(alice, 40, consultant, now=now)
    tickets_for(bob, 160, other_consultant, now=now, offset=3)
    for k in range(6):  # customers of other sizes, for the fairness bands
        org_user = UserFactory(organisation__name=f"Customer {k} AB")
        tickets_for(org_user, 6 + 10 * k, consultant if k % 2 else other_consultant, now=now)
    org_a.agreements.create(valid_from=dt.date(2020, 1, 1))
    biller = UserFactory(email="bea@partner.example", role="business_consultant", organisation=None)
    today = timezone.localdate(now)
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for ticket, minutes in zip(small[:6], (45, 12, 90, 30, 20, 75), strict=True):
        billing.time_log(
            ticket=ticket,
            actor=consultant,
            minutes=minutes,
            description="Worked on it",
            date=last_month + dt.timedelta(days=3),
        )
    statement = billing.statement_draft(organisation=org_a, month=last_month, actor=biller)
    assert statement is not None
    billing.statement_issue(statement=statement, actor=biller)


def test_dashboard_and_customer_view_in_chromium(
    desk_history, dispatcher, alice, logged_in_page, save_screenshot
):
    page = logged_in_page(dispatcher, viewport={"width": 1280, "height": 900})
    page.goto("/reports/commitments/")
    expect(page.get_by_role("heading", name="Commitments dashboard")).to_be_visible()
    charts = page.locator("figure.chart svg[role=img]")
    expect(charts).to_have_count(10)
    expect(charts.first).to_be_visible()
    # The tables behind the charts: at-risk tickets and the backlog have rows.
    expect(page.locator("#table-backlog tbody tr")).to_have_count(6)
    expect(page.locator("#table-fairness tbody tr")).to_have_count(3)
    assert (
        page.get_by_text(re.compile("No advantage for large customers|waited clearly less")).count()
        == 1
    )
    # The weekly figures as a table, opened by keyboard.
    page.get_by_text("The weekly figures as a table").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#table-trend tbody tr")).to_have_count(52)
    page.get_by_text("The weekly figures as a table").click()  # closed again for the picture
    save_screenshot(page, "reports-dashboard")
    # Printed: no download links or forms, charts kept.
    page.emulate_media(media="print")
    expect(page.locator(".exports").first).to_be_hidden()
    expect(charts.first).to_be_visible()
    page.emulate_media(media="screen")

    customer = logged_in_page(alice, viewport={"width": 1280, "height": 900})
    customer.goto("/")
    customer.get_by_role("link", name="Our service").click()
    expect(customer.get_by_role("heading", name="Our service to Alpha AB")).to_be_visible()
    expect(customer.locator("figure.chart svg[role=img]")).to_have_count(5)
    content = customer.content()
    assert "Beta AB" not in content
    billed = customer.locator("#table-billed tbody tr")
    expect(billed).to_have_count(12)
    save_screenshot(customer, "reports-customer")
    # The desk's dashboard is not there for a customer.
    response = customer.goto("/reports/commitments/")
    assert response is not None and response.status == 404
