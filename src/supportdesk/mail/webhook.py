"""Inbound mail from providers (Mailgun, Postmark, SES, SendGrid…) through django-anymail.

Anymail validates the provider's signature and hands over the message; it is stored raw
like any other and processed by the worker. An error here answers the provider with a
server error, so it delivers again later.
"""

from __future__ import annotations

from typing import Any

from supportdesk.mail.models import InboundMail
from supportdesk.mail.store import mailbox_for, schedule_processing, store_raw


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
