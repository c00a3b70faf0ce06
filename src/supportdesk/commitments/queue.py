"""The one queue order (R4), used by every list, the dispatch board and auto-assignment.

Business-critical tickets first (production down, invoicing blocked, month-end tax
closing — flagged by the customer or staff and not removed by the desk), then first come,
first served by registration time. Organisation size, agreement value and ticket volume
are not inputs: the order reads only ``queue_rank``, ``registered_at`` and ``id``.
"""

from __future__ import annotations

import base64
import datetime as dt

from django.db.models import Q, QuerySet

from supportdesk.core.errors import InvalidInput
from supportdesk.tickets.models import OPEN_STATUSES, Ticket

QUEUE_ORDER = ("queue_rank", "registered_at", "id")


def in_queue_order(tickets: QuerySet[Ticket], *, open_only: bool = True) -> QuerySet[Ticket]:
    """``tickets`` in the queue order; only open ones unless told otherwise."""
    if open_only:
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    return tickets.order_by(*QUEUE_ORDER)


def queue_cursor(ticket: Ticket) -> str:
    raw = f"{ticket.queue_rank}|{ticket.registered_at.isoformat()}|{ticket.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def after_cursor(tickets: QuerySet[Ticket], cursor: str) -> QuerySet[Ticket]:
    """Keyset pagination in the queue order: the tickets after ``cursor``."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        rank_s, at_s, pk_s = base64.urlsafe_b64decode(padded).decode().split("|")
        rank, at, pk = int(rank_s), dt.datetime.fromisoformat(at_s), int(pk_s)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("cursor", "is not a cursor this list returned") from None
    return tickets.filter(
        Q(queue_rank__gt=rank)
        | Q(queue_rank=rank, registered_at__gt=at)
        | Q(queue_rank=rank, registered_at=at, pk__gt=pk)
    )
