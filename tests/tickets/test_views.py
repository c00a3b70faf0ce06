"""Ticket web pages: one ownership test per URL (STYLE: alice/bob), and the new-ticket form."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supportdesk.tickets import actions
from supportdesk.tickets.models import Attachment, Event, Message, OdooReference, Ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_ticket(alice):
    return make_ticket(alice, subject="Alice cannot post her invoice")


@pytest.fixture
def alices_attachment(alices_ticket, alice):
    message = actions.ticket_reply(
        ticket=alices_ticket,
        actor=alice,
        body="screenshot attached",
        channel="portal",
        attachments=[SimpleUploadedFile("screen.png", b"\x89PNG-alice", content_type="image/png")],
    )
    return message.attachments.get()


@pytest.fixture
def internal_attachment(alices_ticket, consultant):
    note = actions.ticket_add_note(
        ticket=alices_ticket,
        actor=consultant,
        body="Customer's ledger, do not share",
        attachments=[SimpleUploadedFile("ledger.csv", b"secret,1", content_type="text/csv")],
    )
    return note.attachments.get()


def detail_url(ticket: Ticket) -> str:
    return reverse("ticket_detail", args=[ticket.number])


def download_url(attachment: Attachment) -> str:
    return reverse("attachment_download", args=[attachment.ticket.number, attachment.pk])


def content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def body(response) -> str:
    return content(response).decode(errors="replace")


# --- the outsider (bob, organisation B) gets 404 on every URL of A's ticket ---------------


def test_outsider_gets_404_for_the_ticket_page(client, bob, alices_ticket):
    client.force_login(bob)
    response = client.get(detail_url(alices_ticket))
    assert response.status_code == 404
    assert "Alice cannot post" not in body(response)


def test_outsider_gets_404_replying_and_adds_nothing(client, bob, alices_ticket):
    client.force_login(bob)
    response = client.post(reverse("ticket_reply", args=[alices_ticket.number]), {"body": "hi"})
    assert response.status_code == 404
    assert alices_ticket.messages.count() == 0
    assert alices_ticket.events.count() == 1


def test_outsider_gets_404_downloading_an_attachment(client, bob, alices_attachment):
    client.force_login(bob)
    response = client.get(download_url(alices_attachment))
    assert response.status_code == 404
    assert b"PNG-alice" not in content(response)


def test_outsider_never_sees_the_ticket_in_any_list(client, bob, alices_ticket):
    bobs_ticket = make_ticket(bob, subject="Bob's delivery is stuck")
    client.force_login(bob)
    for state in ("open", "closed", "all"):
        page = body(client.get(reverse("ticket_list"), {"state": state}))
        assert alices_ticket.number not in page
        assert "Alice cannot post" not in page
    assert bobs_ticket.number in body(client.get(reverse("ticket_list")))


def test_anonymous_visitor_is_sent_to_the_login_page(client, alices_ticket):
    response = client.get(detail_url(alices_ticket))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- colleagues, watchers and staff --------------------------------------------------------


def test_colleague_gets_404_for_alices_ticket_by_default(client, alice_colleague, alices_ticket):
    client.force_login(alice_colleague)
    assert client.get(detail_url(alices_ticket)).status_code == 404
    assert alices_ticket.number not in body(client.get(reverse("ticket_list")))


def test_colleague_sees_alices_ticket_when_the_organisation_shares(
    client, alice_colleague, alices_ticket, org_a
):
    org_a.members_see_all = True
    org_a.save()
    client.force_login(alice_colleague)
    response = client.get(detail_url(alices_ticket))
    assert response.status_code == 200
    assert "Alice cannot post her invoice" in body(response)
    assert alices_ticket.number in body(client.get(reverse("ticket_list")))


def test_colleague_copied_on_the_ticket_sees_it(client, alice_colleague, alices_ticket):
    alices_ticket.watchers.add(alice_colleague)
    client.force_login(alice_colleague)
    assert client.get(detail_url(alices_ticket)).status_code == 200


def test_staff_see_tickets_of_every_organisation(client, consultant, alices_ticket, bob):
    bobs_ticket = make_ticket(bob, subject="Bob's delivery is stuck")
    client.force_login(consultant)
    page = body(client.get(reverse("ticket_list")))
    assert alices_ticket.number in page and bobs_ticket.number in page
    assert client.get(detail_url(bobs_ticket)).status_code == 200


# --- attachments and internal notes --------------------------------------------------------


def test_requester_downloads_their_attachment(client, alice, alices_attachment):
    client.force_login(alice)
    response = client.get(download_url(alices_attachment))
    assert response.status_code == 200
    assert content(response) == b"\x89PNG-alice"
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_internal_attachment_is_404_for_the_customer(client, alice, internal_attachment):
    client.force_login(alice)
    response = client.get(download_url(internal_attachment))
    assert response.status_code == 404
    assert b"secret" not in content(response)


def test_internal_attachment_is_served_to_staff_as_a_download(
    client, consultant, internal_attachment
):
    client.force_login(consultant)
    response = client.get(download_url(internal_attachment))
    assert response.status_code == 200
    assert content(response) == b"secret,1"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"


def test_customer_page_hides_internal_notes_and_their_events(
    client, alice, consultant, internal_attachment
):
    client.force_login(alice)
    page = body(client.get(detail_url(internal_attachment.ticket)))
    assert "do not share" not in page
    assert "ledger.csv" not in page
    assert "noted" not in page
    client.force_login(consultant)
    staff_page = body(client.get(detail_url(internal_attachment.ticket)))
    assert "do not share" in staff_page and "ledger.csv" in staff_page


def test_customer_cannot_post_an_internal_note_through_the_form(client, alice, alices_ticket):
    client.force_login(alice)
    response = client.post(
        reverse("ticket_reply", args=[alices_ticket.number]),
        {"body": "pretend I am staff", "internal": "on"},
    )
    assert response.status_code == 302
    [message] = alices_ticket.messages.all()
    assert message.internal is False


# --- reply and new-ticket forms -----------------------------------------------------------


def test_reply_form_adds_a_message_with_an_attachment(client, alice, alices_ticket):
    client.force_login(alice)
    response = client.post(
        reverse("ticket_reply", args=[alices_ticket.number]),
        {
            "body": "Here is the log",
            "attachments": SimpleUploadedFile("odoo.log", b"ERROR", content_type="text/plain"),
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == detail_url(alices_ticket)
    page = body(response)
    assert "Here is the log" in page and "odoo.log" in page
    assert alices_ticket.attachments.get().filename == "odoo.log"


def test_reply_on_a_closed_ticket_shows_the_reason(
    client, alice, alices_ticket, dispatcher, consultant
):
    actions.ticket_assign(ticket=alices_ticket, actor=dispatcher, assignee=consultant)
    actions.ticket_resolve(ticket=alices_ticket, actor=consultant)
    actions.ticket_close(ticket=alices_ticket, actor=alice)
    client.force_login(alice)
    response = client.post(
        reverse("ticket_reply", args=[alices_ticket.number]), {"body": "again"}, follow=True
    )
    assert "the ticket is closed: reopen it first" in body(response)
    assert alices_ticket.messages.count() == 0


def new_ticket_data(**overrides):
    data = {
        "subject": "Cannot confirm S00042",
        "description": "The button does nothing.",
        "kind": "bug",
        "impact": "",
        "contact_method": "email",
        "contact_phone": "",
        "odoo_url": "https://alpha.odoo.com/odoo/sales/42",
        "reference": "S00042",
        "attachments": SimpleUploadedFile("screen.png", b"png-bytes", content_type="image/png"),
    }
    data.update(overrides)
    return data


def test_new_ticket_form_registers_the_ticket_with_its_attachment(client, alice):
    client.force_login(alice)
    response = client.post(reverse("ticket_new"), new_ticket_data())
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(ticket)
    assert ticket.organisation == alice.organisation
    assert ticket.requester == alice
    assert ticket.channel == "portal"
    assert ticket.attachments.get().filename == "screen.png"
    assert set(ticket.odoo_refs.values_list("type", flat=True)) == {"url", "reference"}


def test_new_ticket_form_shows_the_bad_odoo_url_and_creates_nothing(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("ticket_new"), new_ticket_data(odoo_url="https://example.com/not-odoo")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "is not the URL of an Odoo screen" in " ".join(form.errors["odoo_url"])
    page = body(response)
    assert "has-error" in page and "is not the URL of an Odoo screen" in page
    # What the customer typed is still there to correct.
    assert "Cannot confirm S00042" in page
    assert Ticket.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert Message.objects.count() == 0
    assert Event.objects.count() == 0
    assert OdooReference.objects.count() == 0


def test_new_ticket_form_requires_an_organisation_from_staff(client, dispatcher):
    client.force_login(dispatcher)
    response = client.post(reverse("ticket_new"), new_ticket_data())
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert Ticket.objects.count() == 0


def test_staff_register_a_ticket_for_an_organisation(client, dispatcher, org_b):
    client.force_login(dispatcher)
    response = client.post(
        reverse("ticket_new"),
        new_ticket_data(organisation=org_b.pk, odoo_url="", reference=""),
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert (ticket.organisation, ticket.channel, ticket.requester) == (org_b, "console", None)
