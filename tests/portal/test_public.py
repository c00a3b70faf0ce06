"""Public pages without log-in; the inquiry form makes a lead, never a ticket (R10)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from supportdesk.leads.models import Lead
from supportdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@override_settings(SUPPORT_EMAIL="help@partner.example", SUPPORT_PHONE="+46 8 123 45 67")
def test_support_page_names_every_channel_from_the_settings(client):
    page = client.get(reverse("support")).content.decode()
    assert "help@partner.example" in page and "+46 8 123 45 67" in page
    assert reverse("ticket_new") in page
    assert "within 2 working days" in page
    assert "cannot set or guarantee a fixed resolution time" in page


def test_charges_page_lists_free_and_charged_kinds(client):
    page = client.get(reverse("support_charges")).content.decode()
    free, charged = page.split("Free of charge", 1)[1], page.split("Free of charge", 1)[0]
    assert "Odoo licence question" in free and "Server infrastructure question" in free
    assert "Configuration change" in charged and "minimum charge of 30 minutes" in charged
    assert "valid Maintenance and Support Agreement" in page


def inquiry(client, **overrides):
    data = {
        "name": "Greta Gran",
        "company": "Gamma AB",
        "email": "greta@gamma.example",
        "phone": "",
        "subject": "Prices",
        "message": "What does support cost for 20 users?",
        "website": "",
    }
    data.update(overrides)
    return client.post(reverse("inquiry"), data, REMOTE_ADDR="192.0.2.10")


def test_inquiry_creates_a_lead_and_no_ticket(client):
    response = inquiry(client)
    assert response.status_code == 302 and response["Location"] == reverse("inquiry_thanks")
    lead = Lead.objects.get()
    assert (lead.source, lead.email, lead.company) == ("web", "greta@gamma.example", "Gamma AB")
    assert "20 users" in lead.message
    assert Ticket.objects.count() == 0


def test_inquiry_needs_a_way_to_answer(client):
    response = inquiry(client, email="", phone="")
    assert response.status_code == 200
    assert "Give an e-mail address or a telephone number" in response.content.decode()
    assert not Lead.objects.exists()


def test_a_filled_honeypot_is_thanked_but_kept_nowhere(client):
    response = inquiry(client, website="http://spam.example")
    assert response.status_code == 302
    assert not Lead.objects.exists()


def test_inquiries_are_rate_limited_per_address(client):
    for _ in range(settings.INQUIRIES_PER_HOUR):
        assert inquiry(client).status_code == 302
    response = inquiry(client)
    assert response.status_code == 429
    assert "try again in" in response.content.decode()
    assert Lead.objects.count() == settings.INQUIRIES_PER_HOUR
    other = client.post(
        reverse("inquiry"),
        {"name": "Hugo", "email": "hugo@h.example", "message": "Hello"},
        REMOTE_ADDR="192.0.2.99",
    )
    assert other.status_code == 302


def test_public_pages_need_no_login(client):
    for name in ("support", "support_charges", "inquiry", "inquiry_thanks", "login"):
        assert client.get(reverse(name)).status_code == 200
