"""``GET /api/v1/search?q=…``: the console's search, for API clients."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from supportdesk.accounts.models import User
from supportdesk.core.errors import InvalidInput
from supportdesk.core.schemas import CleanSchema
from supportdesk.search.selectors import QUERY_MAX, search

router = Router(tags=["search"])


class SearchQueryIn(CleanSchema):
    q: Annotated[str, Field(max_length=QUERY_MAX)]
    limit: Annotated[int, Field(ge=1, le=100)] = 20


class SearchHitOut(Schema):
    number: str
    subject: str
    organisation: str
    status: str
    matched: str
    snippet: str
    message_id: int | None


@router.get("/search", response={200: list[SearchHitOut]})
def search_tickets(request: HttpRequest, params: Query[SearchQueryIn]) -> list[dict[str, Any]]:
    """Tickets you may see matching a ticket number, transaction reference, Odoo URL,
    organisation, contact or text; best first. ``snippet`` is HTML with the matched words
    in ``<mark>``; internal notes are searched for staff only."""
    user = request.user
    assert isinstance(user, User)
    if not params.q.strip():
        raise InvalidInput("q", _("is required"))
    if len(params.q) > QUERY_MAX:
        raise InvalidInput(
            "q",
            _("is %(length)d characters; at most %(limit)d are allowed")
            % {"length": len(params.q), "limit": QUERY_MAX},
        )
    if not 1 <= params.limit <= 100:
        raise InvalidInput("limit", _("must be between 1 and 100"))
    return [
        {
            "number": hit.ticket.number,
            "subject": hit.ticket.subject,
            "organisation": hit.ticket.organisation,
            "status": hit.ticket.status,
            "matched": hit.matched,
            "snippet": str(hit.snippet),
            "message_id": hit.message_id,
        }
        for hit in search(user, params.q, limit=params.limit)
    ]
