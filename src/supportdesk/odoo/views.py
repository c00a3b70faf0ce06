"""The Odoo panel's buttons in the console: check references, classify the code owner, test
the connection to one of the organisation's instances."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supportdesk.accounts.http import request_user
from supportdesk.accounts.models import User
from supportdesk.core.web import run_action, staff_only
from supportdesk.odoo import actions
from supportdesk.odoo.models import OdooInstance
from supportdesk.tickets.access import ticket_view
from supportdesk.tickets.models import Ticket


def _back(number: str) -> HttpResponse:
    return redirect(f"/console/tickets/{number}/#odoo")


@staff_only
@require_POST
@ticket_view
def check_references(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """R2: ask the customer's Odoo whether the ticket's records exist, and what they are."""
    outcome = run_action(request, actions.reference_check, ticket=ticket, actor=user)
    if outcome and outcome.value is not None:
        checks = outcome.value
        found = sum(1 for c in checks if c.exists)
        failed = sum(1 for c in checks if c.error)
        messages.success(
            request,
            _("Checked %(count)d reference(s): %(found)d found")
            % {"count": len(checks), "found": found}
            + (_(", %(failed)d could not be checked") % {"failed": failed} if failed else ""),
        )
    return _back(ticket.number)


@staff_only
@require_POST
@ticket_view
def classify_owner(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """R7: classify who owns the code of a model or field, from the customer's Odoo."""
    outcome = run_action(
        request,
        actions.code_owner_classify,
        ticket=ticket,
        actor=user,
        model=request.POST.get("model", "").strip(),
        field=request.POST.get("field", "").strip(),
    )
    if outcome and outcome.value is not None:
        messages.success(
            request, _("Code owner: %(owner)s") % {"owner": outcome.value.get_owner_display()}
        )
    return _back(ticket.number)


@staff_only
@require_POST
def test_connection(request: HttpRequest, pk: int) -> HttpResponse:
    """Log in to an instance and show, in words, what the API user can read and which
    features that leaves working."""
    user = request_user(request)
    instance = get_object_or_404(OdooInstance.objects.select_related("organisation"), pk=pk)
    tested = run_action(request, actions.instance_test_connection, instance=instance, actor=user)
    if not tested:
        return redirect("/console/")
    outcome = tested.value
    back = request.POST.get("ticket", "")
    return render(
        request,
        "odoo/connection_report.html",
        {"instance": instance, "report": outcome, "back": back if back.isascii() else ""},
    )
