"""Pages for screenshots: a finding's crop (access-checked like the ticket), removing and
correcting a finding, the tickets that share an error, and the week's signatures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from supportdesk.accounts.http import request_user
from supportdesk.accounts.models import User
from supportdesk.core.web import run_action, staff_only
from supportdesk.odoo import actions_screens, screen_selectors
from supportdesk.odoo.screen_models import ErrorSignature, ScreenshotFinding
from supportdesk.tickets.access import ticket_for_user
from supportdesk.tickets.models import Ticket


def _finding(user: User, number: str, finding_id: int) -> tuple[Ticket, ScreenshotFinding]:
    """A finding of a ticket ``user`` may see, else 404 (the ticket's own access rule)."""
    ticket = ticket_for_user(user, number)
    try:
        return ticket, screen_selectors.findings(ticket).get(pk=finding_id)
    except ScreenshotFinding.DoesNotExist:
        raise Http404("no such finding") from None


def _back(user: User, ticket: Ticket) -> HttpResponse:
    if user.is_support_staff:
        return redirect(reverse("console:workspace", args=[ticket.number]) + "#screens")
    return redirect(reverse("ticket_detail", args=[ticket.number]) + "#screens")


@login_required
@require_GET
def crop(request: HttpRequest, number: str, finding_id: int) -> FileResponse:
    _ticket, finding = _finding(request_user(request), number, finding_id)
    if not finding.crop:
        raise Http404("no crop")
    response = FileResponse(finding.crop.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def remove(request: HttpRequest, number: str, finding_id: int) -> HttpResponse:
    user = request_user(request)
    ticket, finding = _finding(user, number, finding_id)
    removed = _("Removed “%(text)s”.") % {"text": finding.text}
    run_action(
        request, actions_screens.finding_remove, success=removed, finding=finding, actor=user
    )
    return _back(user, ticket)


@staff_only
@require_POST
def correct(request: HttpRequest, number: str, finding_id: int) -> HttpResponse:
    user = request_user(request)
    ticket, finding = _finding(user, number, finding_id)
    run_action(
        request,
        actions_screens.finding_correct,
        success=_("Corrected."),
        finding=finding,
        actor=user,
        text=request.POST.get("text", ""),
    )
    return _back(user, ticket)


@staff_only
@require_GET
def signature_tickets(request: HttpRequest, signature_id: int) -> HttpResponse:
    """Every ticket, of every organisation, with this error (staff only)."""
    try:
        signature = ErrorSignature.objects.get(pk=signature_id)
    except ErrorSignature.DoesNotExist:
        raise Http404("no such signature") from None
    tickets = screen_selectors.tickets_with_signature(signature)
    return render(
        request, "odoo/signature_tickets.html", {"signature": signature, "tickets": tickets}
    )


@staff_only
@require_GET
def signatures_week(request: HttpRequest) -> HttpResponse:
    """The errors seen on most tickets this week, with organisations and code owners."""
    return render(request, "odoo/signatures_week.html", {"rows": screen_selectors.most_seen()})
