from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field

from supportdesk.core.schemas import Body, CleanSchema, Code, Line, Url


class OdooRefOut(Schema):
    type: str
    text: str
    model: str
    record_id: int | None
    host: str


class UserOut(Schema):
    id: int
    name: str
    email: str


class TicketOut(Schema):
    number: str
    organisation: str
    requester: UserOut | None
    assignee: UserOut | None
    channel: str
    subject: str
    kind: str
    impact: str
    impact_review: str
    code_owner: str
    status: str
    contact_method: str
    registered_at: dt.datetime
    assigned_at: dt.datetime | None
    started_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    odoo_refs: list[OdooRefOut]


class MessageOut(Schema):
    id: int
    author: str
    internal: bool
    channel: str
    body: str
    created_at: dt.datetime


class EventOut(Schema):
    verb: str
    actor: str | None
    old: dict[str, object]
    new: dict[str, object]
    reason: str
    created_at: dt.datetime


class TicketDetailOut(TicketOut):
    description: str
    contact_phone: str
    assignment_due: dt.datetime | None
    messages: list[MessageOut]
    events: list[EventOut]


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` to get the next page; null on the last page."
    )


class TicketIn(CleanSchema):
    subject: Line
    description: Body = ""
    kind: Code = "how_to"
    impact: Code = ""
    organisation_id: int | None = Field(
        None, description="Required for staff; a customer user always registers for their own."
    )
    requester_email: Line | None = None
    contact_method: Code | None = None
    contact_phone: Annotated[str, Field(max_length=40)] = ""
    odoo_urls: Annotated[list[Url], Field(max_length=20)] = []
    references: Annotated[list[Line], Field(max_length=20)] = []


class ReplyIn(CleanSchema):
    body: Body
    internal: bool = False


class AssignIn(CleanSchema):
    assignee_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    override_reason: Line = ""


class WaitIn(CleanSchema):
    on: Code = Field(description="'customer' or 'third_party'")
    reason: Line = ""


class ReasonIn(CleanSchema):
    reason: Body = ""


class ErrorOut(Schema):
    detail: str
    field: str | None = None
