"""The one queue order (R4), used by every list, the dispatch board and auto-assignment.

Business-critical tickets first (production down, invoicing blocked, month-end tax
closing — flagged by the customer or staff and not removed by the desk), then first come,
first served by registration time. Organisation size, agreement value and ticket volume
are not inputs: the order reads only ``queue_rank``, ``registered_at`` and ``id``.
"""

from __future__ import annotations

import base64
import datetime as dt

from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
from django.utils.translation import gettext as _

from supportdesk.core.errors import InvalidInput
from supportdesk.tickets.models import OPEN_STATUSES, Ticket

QUEUE_ORDER = ("queue_rank", "registered_at", "id")


def in_queue_order(tickets: QuerySet[Ticket], *, open_only: bool = True) -> QuerySet[Ticket]:
    """``tickets`` in the queue order; only open ones unless told otherwise."""
    if open_only:
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    return tickets.order_by(*QUEUE_ORDER)


def queue_cursor(ticket: Ticket) -> str:
    return cursor_of(ticket.queue_rank, ticket.registered_at, ticket.pk)


def cursor_of(rank: int, registered_at: dt.datetime, pk: int) -> str:
    """The cursor after a ticket of the queue, from its three keys (``QUEUE_ORDER``)."""
    raw = f"{rank}|{registered_at.isoformat()}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def after_cursor(tickets: QuerySet[Ticket], cursor: str, *, size: int) -> QuerySet[Ticket]:
    """Keyset pagination in the queue order: the (at most) ``size`` tickets after ``cursor``."""
    rank, at, pk = cursor_keys(cursor)
    return after_keys(tickets, rank=rank, at=at, pk=pk, size=size)


def cursor_keys(cursor: str) -> tuple[int, dt.datetime, int]:
    """The three keys (``QUEUE_ORDER``) a cursor of :func:`cursor_of` holds."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        rank_s, at_s, pk_s = base64.urlsafe_b64decode(padded).decode().split("|")
        return int(rank_s), dt.datetime.fromisoformat(at_s), int(pk_s)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("cursor", _("is not a cursor this list returned")) from None


def after_keys(
    tickets: QuerySet[Ticket], *, rank: int, at: dt.datetime, pk: int, size: int
) -> QuerySet[Ticket]:
    """The (at most) ``size`` tickets of ``tickets`` after the one with these keys."""
    # One row comparison, the same columns as the ``ticket_queue`` index: the database
    # starts reading the index at the cursor instead of filtering every row before it.
    after = TupleGreaterThan(Tuple(*(F(name) for name in QUEUE_ORDER)), (rank, at, pk))
    # PostgreSQL estimates a row comparison by its first column alone (``queue_rank > 1``:
    # no rows), and would then join every following ticket before sorting. The keys of the
    # next page come first, alone on the index; the page's joins read only them.
    keys = tickets.filter(after).order_by(*QUEUE_ORDER).values("pk")[:size]
    return tickets.filter(pk__in=keys)
