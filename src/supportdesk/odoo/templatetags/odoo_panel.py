"""``{% odoo_panel ticket %}``: the staff's Odoo panel, in a fixed number of queries.

The latest check of every reference is prefetched, so the panel costs the same however
many references a ticket names.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model, Prefetch, prefetch_related_objects

from supportdesk.odoo.models import RecordCheck
from supportdesk.tickets.models import Ticket

register = template.Library()


@register.inclusion_tag("odoo/ticket_panel.html", takes_context=True)
def odoo_panel(context: template.Context, ticket: Ticket, actions: bool = False) -> dict[str, Any]:
    refs = []
    if ticket.may_have("odoo_refs"):  # the page may know the ticket has none: no query
        checks = RecordCheck.objects.select_related("instance").order_by("-checked_at", "-id")
        # The references themselves may be prefetched by the page already.
        prefetch_related_objects(
            [ticket], "odoo_refs", Prefetch("odoo_refs__checks", queryset=checks)
        )
        refs = list(ticket.odoo_refs.all())
    return {
        "ticket": ticket,
        "refs": [(ref, next(iter(ref.checks.all()), None)) for ref in refs],
        "actions": actions,
        # The organisation's instances, each with its "Test connection" button (staff only).
        "instances": (
            list(ticket.organisation.odoo_instances.order_by("name"))
            if actions and ticket.may_have("odoo_instances")
            else []
        ),
        "owner": _first(ticket, "owner_classifications"),
        "evidence": _first(ticket, "bug_evidence"),
        "upstream": (
            list(ticket.upstream_reports.all()) if ticket.may_have("upstream_reports") else []
        ),
        "patches": list(ticket.patch_releases.all()) if ticket.may_have("patch_releases") else [],
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }


def _first(ticket: Ticket, related: str) -> Model | None:
    if not ticket.may_have(related):
        return None
    first: Model | None = getattr(ticket, related).first()
    return first
