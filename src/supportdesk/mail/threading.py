"""Which ticket a message belongs to (issue "Threading").

In order: the per-ticket reply address (``support+<token>@…``), the Message-IDs of
In-Reply-To and References against every message we sent or received for a ticket, and
the ticket number in the subject (``[SD-24017]``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection

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


@dataclass
class Thread:
    """What one query says about where a message belongs (:func:`look_up`)."""

    own: bool = False  # its Message-ID is one of the mails we sent
    # (ticket id, organisation id) in the order of precedence of each way of finding it;
    # by_token starts with the token's place among the addresses.
    by_token: list[tuple[int, int, int]] = field(default_factory=list)
    by_id: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    by_number: dict[int, int] = field(default_factory=dict)


# The branches of :func:`look_up`'s one statement, written out: the ORM's building of a
# five-way UNION cost more than the rest of a reply's statements together (a message's
# hot path, run for every message of every batch). Each row: source, key, ticket id, its
# organisation id, the row's id; ``{src}`` is the branch's number.
_OUTBOUND = (
    "SELECT {src}, o.message_id, o.ticket_id, t.organisation_id, o.id FROM mail_outboundmail o"
    " LEFT OUTER JOIN tickets_ticket t ON t.id = o.ticket_id WHERE {where}"
)
_MESSAGE = (
    "SELECT {src}, m.message_id, m.ticket_id, t.organisation_id, m.id FROM tickets_message m"
    " INNER JOIN tickets_ticket t ON t.id = m.ticket_id WHERE {where}"
)
_INBOUND = (
    "SELECT {src}, i.message_id, i.ticket_id, t.organisation_id, i.id FROM mail_inboundmail i"
    " INNER JOIN tickets_ticket t ON t.id = i.ticket_id WHERE {where}"
)
_TICKET = (
    "SELECT {src}, t.reply_token, t.id, t.organisation_id, t.id FROM tickets_ticket t WHERE {where}"
)


def _marks(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def look_up(mail: ParsedMail, envelope_to: Iterable[str], ours: set[str]) -> Thread:
    """Everything threading and the own-mail check need, in one query (or none).

    One ``UNION ALL`` over the reply-address tokens, the Message-IDs we sent or received,
    the ticket numbers in the subject, and the message's own Message-ID among ours.
    """
    tokens = _tokens([*envelope_to, *mail.delivered_to, *mail.to, *mail.cc], ours)
    ids = mail.thread_ids
    numbers = [
        pk
        for match in SUBJECT_TOKEN.finditer(mail.subject[:4000])
        if (pk := Ticket.pk_from_number(f"{NUMBER_PREFIX}{match.group(1)}"))
    ]
    branches: list[str] = []
    params: list[Any] = []

    def branch(sql: str, source: int, where: str, values: list[Any]) -> None:
        branches.append(sql.format(src=source, where=where))
        params.extend(values)

    if mail.message_id:
        branch(_OUTBOUND, 0, "o.message_id = %s", [mail.message_id])
    if tokens:
        branch(_TICKET, 1, f"t.reply_token IN ({_marks(tokens)})", tokens)
    if ids:
        marks = _marks(ids)
        branch(_OUTBOUND, 2, f"o.message_id IN ({marks}) AND o.ticket_id IS NOT NULL", ids)
        branch(_MESSAGE, 3, f"m.message_id IN ({marks})", ids)
        branch(_INBOUND, 4, f"i.message_id IN ({marks}) AND i.ticket_id IS NOT NULL", ids)
    if numbers:
        branch(_TICKET, 5, f"t.id IN ({_marks(numbers)})", numbers)
    thread = Thread()
    if not branches:
        return thread
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(branches), params)
        rows = cursor.fetchall()
    for source, key, ticket_id, organisation_id, _pk in sorted(rows, key=lambda r: (r[0], r[4])):
        if source == 0:
            thread.own = True
        elif source == 1:
            thread.by_token.append((tokens.index(key), ticket_id, organisation_id))
        elif source == 5:
            thread.by_number[ticket_id] = organisation_id
        else:
            named = thread.by_id.setdefault(key, [])
            if (ticket_id, organisation_id) not in named:
                named.append((ticket_id, organisation_id))
    thread.by_token.sort()
    return thread


def choose(
    thread: Thread, mail: ParsedMail, organisation_id: int | None = None
) -> tuple[int | None, str]:
    """The ticket of a :class:`Thread` and how it was found, by the rules of
    :func:`find_ticket` (reply address, then references, then the subject's number)."""
    if thread.by_token:
        return thread.by_token[0][1], "reply address"
    candidates = [thread.by_id[i] for i in mail.thread_ids if i in thread.by_id]
    for options in candidates:
        mine = [t for t, org in options if organisation_id is not None and org == organisation_id]
        if mine:
            return mine[0], "references"
        if len(options) == 1:
            return options[0][0], "references"
    if candidates:
        return candidates[0][0][0], "references"
    for match in SUBJECT_TOKEN.finditer(mail.subject[:4000]):
        pk = Ticket.pk_from_number(f"{NUMBER_PREFIX}{match.group(1)}")
        if pk in thread.by_number:
            return pk, "subject"
    return None, ""


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
