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

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from supportdesk.accounts.models import User
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


def ticket_items(tickets: QuerySet[Ticket]) -> list[dict[str, Any]]:
    """The items of ``TicketPage`` for ``tickets`` (sliced and ordered by the caller), each
    with ``"_keys"`` — (queue rank, registered, id), the page's cursor — to pop."""
    rows = list(tickets.values(*COLUMNS))
    refs: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if rows:
        found = OdooReference.objects.filter(ticket_id__in=[row["pk"] for row in rows])
        for ref in found.order_by("id").values("ticket_id", *_REFS):
            refs[ref.pop("ticket_id")].append(ref)
    return [_item(row, refs[row["pk"]]) for row in rows]


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
        item[name] = row[name]
    item["odoo_refs"] = refs
    item["_keys"] = (row["queue_rank"], row["registered_at"], row["pk"])
    return item
