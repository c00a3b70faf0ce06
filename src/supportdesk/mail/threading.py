"""Which ticket a message belongs to (issue "Threading").

In order: the per-ticket reply address (``support+<token>@…``), the Message-IDs of
In-Reply-To and References against every message we sent or received for a ticket, and
the ticket number in the subject (``[SD-24017]``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings

from supportdesk.mail.models import InboundMail, Mailbox, OutboundMail
from supportdesk.mail.parse import ParsedMail
from supportdesk.tickets.models import NUMBER_PREFIX, Message, Ticket

SUBJECT_TOKEN = re.compile(r"\[\s*" + re.escape(NUMBER_PREFIX) + r"\s*(\d{1,12})\s*\]", re.I)


def our_addresses() -> set[str]:
    addresses = {settings.SUPPORT_EMAIL.lower()}
    addresses |= {a.lower() for a in Mailbox.objects.values_list("address", flat=True)}
    return addresses


def reply_address(ticket: Ticket) -> str:
    local, _, domain = settings.SUPPORT_EMAIL.partition("@")
    return f"{local}+{ticket.reply_token}@{domain}"


def _tokens(addresses: Iterable[str], ours: set[str]) -> list[str]:
    tokens = []
    for address in addresses:
        local, _, domain = address.lower().partition("@")
        base, plus, token = local.partition("+")
        if plus and token and f"{base}@{domain}" in ours:
            tokens.append(token)
    return tokens


def ticket_for_ids(ids: list[str], organisation_id: int | None = None) -> Ticket | None:
    """The ticket of the first of ``ids`` that we sent or received.

    A Message-ID can name more than one stored message (mailers reuse them): then the
    ticket of the sender's organisation wins, else an ID naming one ticket only, else the
    earliest ticket.
    """
    if not ids:
        return None
    found: dict[str, list[int]] = {}
    for query in (
        OutboundMail.objects.filter(message_id__in=ids, ticket__isnull=False),
        Message.objects.filter(message_id__in=ids),
        InboundMail.objects.filter(message_id__in=ids, ticket__isnull=False),
    ):
        for message_id, ticket_id in query.order_by("pk").values_list("message_id", "ticket_id"):
            named = found.setdefault(message_id, [])
            if ticket_id not in named:
                named.append(ticket_id)
    candidates = [found[message_id] for message_id in ids if message_id in found]
    if not candidates:
        return None
    tickets = Ticket.objects.in_bulk({pk for options in candidates for pk in options})
    for options in candidates:
        mine = [pk for pk in options if pk in tickets and organisation_id is not None
                and tickets[pk].organisation_id == organisation_id]  # fmt: skip
        if mine:
            return tickets[mine[0]]
        if len(options) == 1 and options[0] in tickets:
            return tickets[options[0]]
    return next((tickets[pk] for options in candidates for pk in options if pk in tickets), None)


def find_ticket(
    mail: ParsedMail,
    envelope_to: Iterable[str] = (),
    organisation_id: int | None = None,
    ours: set[str] | None = None,
) -> tuple[Ticket | None, str]:
    """The ticket and how it was found ("reply address", "references", "subject")."""
    ours = our_addresses() if ours is None else ours
    for token in _tokens([*envelope_to, *mail.delivered_to, *mail.to, *mail.cc], ours):
        ticket = Ticket.objects.filter(reply_token=token).first()
        if ticket is not None:
            return ticket, "reply address"
    ticket = ticket_for_ids(mail.thread_ids, organisation_id)
    if ticket is not None:
        return ticket, "references"
    for match in SUBJECT_TOKEN.finditer(mail.subject):
        pk = Ticket.pk_from_number(f"{NUMBER_PREFIX}{match.group(1)}")
        ticket = Ticket.objects.filter(pk=pk).first() if pk else None
        if ticket is not None:
            return ticket, "subject"
    return None, ""


_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|sv|aw|vs|antw|fw|fwd|vb|wg|tr|rv)\s*:\s*)+", re.I)


def clean_subject(subject: str) -> str:
    """A new ticket's subject: without reply prefixes and ticket tokens."""
    subject = SUBJECT_TOKEN.sub("", subject)
    return re.sub(r"\s+", " ", _REPLY_PREFIX.sub("", subject)).strip()
