"""The API's list of tickets read as rows: ``values()`` of the columns it shows, no model
instances, written straight to JSON.

A page of 50 tickets read as models was 200 instances (each ticket with its organisation,
requester and assignee) and then a second pass through the response schema, which walked
every value again: most of the list's CPU time. Here the page is two queries of rows (the
tickets with the joined names, then their Odoo references) shaped exactly as
``TicketPage``; ``tests/api/test_api.py`` compares each item with the schema's output of
the same ticket read as a model (``_ticket_out``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from supportdesk.accounts.models import User
from supportdesk.commitments.queue import after_keys, in_queue_order
from supportdesk.core.prepared import Prepared
from supportdesk.tickets.models import OdooReference, Ticket

# The ticket's own columns, in the order of ``TicketOut``.
_OWN = ("channel", "subject", "kind", "impact", "impact_review", "code_owner", "status")
_TIMES = ("registered_at", "assigned_at", "started_at", "resolved_at", "closed_at")
_PEOPLE = ("requester", "assignee")
COLUMNS = (
    "pk",
    "queue_rank",
    "organisation__name",
    *(f"{who}_id" for who in _PEOPLE),
    *(f"{who}__{name}" for who in _PEOPLE for name in ("name", "email")),
    *_OWN,
    "contact_method",
    *_TIMES,
)
_REFS = ("type", "text", "model", "record_id", "host")
PAGE = 50  # items of a page unless the request asks for another number
# The Odoo references of a page's tickets: one statement for any page (core.prepared).
_PAGE_REFS = Prepared(
    lambda tickets: (
        OdooReference.objects.filter(ticket_id__in=tickets)
        .order_by("id")
        .values("ticket_id", *_REFS)
    ),
    lists=("tickets",),
)


# The pages of the list, by order and cursor: ``tickets`` (the ones the caller may see,
# filtered) read as rows of ``COLUMNS``, one more than ``limit`` to know if more follow.
# Module-level functions: the unfiltered pages of the default size are read with SQL
# compiled once (``tickets.access.visible_rows``); the others are built per request.


def queue_page(tickets: QuerySet[Ticket], *, limit: int = PAGE) -> QuerySet[Ticket, Any]:
    return in_queue_order(tickets).values(*COLUMNS)[: limit + 1]


def queue_page_after(
    tickets: QuerySet[Ticket], *, rank: int, at: dt.datetime, pk: int, limit: int = PAGE
) -> QuerySet[Ticket, Any]:
    after = after_keys(in_queue_order(tickets), rank=rank, at=at, pk=pk, size=limit + 1)
    return after.values(*COLUMNS)[: limit + 1]


def recent_page(tickets: QuerySet[Ticket], *, limit: int = PAGE) -> QuerySet[Ticket, Any]:
    return tickets.order_by("-pk").values(*COLUMNS)[: limit + 1]


def recent_page_after(
    tickets: QuerySet[Ticket], *, pk: int, limit: int = PAGE
) -> QuerySet[Ticket, Any]:
    return tickets.order_by("-pk").filter(pk__lt=pk).values(*COLUMNS)[: limit + 1]


def ticket_items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items of ``TicketPage`` for ``rows`` (of a page above), each with ``"_keys"`` —
    (queue rank, registered, id), the page's cursor — to pop."""
    refs: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if rows:
        for ref in _PAGE_REFS.rows(tickets=[row["pk"] for row in rows]):
            refs[ref.pop("ticket_id")].append(ref)
    return [_item(row, refs[row["pk"]]) for row in rows]


def _json_time(instant: dt.datetime | None) -> str | None:
    """An instant as the API's JSON encoder (Django's) writes it: milliseconds, ``Z`` for
    UTC. Written here, the encoder meets only strings, numbers and ``None``, and runs in C
    instead of calling its Python fallback for each of the page's times."""
    if instant is None:
        return None
    text = instant.isoformat()
    if instant.microsecond:
        text = text[:23] + text[26:]
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def _person(row: dict[str, Any], who: str) -> dict[str, Any] | None:
    pk = row[f"{who}_id"]
    if pk is None:
        return None
    email = row[f"{who}__email"]
    return {"id": pk, "name": User.shown(row[f"{who}__name"], email), "email": email}


def _item(row: dict[str, Any], refs: list[dict[str, Any]]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "number": Ticket.number_of(row["pk"]),
        "organisation": row["organisation__name"],
        "requester": _person(row, "requester"),
        "assignee": _person(row, "assignee"),
    }
    for name in _OWN:
        item[name] = row[name]
    item["contact_method"] = row["contact_method"]
    for name in _TIMES:
        item[name] = _json_time(row[name])
    item["odoo_refs"] = refs
    item["_keys"] = (row["queue_rank"], row["registered_at"], row["pk"])
    return item
