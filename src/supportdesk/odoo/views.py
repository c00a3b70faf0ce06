"""The Odoo panel's buttons in the console: check references, classify the code owner."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supportdesk.accounts.http import request_user
from supportdesk.core.web import run_action, staff_only
from supportdesk.odoo import actions
from supportdesk.tickets.access import ticket_for_user


def _back(number: str) -> HttpResponse:
    return redirect(f"/console/tickets/{number}/#odoo")


@staff_only
@require_POST
def check_references(request: HttpRequest, number: str) -> HttpResponse:
    """R2: ask the customer's Odoo whether the ticket's records exist, and what they are."""
    user = request_user(request)
    ticket = ticket_for_user(user, number)
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
def classify_owner(request: HttpRequest, number: str) -> HttpResponse:
    """R7: classify who owns the code of a model or field, from the customer's Odoo."""
    user = request_user(request)
    ticket = ticket_for_user(user, number)
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
