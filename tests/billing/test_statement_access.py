"""Statements reach billing contacts and members who see all tickets, nobody else (R6, R9).

A line for a ticket the viewer could not open keeps its figures but not its subject or the
consultant's description of the work.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from supportdesk.billing import actions
from tests.billing.conftest import log, ticket_of

MARCH = dt.date(2027, 3, 1)
VIEWS = ["statement_detail", "statement_pdf", "statement_csv"]


@pytest.fixture
def statement(alice, alice_colleague, consultant, biller, org_a):
    """March: one ticket of Alice's, one of her colleague Adam's (which Alice cannot open)."""
    log(ticket_of(alice, subject="Fiscal year"), consultant, 40, dt.date(2027, 3, 3), "Opened")
    log(
        ticket_of(alice_colleague, subject="Secret salary run"),
        consultant,
        60,
        dt.date(2027, 3, 4),
        "Adjusted the salary of the CEO",
    )
    draft = actions.statement_draft(organisation=org_a, month=MARCH, actor=biller)
    return actions.statement_issue(statement=draft, actor=biller)


def _text(response) -> str:
    if response["Content-Type"] == "application/pdf":
        from io import BytesIO

        from pypdf import PdfReader

        return "\n".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    return response.content.decode()


@pytest.mark.parametrize("view", VIEWS)
def test_a_member_who_is_not_a_billing_contact_sees_no_statement(client, alice, statement, view):
    client.force_login(alice)
    assert client.get(reverse(f"billing:{view}", args=[statement.number])).status_code == 404
    assert statement.number not in client.get(reverse("billing:statement_list")).content.decode()


@pytest.mark.parametrize("view", VIEWS)
def test_a_billing_contact_sees_the_figures_but_not_a_colleagues_ticket(
    client, alice, statement, view
):
    alice.billing_contact = True
    alice.save()
    client.force_login(alice)
    response = client.get(reverse(f"billing:{view}", args=[statement.number]))
    assert response.status_code == 200
    text = _text(response)
    assert "Fiscal year" in text and "Opened" in text
    colleague_ticket = statement.lines.exclude(ticket__subject="Fiscal year").first().ticket_number
    assert colleague_ticket in text  # the line and its amount are on the statement
    assert "Secret salary run" not in text
    assert "salary of the CEO" not in text


@pytest.mark.parametrize("view", VIEWS)
def test_members_who_see_all_tickets_see_every_line(client, alice, org_a, statement, view):
    org_a.members_see_all = True
    org_a.save()
    client.force_login(alice)
    response = client.get(reverse(f"billing:{view}", args=[statement.number]))
    assert response.status_code == 200
    text = _text(response)
    assert "Secret salary run" in text and "salary of the CEO" in text


def test_business_consultant_makes_a_billing_contact_from_the_invite_page(
    client, alice, org_a, statement
):
    from tests.factories import UserFactory

    bc = UserFactory(email="bc@partner.example", role="business_consultant", organisation=None)
    org_a.business_consultant = bc
    org_a.save()
    client.force_login(bc)
    page = client.get(reverse("invitations")).content.decode()
    assert alice.email in page
    url = reverse("billing_contact", args=[alice.pk])
    assert client.post(url, {"billing_contact": "on"}).status_code == 302
    alice.refresh_from_db()
    assert alice.billing_contact
    client.force_login(alice)
    detail = reverse("billing:statement_detail", args=[statement.number])
    assert client.get(detail).status_code == 200


def test_only_the_organisations_business_consultant_may_set_the_flag(
    client, alice, bob, org_a, consultant
):
    from tests.factories import UserFactory

    other_bc = UserFactory(email="bc2@partner.example", role="business_consultant")
    other_bc.organisation = None
    other_bc.save()
    for outsider in (other_bc, bob, consultant):
        client.force_login(outsider)
        url = reverse("billing_contact", args=[alice.pk])
        assert client.post(url, {"billing_contact": "on"}).status_code == 404
    alice.refresh_from_db()
    assert not alice.billing_contact
