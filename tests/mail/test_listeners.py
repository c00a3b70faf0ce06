"""The LMTP/SMTP listener, the provider webhook, and the pipe command."""

from __future__ import annotations

import hashlib
import hmac
import smtplib

import pytest
from django.db import OperationalError

from supportdesk.mail import lmtp
from supportdesk.mail.lmtp import InboundController
from supportdesk.mail.models import InboundMail
from supportdesk.tickets.models import Ticket
from tests.mail.servers import free_port

RAW = (
    b"From: Alice <alice@alpha.example>\r\nTo: support@example.com\r\nSubject: Via LMTP\r\n"
    b"Message-ID: <lmtp-1@alpha.example>\r\n\r\nDelivered by the MTA.\r\n"
)


@pytest.mark.django_db(transaction=True)
def test_lmtp_delivery_is_stored_then_processed(mail_settings, org_a, alice, listener_tx):
    org_a.mail_domains = "alpha.example"
    org_a.save()
    with smtplib.LMTP("127.0.0.1", listener_tx.port) as client:
        refused = client.sendmail("alice@alpha.example", ["support@example.com"], RAW)
    assert refused == {}
    inbound = InboundMail.objects.get(message_id="<lmtp-1@alpha.example>")
    assert inbound.source == "lmtp" and inbound.envelope_to == ["support@example.com"]
    assert inbound.state == "processed"
    assert Ticket.objects.filter(subject="Via LMTP").exists()


@pytest.fixture
def listener_tx():
    controller = InboundController(host="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.mark.django_db(transaction=True)
def test_a_temporary_failure_is_answered_with_451(mail_settings, listener_tx, monkeypatch):
    def unavailable(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(lmtp, "store_raw", unavailable)
    with (
        smtplib.LMTP("127.0.0.1", listener_tx.port) as client,
        pytest.raises(smtplib.SMTPDataError) as failure,
    ):
        client.sendmail("alice@alpha.example", ["support@example.com"], RAW)
    assert failure.value.smtp_code == 451
    assert not InboundMail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_smtp_variant_of_the_listener(mail_settings, org_a, alice):
    controller = InboundController(host="127.0.0.1", port=free_port(), lmtp=False)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", controller.port) as client:
            client.sendmail("alice@alpha.example", ["support+x@example.com"], RAW)
    finally:
        controller.stop()
    assert InboundMail.objects.get().source == "lmtp"


def _mailgun_post(client, raw: bytes, *, key: str = "signing-key", auth: str = "hook:secret"):
    import base64

    timestamp, token = "1773130000", "a" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return client.post(
        "/mail/mailgun/inbound_mime/",
        {
            "body-mime": raw.decode(),
            "recipient": "support@example.com",
            "sender": "alice@alpha.example",
            "timestamp": timestamp,
            "token": token,
            "signature": signature,
        },
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(auth.encode()).decode(),
    )


def test_provider_webhook_stores_and_processes(
    world, client, settings, django_capture_on_commit_callbacks
):
    settings.ANYMAIL = {
        "MAILGUN_WEBHOOK_SIGNING_KEY": "signing-key",
        "WEBHOOK_SECRET": "hook:secret",
    }
    settings.MAIL_WEBHOOK_PROVIDERS = ["mailgun"]
    with django_capture_on_commit_callbacks(execute=True):
        response = _mailgun_post(client, RAW)
    assert response.status_code == 200
    inbound = InboundMail.objects.get(message_id="<lmtp-1@alpha.example>")
    assert inbound.source == "webhook" and inbound.mailbox == world.mailbox
    assert inbound.state == "processed" and inbound.ticket.subject == "Via LMTP"


def test_provider_webhook_with_a_bad_signature_stores_nothing(world, client, settings):
    settings.ANYMAIL = {
        "MAILGUN_WEBHOOK_SIGNING_KEY": "signing-key",
        "WEBHOOK_SECRET": "hook:secret",
    }
    settings.MAIL_WEBHOOK_PROVIDERS = ["mailgun"]
    assert _mailgun_post(client, RAW, key="forged").status_code == 403
    assert _mailgun_post(client, RAW, auth="hook:wrong").status_code == 403
    assert not InboundMail.objects.exists()
