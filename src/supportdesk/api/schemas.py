from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


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


class TicketIn(Schema):
    subject: str
    description: str = ""
    kind: str = "how_to"
    impact: str = ""
    organisation_id: int | None = Field(
        None, description="Required for staff; a customer user always registers for their own."
    )
    requester_email: str | None = None
    contact_method: str | None = None
    contact_phone: str = ""
    odoo_urls: list[str] = []
    references: list[str] = []


class ReplyIn(Schema):
    body: str
    internal: bool = False


class AssignIn(Schema):
    assignee_id: int
    override_reason: str = ""


class WaitIn(Schema):
    on: str = Field(description="'customer' or 'third_party'")
    reason: str = ""


class ReasonIn(Schema):
    reason: str = ""


class ErrorOut(Schema):
    detail: str
    field: str | None = None
