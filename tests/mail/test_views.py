"""The original of a received mail: its organisation sees it, another gets 404."""

from __future__ import annotations

import pytest

from supportdesk.mail.models import Mailbox
from tests.factories import PASSWORD
from tests.mail.conftest import ingest

REPLY = (
    "From: Alice <alice@alpha.example>\r\nTo: support@example.com\r\nSubject: Re: [{number}] x\r\n"
    "Message-ID: <orig-1@alpha.example>\r\n\r\nThe new part.\r\n\r\n"
    "On Tue, 10 Mar 2026 at 07:30, Support <support@example.com> wrote:\r\n> The old part.\r\n"
)


@pytest.fixture
def reply(world):
    return ingest(REPLY.format(number=world.open.number).encode(), mailbox=world.mailbox)


def url(inbound):
    return f"/tickets/{inbound.ticket.number}/messages/{inbound.ticket_message_id}/original/"


def test_the_requester_sees_the_full_original_with_the_quote_folded(client, world, reply):
    assert reply.ticket_message.body.strip() == "The new part."
    client.login(username="alice@alpha.example", password=PASSWORD)
    response = client.get(url(reply))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The new part." in page and "The old part." in page and "<details>" in page
    assert client.get(url(reply) + "?raw=1")["Content-Type"].startswith("text/html")


def test_another_organisation_gets_404(client, world, reply):
    client.login(username="bob@beta.example", password=PASSWORD)
    assert client.get(url(reply)).status_code == 404


def test_staff_can_download_the_message_as_received(client, world, reply):
    client.force_login(world.consultant)
    response = client.get(url(reply) + "?raw=1")
    assert response.status_code == 200 and response["Content-Type"] == "message/rfc822"
    assert response.content == REPLY.format(number=world.open.number).encode()


def test_an_automatic_reply_is_staff_only(client, world):
    oof = (
        f"From: alice@alpha.example\r\nTo: support@example.com\r\nSubject: Re: [{world.open.number}]\r\n"
        "Auto-Submitted: auto-replied\r\nMessage-ID: <oof-v@alpha.example>\r\n\r\nAway.\r\n"
    ).encode()
    inbound = ingest(oof, mailbox=world.mailbox)
    client.login(username="alice@alpha.example", password=PASSWORD)
    assert client.get(url(inbound)).status_code == 404
    client.force_login(world.consultant)
    assert client.get(url(inbound)).status_code == 200


def test_the_admin_keeps_the_imap_password_encrypted_and_never_shows_it(
    client, admin_user, org_a, settings
):
    settings.OTP_REQUIRED_ROLES = []  # the second factor is tested with the log-in
    client.force_login(admin_user)
    response = client.post(
        "/admin/mail/mailbox/add/",
        {
            "name": "Alpha box",
            "address": "alpha-support@example.com",
            "active": "on",
            "default_organisation": org_a.pk,
            "imap_host": "imap.example.com",
            "imap_port": "993",
            "imap_security": "ssl",
            "imap_username": "alpha-support",
            "imap_auth": "password",
            "imap_secret": "s3cret-imap-password",
            "imap_folder": "INBOX",
            "imap_done_folder": "",
        },
    )
    assert response.status_code == 302 and "/admin/mail/mailbox/" in response["Location"]
    box = Mailbox.objects.get(name="Alpha box")
    assert box.imap_secret == "s3cret-imap-password"
    assert "s3cret" not in box.imap_secret_encrypted
    page = client.get(f"/admin/mail/mailbox/{box.pk}/change/").content.decode()
    assert "s3cret" not in page and box.imap_secret_encrypted not in page
    # Saving again without typing the password keeps it.
    data = {
        "name": "Alpha box",
        "address": "alpha-support@example.com",
        "active": "on",
        "imap_host": "imap.example.com",
        "imap_port": "993",
        "imap_security": "ssl",
        "imap_username": "alpha-support",
        "imap_auth": "password",
        "imap_secret": "",
        "imap_folder": "INBOX",
    }
    assert client.post(f"/admin/mail/mailbox/{box.pk}/change/", data).status_code == 302
    box.refresh_from_db()
    assert box.imap_secret == "s3cret-imap-password" and box.default_organisation is None


def test_the_ticket_pages_link_a_received_mail_to_its_original(client, world, reply):
    link = url(reply)
    client.login(username="alice@alpha.example", password=PASSWORD)
    assert link in client.get(f"/tickets/{reply.ticket.number}/").content.decode()
    client.force_login(world.consultant)
    assert link in client.get(f"/console/tickets/{reply.ticket.number}/").content.decode()
