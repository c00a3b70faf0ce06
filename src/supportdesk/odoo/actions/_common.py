"""Helpers shared by the Odoo actions: staff check, row lock, timeline event, input checks."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from supportdesk.accounts.models import User
from supportdesk.core.errors import InvalidInput, PermissionDenied
from supportdesk.tickets.events import Verb, record_event
from supportdesk.tickets.models import Event, Ticket


def _require_staff(actor: User, what: str) -> None:
    if not actor.is_support_staff:
        raise PermissionDenied(f"only support staff may {what}")


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _event(
    ticket: Ticket,
    actor: User | None,
    verb: Verb,
    *,
    new: dict[str, Any],
    reason: str = "",
    public: bool = True,
) -> Event:
    return record_event(ticket, actor, verb, new=new, reason=reason, public=public)


def _text(field: str, value: str, *, required: bool, limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(field, "is required")
    if len(value) > limit:
        raise InvalidInput(field, f"is {len(value)} characters; at most {limit} are allowed")
    return value


def _web_url(field: str, value: str) -> str:
    value = _text(field, value, required=False, limit=500)
    if value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInput(field, f"{value[:80]!r} is not an http(s) link")
    return value
