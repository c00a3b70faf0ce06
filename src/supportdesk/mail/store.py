"""Raw first: every message is stored, with its hash, before it is parsed (DESIGN rule 5).

``store_raw`` commits the row in its own transaction, so a crash while parsing or
threading loses nothing, and records a message delivered twice once. A message is the
same message only when its bytes are the same, or when it has the same Message-ID *and*
the same content once the headers relays add (Received, DKIM, Authentication-Results…)
are set aside. A different message that reuses a Message-ID — broken mailers, scanners,
list software and copied templates do — is stored with its own bytes and processed, and
the reuse is noted on it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict, Unpack

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from supportdesk.core import clock
from supportdesk.core.rows import insert_rows
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


# Headers that relays add or rewrite on the way: the same message carries different ones
# when it arrives twice by different routes.
RELAY_HEADERS = frozenset(
    {
        b"received", b"x-received", b"return-path", b"delivered-to", b"x-original-to",
        b"envelope-to", b"x-envelope-to", b"x-envelope-from", b"dkim-signature",
        b"domainkey-signature", b"authentication-results", b"received-spf",
        b"arc-seal", b"arc-message-signature", b"arc-authentication-results",
        b"x-original-authentication-results", b"x-virus-scanned", b"x-virus-status",
        b"x-spam-status", b"x-spam-score", b"x-spam-flag", b"x-spam-level",
        b"x-spam-checker-version", b"x-spam-report", b"x-forwarded-to", b"x-forwarded-for",
        b"x-gm-message-state", b"x-google-smtp-source", b"x-google-dkim-signature",
        b"x-ms-exchange-organization-authas", b"x-ms-exchange-organization-authsource",
        b"x-rspamd-queue-id", b"x-rspamd-server", b"x-rspamd-action", b"x-uid", b"status",
        b"x-status", b"x-keywords", b"x-mozilla-status", b"x-mozilla-status2", b"lines",
        b"content-length", b"x-imap-uid",
    }
)  # fmt: skip
_RELAY_PREFIXES = (b"x-ms-exchange-", b"x-forefront-", b"x-microsoft-antispam", b"x-mailgun-")


def _relay_header(name: bytes) -> bool:
    return name in RELAY_HEADERS or name.startswith(_RELAY_PREFIXES)


def content_hash(raw: bytes) -> str:
    """The hash of a message without the headers relays add, line endings normalised."""
    data = raw.replace(b"\r\n", b"\n")
    end = data.find(b"\n\n")
    head, body = (data, b"") if end < 0 else (data[: end + 1], data[end + 2 :])
    digest = hashlib.sha256()
    keep = True
    for number, line in enumerate(head.split(b"\n")):
        if line[:1] in (b" ", b"\t"):  # a folded continuation of the header before
            if keep:
                digest.update(line + b"\n")
            continue
        if number == 0 and line.startswith(b"From "):  # an mbox separator line
            keep = False
            continue
        keep = not _relay_header(line.split(b":", 1)[0].strip().lower())
        if keep:
            digest.update(line + b"\n")
    digest.update(b"\n")
    digest.update(body.rstrip(b"\n"))
    return digest.hexdigest()


def dedup_key(message_id: str, raw: bytes, sha256: str) -> str:
    """Equal only for the same message: the same bytes, or Message-ID and content."""
    if message_id:
        identity = message_id.encode("utf-8", "surrogatepass") + b"\0" + content_hash(raw).encode()
        return "mc:" + hashlib.sha256(identity).hexdigest()
    return "raw:" + sha256


class Delivery(TypedDict, total=False):
    """How a message was delivered: what the channel knows beside its bytes."""

    mailbox: Mailbox | None
    envelope_from: str
    envelope_to: Sequence[str]
    imap_uid: int | None
    size: int | None  # the whole message's size when only its header was fetched


def store_raw(raw: bytes, *, source: str, **delivery: Unpack[Delivery]) -> Stored:
    """Store one message as delivered; a second delivery of the same message is counted.

    ``size`` is the size of the whole message when only its header was fetched (IMAP does
    not download a message over the limit).
    """
    return _store_row(row_for(raw, source=source, **delivery))


def row_for(raw: bytes, *, source: str, **delivery: Unpack[Delivery]) -> InboundMail:
    """The row a delivered message is stored as (not saved)."""
    sha256 = hashlib.sha256(raw).hexdigest()
    try:
        head = peek(raw)
    except Exception:  # an unreadable header is still stored, and reported when processed
        head = {"message_id": "", "subject": "", "from_address": "", "sent_at": None}
        head["notes"] = ["The header could not be read."]
    key = dedup_key(head["message_id"], raw, sha256)
    size = delivery.get("size")
    size = len(raw) if size is None else size
    truncated = size > settings.MAIL_MAX_BYTES
    # A reuse of the Message-ID by another message is noted when it is processed.
    notes = head.pop("notes", [])
    return InboundMail(
        mailbox=delivery.get("mailbox"),
        source=source,
        raw=_header_only(raw) if truncated else raw,
        size=size,
        truncated=truncated,
        sha256=sha256,
        dedup_key=key,
        envelope_from=delivery.get("envelope_from", "")[:254],
        envelope_to=[a.lower() for a in delivery.get("envelope_to", ())],
        imap_uid=delivery.get("imap_uid"),
        received_at=clock.now(),
        notes="\n".join(notes),
        **head,
    )


def _again(inbound: InboundMail) -> Stored:
    """A second delivery of a stored message: counted on the row stored first."""
    key = inbound.dedup_key
    InboundMail.objects.filter(dedup_key=key).update(deliveries=F("deliveries") + 1)
    existing = InboundMail.objects.get(dedup_key=key)
    log.info("mail %s delivered again: stored once as #%s", inbound.message_id, existing.pk)
    return Stored(existing, False)


def store_many(rows: Sequence[InboundMail]) -> list[Stored]:
    """Store a batch of rows made by :func:`row_for`, in the caller's transaction: the ones
    whose message is new in one INSERT (built without the ORM's compiler, which cost more
    than the statement for a spool's 500 rows), the second deliveries counted, in order.

    A message stored by another process between the look-up and the INSERT makes the
    INSERT fail: then each is stored as :func:`store_raw` does, with a savepoint each.
    """
    keys = {row.dedup_key for row in rows}
    stored = set(InboundMail.objects.filter(dedup_key__in=keys).values_list("dedup_key", flat=True))
    new: dict[str, InboundMail] = {}
    for row in rows:
        if row.dedup_key not in stored:
            new.setdefault(row.dedup_key, row)
    try:
        with transaction.atomic():
            insert_rows(list(new.values()))
    except IntegrityError:
        return [_store_row(row) for row in rows]
    return [Stored(row, True) if new.get(row.dedup_key) is row else _again(row) for row in rows]


def _store_row(row: InboundMail) -> Stored:
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        row.pk = None
        return _again(row)
    return Stored(row, True)


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
