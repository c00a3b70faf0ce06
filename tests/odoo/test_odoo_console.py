"""The Odoo panel in the console: staff check references and classify the code owner
from the ticket workspace; nobody else reaches those buttons."""

from __future__ import annotations

import pytest

from supportdesk.tickets.models import CodeOwner
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(instance, alice):
    return make_ticket(alice, subject="Order S00042 and S09999", description="")


def test_a_consultant_checks_references_from_the_workspace(client, consultant, ticket):
    client.force_login(consultant)

    response = client.post(f"/console/odoo/tickets/{ticket.number}/check/", follow=True)

    assert response.redirect_chain[-1][0] == f"/console/tickets/{ticket.number}/#odoo"
    page = response.content.decode()
    assert "Checked 2 reference(s): 1 found" in page
    assert "not found by this name" in page  # S09999, shown in the panel
    assert {c.reference.text: c.exists for c in ticket.odoo_refs.get(text="S00042").checks.all()}


def test_a_consultant_classifies_the_code_owner_from_the_workspace(client, consultant, ticket):
    client.force_login(consultant)

    response = client.post(
        f"/console/odoo/tickets/{ticket.number}/classify/",
        {"model": "sale.order", "field": "partner_id"},
        follow=True,
    )

    ticket.refresh_from_db()
    assert ticket.code_owner == CodeOwner.ODOO_COMMUNITY
    assert "Code owner: Odoo Community" in response.content.decode()


def test_an_unknown_model_is_reported_and_changes_nothing(client, consultant, ticket):
    client.force_login(consultant)

    response = client.post(
        f"/console/odoo/tickets/{ticket.number}/classify/", {"model": "no.such.model"}, follow=True
    )

    ticket.refresh_from_db()
    assert ticket.code_owner == ""
    assert "no.such.model" in response.content.decode()


@pytest.mark.parametrize("who", ["alice", "bob"])
@pytest.mark.parametrize("action", ["check", "classify"])
def test_customers_get_404_for_the_odoo_buttons(client, request, ticket, who, action):
    client.force_login(request.getfixturevalue(who))

    response = client.post(
        f"/console/odoo/tickets/{ticket.number}/{action}/", {"model": "sale.order"}
    )

    assert response.status_code == 404
    assert not ticket.odoo_refs.filter(checks__isnull=False).exists()


def test_the_classify_form_offers_the_first_references_model(client, consultant, ticket):
    client.force_login(consultant)
    page = client.get(f"/console/tickets/{ticket.number}/").content.decode()
    first = next(iter(ticket.odoo_refs.all()))
    assert first.model
    assert f'placeholder="sale.order" value="{first.model}" required>' in page
    assert '<label for="odoo-field">field (optional)</label>' in page
