"""``{% odoo_panel ticket %}``: the staff's Odoo panel, in a fixed number of queries.

The latest check of every reference is prefetched, so the panel costs the same however
many references a ticket names.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Prefetch

from supportdesk.odoo.models import RecordCheck
from supportdesk.tickets.models import Ticket

register = template.Library()


@register.inclusion_tag("odoo/ticket_panel.html", takes_context=True)
def odoo_panel(context: template.Context, ticket: Ticket, actions: bool = False) -> dict[str, Any]:
    checks = RecordCheck.objects.select_related("instance").order_by("-checked_at", "-id")
    refs = list(ticket.odoo_refs.prefetch_related(Prefetch("checks", queryset=checks)))
    return {
        "ticket": ticket,
        "refs": [(ref, next(iter(ref.checks.all()), None)) for ref in refs],
        "actions": actions,
        # The organisation's instances, each with its "Test connection" button (staff only).
        "instances": list(ticket.organisation.odoo_instances.order_by("name")) if actions else [],
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
