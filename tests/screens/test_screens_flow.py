"""A customer's screenshot, read after commit: references with the source "screenshot", a
crop, the error signature, other customers with the same error (staff only), removal by
the customer, correction by a consultant, isolation between organisations."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from supportdesk.odoo.screen_models import Screenshot, ScreenshotFinding, TicketSignature
from supportdesk.tickets.models import CodeOwner, Event, OdooReference, Ticket
from tests.factories import OrganisationFactory, UserFactory, make_ticket
from tests.screens.corpus import _SALE_TB  # the traceback the server-error shot shows

pytestmark = pytest.mark.django_db


def post_ticket(client, user, image: bytes, capture, *, name="shot.png", description=""):
    client.force_login(user)
    data = {
        "subject": "It stopped working",
        "description": description,
        "kind": "bug",
        "impact": "",
        "contact_method": "email",
        "contact_phone": "",
        "odoo_url": "",
        "reference": "",
        "attachments": [SimpleUploadedFile(name, image, content_type="image/png")],
    }
    with capture(execute=True):
        response = client.post(reverse("ticket_new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Ticket.objects.filter(organisation=user.organisation).latest("id")


@pytest.fixture
def server_error(corpus) -> bytes:
    return corpus["v17-server-error"][1].read_bytes()


@pytest.fixture
def two_other_customers(db):
    """Tickets of two other organisations that pasted the same traceback as text."""
    tickets = []
    for name in ("Gamma AB", "Delta AS"):
        org = OrganisationFactory(name=name)
        user = UserFactory(email=f"user@{name.split()[0].lower()}.example", organisation=org)
        tickets.append(make_ticket(user, description=f"We get this:\n{_SALE_TB}"))
    from supportdesk.odoo.subscribers import customer_wrote

    for ticket in tickets:
        customer_wrote(ticket.events.get(verb="created").pk)
    return tickets


def test_a_pasted_screenshot_gives_the_ticket_its_url_reference_and_error(
    client, alice, server_error, django_capture_on_commit_callbacks
):
    ticket = post_ticket(client, alice, server_error, django_capture_on_commit_callbacks)
    shot = Screenshot.objects.get(ticket=ticket)
    assert shot.status == Screenshot.Status.READ
    refs = {(r.type, r.text, r.source) for r in ticket.odoo_refs.all()}
    assert ("reference", "S00042", "screenshot") in refs
    url = ticket.odoo_refs.get(type="url")
    assert (url.host, url.model, url.record_id, url.source) == (
        "nordvik.odoo.com",
        "sale.order",
        42,
        "screenshot",
    )
    assert shot.dialog_title == "Odoo Server Error"
    assert "no VAT number" in shot.dialog_message
    assert TicketSignature.objects.filter(ticket=ticket, source="screenshot").exists()
    assert Event.objects.filter(ticket=ticket, verb="screenshot_read", public=True).exists()

    page = client.get(reverse("ticket_detail", args=[ticket.number])).content.decode()
    assert "recognised in your screenshot" in page
    assert "S00042" in page and "nordvik.odoo.com" in page
    finding = ScreenshotFinding.objects.filter(screenshot=shot, kind="reference").first()
    crop = client.get(reverse("screens:crop", args=[ticket.number, finding.pk]))
    assert crop.status_code == 200 and crop["Content-Type"] == "image/png"
    assert b"".join(crop.streaming_content).startswith(b"\x89PNG")


def test_the_page_is_in_swedish_too(
    client, alice, server_error, django_capture_on_commit_callbacks
):
    alice.language = "sv"
    alice.save(update_fields=["language"])
    ticket = post_ticket(client, alice, server_error, django_capture_on_commit_callbacks)
    page = client.get(reverse("ticket_detail", args=[ticket.number])).content.decode()
    assert 'lang="sv"' in page
    assert "Igenkänt i din skärmbild" in page and "igenkänd i din skärmbild" in page


def test_the_customer_removes_a_wrong_finding_and_a_consultant_corrects_one(
    client, alice, consultant, server_error, django_capture_on_commit_callbacks
):
    ticket = post_ticket(client, alice, server_error, django_capture_on_commit_callbacks)
    finding = ScreenshotFinding.objects.get(
        screenshot__ticket=ticket, kind="reference", text="S00042"
    )
    response = client.post(reverse("screens:remove", args=[ticket.number, finding.pk]))
    assert response.status_code == 302
    assert not ticket.odoo_refs.filter(text="S00042").exists()
    assert Event.objects.filter(ticket=ticket, verb="screenshot_finding_removed").exists()

    url_finding = ScreenshotFinding.objects.get(screenshot__ticket=ticket, kind="url")
    client.force_login(consultant)
    client.post(
        reverse("screens:correct", args=[ticket.number, url_finding.pk]),
        {"text": "https://nordvik.odoo.com/odoo/sales/43"},
    )
    corrected = ticket.odoo_refs.get(type="url")
    assert (corrected.record_id, corrected.source) == (43, OdooReference.Source.STAFF)
    bad = client.post(
        reverse("screens:correct", args=[ticket.number, url_finding.pk]),
        {"text": "hello"},
        follow=True,
    )
    assert "neither an Odoo URL nor a document number" in bad.content.decode()
    assert ticket.odoo_refs.get(type="url").record_id == 43


def test_a_customer_cannot_correct_and_another_organisation_gets_404(
    client, alice, bob, server_error, django_capture_on_commit_callbacks
):
    ticket = post_ticket(client, alice, server_error, django_capture_on_commit_callbacks)
    finding = ScreenshotFinding.objects.filter(screenshot__ticket=ticket).first()
    client.force_login(alice)
    assert client.post(
        reverse("screens:correct", args=[ticket.number, finding.pk]), {"text": "S00043"}
    ).status_code in (302, 403, 404)
    assert ticket.odoo_refs.filter(source="staff").count() == 0
    client.force_login(bob)
    for name in ("screens:crop",):
        assert client.get(reverse(name, args=[ticket.number, finding.pk])).status_code == 404
    assert (
        client.post(reverse("screens:remove", args=[ticket.number, finding.pk])).status_code == 404
    )
    assert ScreenshotFinding.objects.get(pk=finding.pk).removed_at is None


def test_staff_see_other_customers_with_the_same_error_and_customers_never_do(
    client, alice, consultant, server_error, two_other_customers, django_capture_on_commit_callbacks
):
    ticket = post_ticket(client, alice, server_error, django_capture_on_commit_callbacks)
    client.force_login(consultant)
    page = client.get(reverse("console:workspace", args=[ticket.number])).content.decode()
    assert "Other customers hit this too" in page
    for other in two_other_customers:
        assert other.number in page
    assert "Gamma AB" in page and "Delta AS" in page
    # the innermost frame is our localisation addon: one bug for all of them (R8)
    assert "open one bug" in page

    board = client.get(reverse("console:board")).content.decode()
    assert (
        "other customers&#x27; tickets have this error" in board
        or "other customers' tickets have this error" in board
    )

    signature = TicketSignature.objects.filter(ticket=ticket).first().signature
    listing = client.get(reverse("screens:signature_tickets", args=[signature.pk])).content.decode()
    assert all(t.number in listing for t in [ticket, *two_other_customers])
    report = client.get(reverse("screens:signatures_week")).content.decode()
    assert "Gamma AB" in report and "Alpha AB" in report

    client.force_login(alice)
    portal = client.get(reverse("ticket_detail", args=[ticket.number])).content.decode()
    assert "Other customers hit this too" not in portal
    assert not any(t.number in portal for t in two_other_customers)
    assert "Gamma AB" not in portal
    assert client.get(reverse("screens:signature_tickets", args=[signature.pk])).status_code in (
        302,
        403,
        404,
    )
    assert client.get(reverse("screens:signatures_week")).status_code in (302, 403, 404)


def test_a_partner_code_owner_suggests_one_bug(client, alice, consultant, two_other_customers):
    other = two_other_customers[0]
    Ticket.objects.filter(pk=other.pk).update(code_owner=CodeOwner.PARTNER)
    client.force_login(consultant)
    page = client.get(
        reverse("console:workspace", args=[two_other_customers[1].number])
    ).content.decode()
    assert other.number in page and "open one bug" in page


def test_the_same_screen_in_another_open_ticket_is_a_possible_duplicate(
    client, alice, consultant, corpus, django_capture_on_commit_callbacks
):
    light = corpus["v18-sale-form"][1].read_bytes()
    with Image.open(io.BytesIO(light)) as image:  # the same screen again, smaller, as JPEG
        buffer = io.BytesIO()
        image.convert("RGB").resize((1600, 900)).save(buffer, "JPEG", quality=60)
    again = buffer.getvalue()
    other = corpus["v18-invoice-action"][1].read_bytes()  # another record, same layout
    first = post_ticket(client, alice, light, django_capture_on_commit_callbacks)
    second = post_ticket(client, alice, again, django_capture_on_commit_callbacks, name="again.png")
    third = post_ticket(client, alice, other, django_capture_on_commit_callbacks, name="blog.png")
    client.force_login(consultant)
    page = client.get(reverse("console:workspace", args=[second.number])).content.decode()
    assert "possible duplicate" in page and first.number in page
    assert (
        third.number
        not in page.split("Same screen in another open ticket")[-1].split("</section>")[0]
    )


def test_a_file_that_is_not_an_image_is_marked_unreadable(
    client, alice, django_capture_on_commit_callbacks
):
    ticket = post_ticket(client, alice, b"not a png", django_capture_on_commit_callbacks)
    shot = Screenshot.objects.get(ticket=ticket)
    assert shot.status == Screenshot.Status.FAILED and "not an image" in shot.error
    assert ticket.odoo_refs.count() == 0
