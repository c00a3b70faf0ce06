"""A screenshot attached to a customer's mail, or inline in it, is read like a pasted one."""

from __future__ import annotations

import io
from email.message import EmailMessage

import pytest
from PIL import Image, ImageDraw

from supportdesk.mail.process import process
from supportdesk.mail.store import store_raw
from supportdesk.odoo.screen_models import Screenshot
from supportdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("inline", [False, True], ids=["attached", "inline"])
def test_a_mailed_screenshot_gives_the_ticket_its_references(
    settings, org_a, alice, corpus, inline, django_capture_on_commit_callbacks
):
    settings.SUPPORT_EMAIL = "support@example.com"
    org_a.mail_domains = "alpha.example"
    org_a.save()
    image = corpus["v18-sale-form"][1].read_bytes()
    mail = EmailMessage()
    mail["From"] = alice.email
    mail["To"] = "support@example.com"
    mail["Subject"] = "See the screen"
    mail["Message-ID"] = "<shot-1@alpha.example>"
    if inline:
        mail.set_content("See below.")
        mail.add_alternative('<p>See below.</p><img src="cid:shot1">', subtype="html")
        html = mail.get_payload()[1]
        html.add_related(image, "image", "png", cid="<shot1>", filename="image001.png")
    else:
        mail.set_content("See the attached screen.")
        mail.add_attachment(image, maintype="image", subtype="png", filename="screen.png")
    with django_capture_on_commit_callbacks(execute=True):
        stored = store_raw(mail.as_bytes(), source="pipe", mailbox=None)
        process(stored.inbound.pk)
    ticket = Ticket.objects.get(subject="See the screen")
    assert Screenshot.objects.get(ticket=ticket).status == Screenshot.Status.READ
    refs = {(r.type, r.source) for r in ticket.odoo_refs.all()}
    assert ("url", "screenshot") in refs
    assert ticket.odoo_refs.filter(text="S00042", source="screenshot").exists()


def test_a_mailed_logo_without_text_is_read_as_nothing_not_a_failure(
    settings, org_a, alice, django_capture_on_commit_callbacks
):
    # Signature logos and icons (as in the public mail corpus) made Tesseract's word
    # iterator raise "No text returned", and the reading task failed and was retried.
    settings.SUPPORT_EMAIL = "support@example.com"
    logo = io.BytesIO()
    image = Image.new("RGB", (120, 40), "white")
    ImageDraw.Draw(image).ellipse((10, 5, 40, 35), fill="navy")
    image.save(logo, "PNG")
    mail = EmailMessage()
    mail["From"] = alice.email
    mail["To"] = "support@example.com"
    mail["Subject"] = "With a logo"
    mail["Message-ID"] = "<logo-1@alpha.example>"
    mail.set_content("Regards.")
    mail.add_attachment(logo.getvalue(), maintype="image", subtype="png", filename="logo.png")
    with django_capture_on_commit_callbacks(execute=True):
        stored = store_raw(mail.as_bytes(), source="pipe", mailbox=None)
        process(stored.inbound.pk)
    shot = Screenshot.objects.get(ticket__subject="With a logo")
    assert shot.status == Screenshot.Status.READ
    assert not shot.ticket.odoo_refs.exists()
