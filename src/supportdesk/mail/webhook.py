"""Inbound mail from providers (Mailgun, Postmark, SES, SendGrid…) through django-anymail.

Only the providers named in ``MAIL_WEBHOOK_PROVIDERS`` have a route, and each only while
a secret protects it: the provider's signature (Mailgun's signing key, Postal's key,
MailerSend's, Mailtrap's and Resend's signing secrets) or the basic-auth
``ANYMAIL_WEBHOOK_SECRET``, which every provider supports. Any other request answers 404;
a post without the right signature or password answers 403; neither stores anything.

A message that passes is stored raw like any other and processed by the worker. An error
while storing answers the provider with a server error, so it delivers again later.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
)
from django.views.decorators.csrf import csrf_exempt

from supportdesk.mail.models import InboundMail
from supportdesk.mail.store import mailbox_for, schedule_processing, store_raw

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Provider:
    view: str  # the anymail view class, as "module:Class" under anymail.webhooks
    # Attributes of the view that hold a configured signature key or secret.
    signed_by: tuple[str, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


PROVIDERS: dict[str, Provider] = {
    "amazon_ses": Provider("amazon_ses:AmazonSESInboundWebhookView"),
    "brevo": Provider("brevo:BrevoInboundWebhookView"),
    "mailersend": Provider("mailersend:MailerSendInboundWebhookView", ("signing_secret",)),
    "mailgun": Provider("mailgun:MailgunInboundWebhookView", ("webhook_signing_key",)),
    "mailjet": Provider("mailjet:MailjetInboundWebhookView"),
    "mailtrap": Provider("mailtrap:MailtrapInboundWebhookView", ("signing_secret",)),
    "postal": Provider("postal:PostalInboundWebhookView", ("webhook_key",)),
    "postmark": Provider("postmark:PostmarkInboundWebhookView"),
    "resend": Provider("resend:ResendInboundWebhookView", ("_svix_webhook",)),
    "sendgrid": Provider("sendgrid:SendGridInboundWebhookView"),
    "sparkpost": Provider("sparkpost:SparkPostInboundWebhookView"),
}


def _view_class(provider: Provider) -> type:
    import importlib

    module, _, name = provider.view.partition(":")
    view: type = getattr(importlib.import_module(f"anymail.webhooks.{module}"), name)
    return view


def configured_view(name: str) -> Any | None:
    """The provider's anymail view when it is configured and protected by a secret."""
    from anymail.exceptions import AnymailConfigurationError

    provider = PROVIDERS.get(name)
    if provider is None or name not in settings.MAIL_WEBHOOK_PROVIDERS:
        return None
    try:
        with warnings.catch_warnings():  # "insecure webhook": refused below instead
            warnings.simplefilter("ignore")
            view = _view_class(provider)(**provider.kwargs)
    except (AnymailConfigurationError, ImportError) as exc:
        log.warning("mail webhook %s is not configured: %s", name, exc)
        return None
    if getattr(view, "basic_auth", None) or any(getattr(view, a, None) for a in provider.signed_by):
        return view
    log.warning("mail webhook %s has no secret (ANYMAIL_WEBHOOK_SECRET or signing key)", name)
    return None


@csrf_exempt
def inbound_webhook(request: HttpRequest, provider: str, variant: str = "") -> HttpResponse:
    """``/mail/<provider>/inbound/``: anymail validates the request, then stores the mail."""
    from anymail.exceptions import AnymailWebhookValidationFailure

    view = configured_view(provider)
    if view is None or (variant and provider != "mailgun"):
        raise Http404("no such mail webhook")
    view.setup(request)
    try:
        response: HttpResponse = view.dispatch(request)
    except AnymailWebhookValidationFailure as exc:
        log.warning("mail webhook %s refused a request: %s", provider, exc)
        return HttpResponseForbidden("signature or webhook secret missing or wrong")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        # Authenticated, but not the provider's payload: nothing was stored.
        log.warning("mail webhook %s: unreadable payload: %s", provider, exc)
        return HttpResponseBadRequest(f"unreadable {provider} payload")
    return response


def inbound_received(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    message = event.message
    recipient = getattr(message, "envelope_recipient", None) or ""
    recipients = [recipient] if recipient else [str(a.addr_spec) for a in message.to]
    stored = store_raw(
        message.as_bytes(),
        source=InboundMail.Source.WEBHOOK,
        mailbox=mailbox_for(recipients),
        envelope_from=getattr(message, "envelope_sender", None) or "",
        envelope_to=recipients,
    )
    if stored.created:
        schedule_processing(stored.inbound.pk)
