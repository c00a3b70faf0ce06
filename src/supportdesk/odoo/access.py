"""Tenant isolation for Odoo objects (DESIGN rule 3): staff only; "not yours" is 404.

Instances hold a customer's API key and releases span customers, so customer users never
reach them; what a customer may see of a ticket's Odoo side comes through the ticket
(``tickets.access.ticket_for_user``).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from supportdesk.accounts.models import User
from supportdesk.odoo.models import OdooInstance, PatchRelease, UpstreamReport
from supportdesk.tickets.access import tickets_for_user
from supportdesk.tickets.models import OdooReference, Ticket


def instances_for_user(user: User) -> QuerySet[OdooInstance]:
    if not user.is_authenticated or not user.is_active or not user.is_support_staff:
        return OdooInstance.objects.none()
    return OdooInstance.objects.select_related("organisation")


def instance_for_user(user: User, instance_id: int) -> OdooInstance:
    try:
        return instances_for_user(user).get(pk=instance_id)
    except OdooInstance.DoesNotExist:
        raise Http404("no such instance") from None


def release_for_user(user: User, release_id: int) -> PatchRelease:
    if not user.is_authenticated or not user.is_active or not user.is_support_staff:
        raise Http404("no such release")
    try:
        return PatchRelease.objects.get(pk=release_id)
    except PatchRelease.DoesNotExist:
        raise Http404("no such release") from None


def upstream_report_for_user(user: User, report_id: int) -> UpstreamReport:
    """An upstream report of a ticket ``user`` may see, else 404."""
    try:
        return UpstreamReport.objects.select_related("ticket").get(
            pk=report_id, ticket__in=tickets_for_user(user)
        )
    except UpstreamReport.DoesNotExist:
        raise Http404("no such report") from None


def reference_of(ticket: Ticket, reference_id: int) -> OdooReference:
    """A reference of a ticket already reached through the access helpers, else 404."""
    try:
        return ticket.odoo_refs.get(pk=reference_id)
    except OdooReference.DoesNotExist:
        raise Http404("no such reference") from None
