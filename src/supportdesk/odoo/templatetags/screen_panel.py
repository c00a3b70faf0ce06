"""``{% screen_findings ticket %}`` (portal and console) and ``{% screen_panel ticket %}``
(staff only: other customers with the same error, the same screen in another ticket)."""

from __future__ import annotations

from typing import Any

from django import template

from supportdesk.odoo import screen_selectors
from supportdesk.tickets.models import Ticket

register = template.Library()


@register.inclusion_tag("odoo/screen_findings.html", takes_context=True)
def screen_findings(context: template.Context, ticket: Ticket) -> dict[str, Any]:
    user = context.get("user")
    return {
        "ticket": ticket,
        "findings": (
            list(screen_selectors.findings(ticket)) if ticket.may_have("screenshots") else []
        ),
        "staff": bool(user and user.is_support_staff),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("odoo/screen_panel.html", takes_context=True)
def screen_panel(context: template.Context, ticket: Ticket) -> dict[str, Any]:
    user = context.get("user")
    if not (user and user.is_support_staff):  # never another customer's data in the portal
        return {"matches": [], "duplicates": []}
    return {
        "ticket": ticket,
        "matches": screen_selectors.other_customers(ticket),
        "duplicates": screen_selectors.near_duplicates(ticket),
    }


@register.filter
def hits_for(hits: dict[int, int] | None, ticket_id: int) -> int:
    """The board's count of other organisations' tickets with the same error."""
    return (hits or {}).get(ticket_id, 0)
