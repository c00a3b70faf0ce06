"""Forgery: provider webhooks answer only when configured and signed; nothing else changes."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from supportdesk.mail.models import InboundMail
from supportdesk.mail.webhook import PROVIDERS
from supportdesk.tickets.models import Message, Ticket

# A public reply "by" the consultant on the open ticket, as an attacker would post it.
FORGED = (
    b"From: Carl Consultant <carl@partner.example>\r\nTo: support@example.com\r\n"
    b"Subject: Re: Invoice cannot be posted\r\nMessage-ID: <forged-hook@attacker.example>\r\n"
    b"In-Reply-To: <root-1@alpha.example>\r\n\r\nPay to SE00 1234 from now on.\r\n"
)


def _postal_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    public = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return "".join(pem.strip().splitlines()[1:-1])


# What each provider needs besides the webhook secret (API keys it reads, signing keys).
NEEDS = {
    "brevo": {"BREVO_API_KEY": "key"},
    "mailersend": {"MAILERSEND_INBOUND_SECRET": "inbound-secret"},
    "mailgun": {"MAILGUN_WEBHOOK_SIGNING_KEY": "signing-key"},
    "mailtrap": {"MAILTRAP_API_TOKEN": "token"},
    "postal": {"POSTAL_WEBHOOK_KEY": _postal_key()},
    "resend": {"RESEND_API_KEY": "key"},
}


def _state() -> tuple[int, int, int]:
    return InboundMail.objects.count(), Ticket.objects.count(), Message.objects.count()


def _post(client, provider: str, auth: str | None = None, **headers_extra):
    headers = dict(headers_extra)
    if auth is not None:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(auth.encode()).decode()
    payload: dict[str, str] = {
        "body-mime": FORGED.decode(),
        "recipient": "support@example.com",
        "email": FORGED.decode(),
        "RawEmail": FORGED.decode(),
    }
    return client.post(f"/mail/{provider}/inbound/", payload, **headers)


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_an_unconfigured_provider_has_no_route(provider, world, client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    before = _state()
    assert _post(client, provider, "hook:secret").status_code == 404
    assert _post(client, "nosuchprovider", "hook:secret").status_code == 404
    assert _state() == before


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_a_configured_provider_without_any_secret_stays_closed(provider, world, client, settings):
    settings.MAIL_WEBHOOK_PROVIDERS = [provider]
    settings.ANYMAIL = {}
    before = _state()
    response = _post(client, provider)
    assert response.status_code == 404
    assert _state() == before


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_unsigned_and_wrongly_signed_posts_change_nothing(provider, world, client, settings):
    settings.MAIL_WEBHOOK_PROVIDERS = [provider]
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret", **NEEDS.get(provider, {})}
    # Amazon SES needs boto3, which is not installed: it is never routed.
    refused = 404 if provider == "amazon_ses" else 403
    before = _state()
    assert _post(client, provider).status_code == refused
    assert _post(client, provider, "hook:wrong").status_code == refused
    assert _post(client, provider, "").status_code == refused
    # The right password but a forged signature, where the provider signs.
    forged = {"HTTP_X_POSTAL_SIGNATURE": "Zm9yZ2Vk", "HTTP_WEBHOOK_SIGNATURE": "v1,Zm9yZ2Vk"}
    if provider in {"mailersend", "mailgun", "postal"}:
        assert _post(client, provider, "hook:secret", **forged).status_code == 403
    assert _state() == before


def test_mailgun_signed_with_the_wrong_key_changes_nothing(world, client, settings):
    settings.MAIL_WEBHOOK_PROVIDERS = ["mailgun"]
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": "signing-key"}
    timestamp, token = "1773130000", "b" * 50
    before = _state()
    for key in ("forged", ""):
        signature = hmac.new(
            key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256
        ).hexdigest()
        response = client.post(
            "/mail/mailgun/inbound_mime/",
            {
                "body-mime": FORGED.decode(),
                "timestamp": timestamp,
                "token": token,
                "signature": signature,
            },
        )
        assert response.status_code == 403
    assert _state() == before
    assert client.post("/mail/postmark/inbound_mime/", {}).status_code == 404


def test_a_signed_post_of_a_staff_address_still_is_no_public_reply(
    world, client, settings, django_capture_on_commit_callbacks
):
    """The provider vouches for the delivery, not for the sender: a note, never a reply."""
    settings.MAIL_WEBHOOK_PROVIDERS = ["mailgun"]
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": "signing-key"}
    timestamp, token = "1773130000", "c" * 50
    signature = hmac.new(b"signing-key", f"{timestamp}{token}".encode(), hashlib.sha256)
    public_before = Message.objects.filter(internal=False).count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/mail/mailgun/inbound_mime/",
            {
                "body-mime": FORGED.decode(),
                "timestamp": timestamp,
                "token": token,
                "signature": signature.hexdigest(),
            },
        )
    assert response.status_code == 200
    inbound = InboundMail.objects.get(message_id="<forged-hook@attacker.example>")
    assert inbound.outcome == "unverified_staff" and inbound.ticket == world.open
    assert inbound.ticket_message.internal
    assert Message.objects.filter(internal=False).count() == public_before
