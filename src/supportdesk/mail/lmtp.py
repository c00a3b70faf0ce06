"""The LMTP (or SMTP) listener an MTA delivers to: ``supportdesk mail listen``.

A message is answered ``250`` only once it is stored and committed; when the database
cannot take it the answer is ``451`` (temporary), so the MTA keeps the message and tries
again. Processing follows in batches in the listener (``mail.batches``), or in the worker. Bind it to loopback or a private network: it
accepts mail for any recipient and is not an open relay only because it relays nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections

from supportdesk.mail.batches import Batches
from supportdesk.mail.models import InboundMail
from supportdesk.mail.store import mailbox_for, schedule_processing, store_raw

log = logging.getLogger(__name__)
TEMPORARY_FAILURE = "451 4.3.0 Temporary failure storing the message: please try again later"


def _store(
    raw: bytes,
    mail_from: str,
    rcpt_tos: Sequence[str],
    batches: Batches | None = None,
) -> int:
    close_old_connections()
    try:
        stored = store_raw(
            raw,
            source=InboundMail.Source.LMTP,
            mailbox=mailbox_for(rcpt_tos),
            envelope_from=mail_from or "",
            envelope_to=rcpt_tos,
        )
        if stored.created:
            if batches is not None:
                batches.add(stored.inbound.pk)
            else:
                schedule_processing(stored.inbound.pk)
        return stored.inbound.pk
    finally:
        # The listener thread holds no connection between messages.
        connections.close_all()


class InboundHandler:
    def __init__(self, batches: Batches | None = None) -> None:
        self.batches = batches

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            pk = await sync_to_async(_store, thread_sensitive=True)(
                raw, envelope.mail_from or "", list(envelope.rcpt_tos), self.batches
            )
        except (DatabaseError, OSError) as exc:
            log.warning("message from %s not stored: %s", envelope.mail_from, exc)
            return TEMPORARY_FAILURE
        return f"250 2.0.0 Stored as #{pk}"


class InboundController(Controller):
    """aiosmtpd's controller speaking LMTP (default) or SMTP."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        lmtp: bool = True,
        batches: Batches | None = None,
        **kwargs: Any,
    ) -> None:
        """``batches``: stored messages are processed by the listener in batches (else
        each is queued for the worker)."""
        self.lmtp = lmtp
        super().__init__(
            InboundHandler(batches),
            hostname=host,
            port=port,
            # Far over MAIL_MAX_MB is refused in the protocol (552); just over is stored
            # with its header only and answered politely.
            data_size_limit=settings.MAIL_MAX_BYTES * 4,
            **kwargs,
        )

    def factory(self) -> SMTP:
        protocol = LMTP if self.lmtp else SMTP
        return protocol(self.handler, **self.SMTP_kwargs)
