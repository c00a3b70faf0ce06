"""The Odoo panel's buttons in the console: check references, classify the code owner."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supportdesk.console.views.common import report, staff_only, staff_user
from supportdesk.core.errors import ActionError
from supportdesk.odoo import actions
from supportdesk.tickets.access import ticket_for_user


def _back(number: str) -> HttpResponse:
    return redirect(f"/console/tickets/{number}/#odoo")


@staff_only
@require_POST
def check_references(request: HttpRequest, number: str) -> HttpResponse:
    """R2: ask the customer's Odoo whether the ticket's records exist, and what they are."""
    user = staff_user(request)
    ticket = ticket_for_user(user, number)
    try:
        checks = actions.reference_check(ticket=ticket, actor=user)
    except ActionError as exc:
        report(request, exc)
    else:
        found = sum(1 for c in checks if c.exists)
        failed = sum(1 for c in checks if c.error)
        messages.success(
            request,
            f"Checked {len(checks)} reference(s): {found} found"
            + (f", {failed} could not be checked" if failed else ""),
        )
    return _back(ticket.number)


@staff_only
@require_POST
def classify_owner(request: HttpRequest, number: str) -> HttpResponse:
    """R7: classify who owns the code of a model or field, from the customer's Odoo."""
    user = staff_user(request)
    ticket = ticket_for_user(user, number)
    try:
        row = actions.code_owner_classify(
            ticket=ticket,
            actor=user,
            model=request.POST.get("model", "").strip(),
            field=request.POST.get("field", "").strip(),
        )
    except ActionError as exc:
        report(request, exc)
    else:
        messages.success(request, _("Code owner: %(owner)s") % {"owner": row.get_owner_display()})
    return _back(ticket.number)
