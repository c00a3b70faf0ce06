"""Ticket pages shared by customers and staff; every object through the access helpers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from supportdesk.accounts.models import User
from supportdesk.commitments.clocks import ticket_clocks
from supportdesk.core.errors import ActionError, InvalidInput
from supportdesk.tickets import actions
from supportdesk.tickets.access import (
    attachment_for_user,
    messages_for_user,
    ticket_for_user,
    tickets_for_user,
)
from supportdesk.tickets.forms import ReplyForm, TicketForm
from supportdesk.tickets.models import OPEN_STATUSES, Channel


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    state = request.GET.get("state", "open")
    qs = tickets_for_user(user).select_related("organisation", "assignee", "requester")
    if state == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif state == "closed":
        qs = qs.exclude(status__in=OPEN_STATUSES)
    page = Paginator(qs.order_by("-pk"), 50).get_page(request.GET.get("page"))
    return render(request, "tickets/list.html", {"page": page, "state": state})


@login_required
@require_http_methods(["GET", "POST"])
def ticket_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = TicketForm(request.POST or None, request.FILES or None)
    if not user.is_support_staff:
        del form.fields["organisation"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = user.organisation if user.is_customer else data.get("organisation")
        if organisation is None:
            form.add_error("organisation", "is required when staff register a ticket")
        else:
            try:
                ticket = actions.ticket_create(
                    actor=user,
                    organisation=organisation,
                    requester=user if user.is_customer else None,
                    channel=Channel.PORTAL if user.is_customer else Channel.CONSOLE,
                    subject=data["subject"],
                    description=data["description"],
                    kind=data["kind"],
                    impact=data.get("impact") or "",
                    contact_method=data["contact_method"],
                    contact_phone=data["contact_phone"],
                    odoo_urls=[data["odoo_url"]] if data["odoo_url"] else [],
                    references=[data["reference"]] if data["reference"] else [],
                    attachments=data["attachments"],
                )
            except InvalidInput as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.reason)
            else:
                messages.success(request, f"Ticket {ticket.number} registered.")
                return redirect("ticket_detail", number=ticket.number)
    return render(request, "tickets/new.html", {"form": form})


@login_required
def ticket_detail(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    ticket = ticket_for_user(user, number)
    events = ticket.events.select_related("actor")
    if not user.is_support_staff:
        events = events.filter(public=True)
    return render(
        request,
        "tickets/detail.html",
        {
            "ticket": ticket,
            "clocks": ticket_clocks(ticket, staff=user.is_support_staff),
            "ticket_messages": messages_for_user(user, ticket),
            "events": events,
            "odoo_refs": ticket.odoo_refs.all(),
            "form": ReplyForm(),
        },
    )


@login_required
@require_POST
def ticket_reply_view(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    ticket = ticket_for_user(user, number)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            if form.cleaned_data["internal"] and user.is_support_staff:
                actions.ticket_add_note(
                    ticket=ticket,
                    actor=user,
                    body=form.cleaned_data["body"],
                    attachments=form.cleaned_data["attachments"],
                )
            else:
                actions.ticket_reply(
                    ticket=ticket,
                    actor=user,
                    body=form.cleaned_data["body"],
                    channel=Channel.CONSOLE if user.is_support_staff else Channel.PORTAL,
                    attachments=form.cleaned_data["attachments"],
                )
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Your message was added.")
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(str(e) for e in errors)}")
    return redirect("ticket_detail", number=ticket.number)


@login_required
def attachment_download(request: HttpRequest, number: str, attachment_id: int) -> FileResponse:
    """Attachments are served only here, after the access check — never from a public URL."""
    attachment = attachment_for_user(_user(request), number, attachment_id)
    inline = (
        attachment.content_type.startswith("image/") and attachment.content_type != "image/svg+xml"
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
