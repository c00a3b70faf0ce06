"""REST API under /api/v1 (django-ninja, OpenAPI 3 at /api/v1/openapi.json).

The same access helpers and actions as the web pages: 404 for "not found or not
yours", 422 with the field for invalid input, 409 with the reason for an illegal
transition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Router, Status
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from supportdesk.accounts.http import request_user
from supportdesk.accounts.models import Organisation, User
from supportdesk.api import rows
from supportdesk.api.auth import StaffSessionAuth, TokenAuth
from supportdesk.api.schemas import (
    AssignIn,
    ErrorOut,
    EventOut,
    MessageOut,
    ReasonIn,
    ReplyIn,
    TicketDetailOut,
    TicketIn,
    TicketOut,
    TicketPage,
    UserOut,
    WaitIn,
)
from supportdesk.commitments.kpi import attainment
from supportdesk.commitments.queue import cursor_keys, cursor_of
from supportdesk.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from supportdesk.core.schemas import CleanSchema, Code, Id, Line
from supportdesk.search.api import router as search_router
from supportdesk.tickets import actions
from supportdesk.tickets.access import (
    story_for_user,
    ticket_for_user,
    tickets_for_user,
    visible_rows,
)
from supportdesk.tickets.models import OPEN_STATUSES, Channel, Ticket

# Answers any operation may give besides its own: the boundary's refusals and the errors
# of the access helpers and actions. Stated once for the whole document.
COMMON_ERRORS = {
    "400": "The body is not valid JSON.",
    "401": "No valid token: send Authorization: Bearer <token>.",
    "403": "You may see this object but not do this to it.",
    "404": "Not found, or not yours.",
    "409": "The object's state does not allow this.",
    "413": "The request body passes the upload budget.",
    "422": "Invalid input (including control characters in text): `field` names it.",
}


class SupportdeskAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in COMMON_ERRORS.items():
                    responses.setdefault(status, {"description": description, "content": error})
        return schema


api = SupportdeskAPI(
    title="Supportdesk API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    auth=[TokenAuth(), StaffSessionAuth()],
    description=(
        "Tickets of the support desk. Authenticate with a personal token: "
        "`Authorization: Bearer sd_…`."
    ),
)
ERRORS: dict[int, Any] = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 403: ErrorOut}


@api.exception_handler(InvalidInput)
def _invalid(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    # The API names the field by the key its client sent; the reason is in the request's
    # language.
    detail = f"{exc.field}: {exc.reason}"
    return api.create_response(request, {"detail": detail, "field": exc.field}, status=422)


@api.exception_handler(IllegalTransition)
def _illegal(request: HttpRequest, exc: IllegalTransition) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=409)


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "not found"}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "authentication required: send Authorization: Bearer <token>"},
        status=401,
    )


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = exc.errors
    first = errors[0] if errors else {}
    loc = list(first.get("loc", ()))
    # ["body", "<parameter name>", "subject"] names the field "subject": the parameter
    # name is ours, not the client's; query and path errors are ["query", "limit"].
    parts = loc[2:] if loc[:1] == ["body"] else loc[1:]
    field = ".".join(str(p) for p in parts) or None
    detail = f"{field}: {first.get('msg', 'invalid')}" if field else first.get("msg", "invalid")
    return api.create_response(
        request, {"detail": detail, "field": field, "errors": errors}, status=422
    )


def _user_out(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name(), "email": user.email}


def _ticket_out(ticket: Ticket) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "organisation": ticket.organisation.name,
        "requester": _user_out(ticket.requester),
        "assignee": _user_out(ticket.assignee),
        "channel": ticket.channel,
        "subject": ticket.subject,
        "kind": ticket.kind,
        "impact": ticket.impact,
        "impact_review": ticket.impact_review,
        "code_owner": ticket.code_owner,
        "status": ticket.status,
        "contact_method": ticket.contact_method,
        "registered_at": ticket.registered_at,
        "assigned_at": ticket.assigned_at,
        "started_at": ticket.started_at,
        "resolved_at": ticket.resolved_at,
        "closed_at": ticket.closed_at,
        "odoo_refs": [
            {
                "type": r.type,
                "text": r.text,
                "model": r.model,
                "record_id": r.record_id,
                "host": r.host,
            }
            for r in ticket.odoo_refs.all()
        ],
    }


def _detail_out(ticket: Ticket, user: User) -> dict[str, Any]:
    story = story_for_user(user, ticket)
    return {
        **_ticket_out(ticket),
        "description": ticket.description,
        "contact_phone": ticket.contact_phone,
        "assignment_due": ticket.assignment_due if user.is_support_staff else None,
        "messages": [
            {
                "id": m.pk,
                "author": str(m.author or m.author_email),
                "internal": m.internal,
                "channel": m.channel,
                "body": m.body,
                "created_at": m.created_at,
            }
            for m in story.messages
        ],
        "events": [
            {
                "verb": e.verb,
                "actor": str(e.actor) if e.actor else None,
                "old": e.old,
                "new": e.new,
                "reason": e.reason,
                "created_at": e.created_at,
            }
            for e in story.events
        ],
    }


tickets = Router(tags=["tickets"])


# The names of a queue cursor's keys, as the pages after one take them (api/rows.py).
_KEYS = ("rank", "at", "pk")


class TicketFilters(CleanSchema):
    status: list[Code] | None = None
    open: bool | None = None
    organisation_id: Id | None = None
    assignee_id: Id | None = None
    kind: Code | None = None
    impact: Code | None = None
    order: Literal["recent", "queue"] = "recent"
    cursor: Line | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = 50


@tickets.get("/tickets", response={200: TicketPage, 422: ErrorOut})
def list_tickets(request: HttpRequest, filters: Query[TicketFilters]) -> HttpResponse:
    """Tickets visible to you, newest first (`order=recent`) or in the queue order
    (`order=queue`: open tickets, business-critical first, then first come first served)."""
    user = request_user(request)
    if not 1 <= filters.limit <= 200:
        raise InvalidInput("limit", _("must be between 1 and 200"))
    qs = tickets_for_user(user)
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    if filters.open is not None:
        qs = (
            qs.filter(status__in=OPEN_STATUSES)
            if filters.open
            else qs.exclude(status__in=OPEN_STATUSES)
        )
    if filters.organisation_id is not None:
        qs = qs.filter(organisation_id=filters.organisation_id)
    if filters.assignee_id is not None:
        qs = qs.filter(assignee_id=filters.assignee_id)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.impact:
        qs = qs.filter(impact=filters.impact)
    filtered = bool(filters.status or filters.kind or filters.impact) or any(
        value is not None for value in (filters.open, filters.organisation_id, filters.assignee_id)
    )
    shape: Callable[..., QuerySet[Ticket, Any]]
    after: dict[str, Any] = {}  # the keys of the row a cursor names
    if filters.order == "queue":
        shape = rows.queue_page
        if filters.cursor:
            shape = rows.queue_page_after
            after = dict(zip(_KEYS, cursor_keys(filters.cursor), strict=True))
    elif filters.order == "recent":
        shape = rows.recent_page
        if filters.cursor:
            if not filters.cursor.isdigit():
                raise InvalidInput("cursor", _("is not a cursor this list returned"))
            shape, after = rows.recent_page_after, {"pk": int(filters.cursor)}
    else:
        raise InvalidInput(
            "order",
            _("%(order)r is not one of 'recent', 'queue'") % {"order": filters.order},
        )
    if filtered or filters.limit != rows.PAGE:
        found = list(shape(qs, limit=filters.limit, **after))
    else:  # every page of the whole list: its SQL compiled once per process
        found = visible_rows(user, shape, **after)
    items = rows.ticket_items(found)
    more = len(items) > filters.limit
    items = items[: filters.limit]
    keys = [item.pop("_keys") for item in items]
    next_cursor = None
    if more and items:
        next_cursor = cursor_of(*keys[-1]) if filters.order == "queue" else str(keys[-1][2])
    # Rows already in TicketPage's shape (api/rows.py): written as JSON without a second
    # pass through the schema, which cost more than reading them.
    return api.create_response(request, {"items": items, "next_cursor": next_cursor}, status=200)


@tickets.get("/tickets/{number}", response={200: TicketDetailOut, **ERRORS})
def get_ticket(request: HttpRequest, number: str) -> dict[str, Any]:
    user = request_user(request)
    ticket = ticket_for_user(user, number)
    return _detail_out(ticket, user)


@tickets.post("/tickets", response={201: TicketDetailOut, **ERRORS})
def create_ticket(request: HttpRequest, payload: TicketIn) -> Status[dict[str, Any]]:
    """Register a ticket (R1, channel `api`)."""
    user = request_user(request)
    if user.is_customer:
        organisation = user.organisation
        requester: User | None = user
    else:
        if payload.organisation_id is None:
            raise InvalidInput("organisation_id", _("is required when staff register a ticket"))
        organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
        if organisation is None:
            raise InvalidInput(
                "organisation_id", f"no organisation has id {payload.organisation_id}"
            )
        requester = None
        if payload.requester_email:
            requester = User.objects.filter(
                email__iexact=payload.requester_email, organisation=organisation
            ).first()
            if requester is None:
                raise InvalidInput(
                    "requester_email",
                    _("no user of %(organisation)s has that address")
                    % {"organisation": organisation},
                )
    assert organisation is not None
    try:
        ticket = _create(user, organisation, requester, payload)
    except InvalidInput as exc:
        # The action names its argument; the API's field is the list ``odoo_urls``.
        if exc.field == "odoo_url":
            raise InvalidInput("odoo_urls", exc.reason) from exc
        raise
    return Status(201, _detail_out(ticket_for_user(user, ticket.number), user))


def _create(
    user: User, organisation: Organisation, requester: User | None, payload: TicketIn
) -> Ticket:
    # The payload's fields are the action's keywords, but for whom the ticket is.
    fields = payload.model_dump(exclude={"organisation_id", "requester_email"})
    return actions.ticket_create(
        actor=user, organisation=organisation, requester=requester, channel=Channel.API, **fields
    )


@tickets.post("/tickets/{number}/replies", response={201: MessageOut, **ERRORS})
def reply(request: HttpRequest, number: str, payload: ReplyIn) -> Status[dict[str, Any]]:
    """A public reply, or with `internal: true` an internal note (staff only)."""
    user = request_user(request)
    ticket = ticket_for_user(user, number)
    if payload.internal:
        message = actions.ticket_add_note(ticket=ticket, actor=user, body=payload.body)
    else:
        message = actions.ticket_reply(
            ticket=ticket, actor=user, body=payload.body, channel=Channel.API
        )
    return Status(
        201,
        {
            "id": message.pk,
            "author": str(user),
            "internal": message.internal,
            "channel": message.channel,
            "body": message.body,
            "created_at": message.created_at,
        },
    )


def _staff_member(user_id: int) -> User:
    assignee = User.objects.filter(pk=user_id).first()
    if assignee is None or not assignee.is_support_staff:
        raise InvalidInput(
            "assignee_id", _("no consultant has id %(user_id)s") % {"user_id": user_id}
        )
    return assignee


def _change(
    request: HttpRequest, number: str, action: Callable[..., object], **arguments: Any
) -> dict[str, Any]:
    """Run a ticket action as the caller and answer with the ticket as it is now."""
    user = request_user(request)
    action(ticket=ticket_for_user(user, number), actor=user, **arguments)
    return _ticket_out(ticket_for_user(user, number))


@tickets.post("/tickets/{number}/assign", response={200: TicketOut, **ERRORS})
def assign(request: HttpRequest, number: str, payload: AssignIn) -> dict[str, Any]:
    user = request_user(request)
    ticket = ticket_for_user(user, number)  # "not found" before anything about the payload
    actions.ticket_assign(
        ticket=ticket,
        actor=user,
        assignee=_staff_member(payload.assignee_id),
        override_reason=payload.override_reason,
    )
    return _ticket_out(ticket_for_user(user, number))


@tickets.post("/tickets/{number}/start", response={200: TicketOut, **ERRORS})
def start(request: HttpRequest, number: str) -> dict[str, Any]:
    return _change(request, number, actions.ticket_start)


@tickets.post("/tickets/{number}/wait", response={200: TicketOut, **ERRORS})
def wait(request: HttpRequest, number: str, payload: WaitIn) -> dict[str, Any]:
    return _change(request, number, actions.ticket_wait, on=payload.on, reason=payload.reason)


@tickets.post("/tickets/{number}/resume", response={200: TicketOut, **ERRORS})
def resume(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    return _change(request, number, actions.ticket_resume, reason=payload.reason)


@tickets.post("/tickets/{number}/resolve", response={200: TicketOut, **ERRORS})
def resolve(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    return _change(request, number, actions.ticket_resolve, resolution=payload.reason)


@tickets.post("/tickets/{number}/close", response={200: TicketOut, **ERRORS})
def close(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    return _change(request, number, actions.ticket_close, reason=payload.reason)


@tickets.post("/tickets/{number}/reopen", response={200: TicketOut, **ERRORS})
def reopen(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    return _change(request, number, actions.ticket_reopen, reason=payload.reason)


@tickets.get("/me", response=UserOut, tags=["account"])
def me(request: HttpRequest) -> dict[str, Any]:
    user = request_user(request)
    return {"id": user.pk, "name": user.get_full_name(), "email": user.email}


class KpiQuery(CleanSchema):
    start: dt.date = Field(alias="from", description="first day of the period (local date)")
    end: dt.date = Field(alias="to", description="last day of the period, included")


@tickets.get("/kpi", tags=["commitments"], response={200: dict[str, Any], **ERRORS})
def kpi(request: HttpRequest, query: Query[KpiQuery]) -> dict[str, Any]:
    """Attainment of the service commitments (R3, R5) for tickets registered in the period.

    Staff see the whole desk; a customer user sees their own organisation's tickets."""
    user = request_user(request)
    scope = Ticket.objects.all()
    if not user.is_support_staff:
        scope = scope.filter(organisation_id=user.organisation_id or 0)
    return attainment(query.start, query.end, tickets=scope, with_missed=user.is_support_staff)


api.add_router("", tickets)
api.add_router("", search_router)
api.add_router("", "supportdesk.odoo.api.router")
api.add_router("/reports/", "supportdesk.api.reports.router")
api.add_router("/help/", "supportdesk.api.help.router")
_unused = (EventOut,)
