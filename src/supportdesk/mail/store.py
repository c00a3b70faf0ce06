"""Raw first: every message is stored, with its hash, before it is parsed (DESIGN rule 5).

``store_raw`` commits the row in its own transaction, so a crash while parsing or
threading loses nothing, and records a message delivered twice once: by Message-ID, or by
the hash of its bytes when it has none.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from supportdesk.core import clock
from supportdesk.mail.models import InboundMail, Mailbox
from supportdesk.mail.parse import peek

log = logging.getLogger(__name__)


@dataclass
class Stored:
    inbound: InboundMail
    created: bool  # False: a copy of a message stored before


def _header_only(raw: bytes) -> bytes:
    for separator in (b"\r\n\r\n", b"\n\n"):
        end = raw.find(separator)
        if end >= 0:
            return raw[: end + len(separator)]
    return raw[:65536]


def dedup_key(message_id: str, sha256: str) -> str:
    if message_id:
        return "mid:" + hashlib.sha256(message_id.encode("utf-8", "surrogatepass")).hexdigest()
    return "raw:" + sha256


def store_raw(
    raw: bytes,
    *,
    source: str,
    mailbox: Mailbox | None = None,
    envelope_from: str = "",
    envelope_to: Sequence[str] = (),
    imap_uid: int | None = None,
    size: int | None = None,
) -> Stored:
    """Store one message as delivered; a second delivery of the same message is counted.

    ``size`` is the size of the whole message when only its header was fetched (IMAP does
    not download a message over the limit).
    """
    sha256 = hashlib.sha256(raw).hexdigest()
    try:
        head = peek(raw)
    except Exception:  # an unreadable header is still stored, and reported when processed
        head = {"message_id": "", "subject": "", "from_address": "", "sent_at": None}
    key = dedup_key(head["message_id"], sha256)
    size = len(raw) if size is None else size
    truncated = size > settings.MAIL_MAX_BYTES
    try:
        with transaction.atomic():
            inbound = InboundMail.objects.create(
                mailbox=mailbox,
                source=source,
                raw=_header_only(raw) if truncated else raw,
                size=size,
                truncated=truncated,
                sha256=sha256,
                dedup_key=key,
                envelope_from=envelope_from[:254],
                envelope_to=[a.lower() for a in envelope_to],
                imap_uid=imap_uid,
                received_at=clock.now(),
                **head,
            )
    except IntegrityError:
        InboundMail.objects.filter(dedup_key=key).update(deliveries=F("deliveries") + 1)
        existing = InboundMail.objects.get(dedup_key=key)
        log.info("mail %s delivered again: stored once as #%s", head["message_id"], existing.pk)
        return Stored(existing, False)
    return Stored(inbound, True)


def mailbox_for(addresses: Sequence[str]) -> Mailbox | None:
    """The active mailbox an envelope recipient names (``support+token@`` included)."""
    wanted = set()
    for address in addresses:
        local, _, domain = address.strip().strip("<>").lower().partition("@")
        wanted.add(f"{local.partition('+')[0]}@{domain}")
    for mailbox in Mailbox.objects.filter(active=True).select_related("default_organisation"):
        if mailbox.address.lower() in wanted:
            return mailbox
    return None


def schedule_processing(inbound_id: int) -> None:
    """Processing runs in the worker, after the stored row is committed."""
    from supportdesk.mail import tasks

    transaction.on_commit(lambda: tasks.process_inbound_mail(inbound_id))
