"""Ticket pages for customers (and staff until they use the console); every object through
the access helpers, so another organisation's ticket is a 404 (DESIGN rule 3)."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supportdesk.accounts.models import User
from supportdesk.commitments.clocks import ticket_clocks
from supportdesk.core import clock, keyset
from supportdesk.core.errors import InvalidInput
from supportdesk.core.links import link_maker
from supportdesk.core.paging import capped, capped_count
from supportdesk.core.web import run_action
from supportdesk.portal.forms import IMPACT_MEANINGS, ReopenForm, ReplyForm, TicketForm
from supportdesk.portal.hints import charge_hint, charge_hints
from supportdesk.portal.rows import COLUMNS as ROW_COLUMNS
from supportdesk.portal.rows import ticket_rows
from supportdesk.portal.selectors import (
    OPENED,
    OPENED_SORT,
    PAGE_SIZE,
    SCOPES,
    STATES,
    may_see_organisation,
    opened_page,
    public_attachments,
    time_entries,
    timeline,
)
from supportdesk.portal.selectors import (
    ticket_list as select_tickets,
)
from supportdesk.portal.timeline import timeline_html
from supportdesk.portal.views.saved import saved_list_views, saved_views_bar
from supportdesk.tickets import actions
from supportdesk.tickets.access import (
    attachment_for_user,
    related_exists,
    ticket_view,
    visible_rows,
)
from supportdesk.tickets.models import Channel, Ticket
from supportdesk.tickets.sorting import SORTS, parse_sort

PORTAL_SORTS = ("number", "subject", "status", "registered", "updated")

EXPORT_LIMIT = 10_000


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _htmx(request: HttpRequest) -> bool:
    """Whether htmx asked for a part of the page (django-htmx's ``request.htmx``)."""
    return bool(getattr(request, "htmx", False))


def _filters(request: HttpRequest) -> dict[str, str]:
    state = request.GET.get("state", "open")
    scope = request.GET.get("scope", "all")
    return {
        "state": state if state in STATES else "open",
        "scope": scope if scope in SCOPES else "all",
        "q": request.GET.get("q", "").strip()[:200],
    }


@login_required
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filters = _filters(request)
    sort, descending = parse_sort(request.GET.get("sort"), allowed=PORTAL_SORTS)
    if not sort:
        sort, descending = OPENED_SORT  # newest first
    after = request.GET.get("after")
    if filters == OPENED and (sort, descending) == OPENED_SORT and not after:
        # The page everyone opens: its rows and their capped count in one statement
        # compiled once per process.
        found = visible_rows(user, opened_page)
        page = keyset.cut(found, SORTS[sort], size=PAGE_SIZE)
        count, more_than_count = capped(found[0]["counted"] if found else 0)
    else:
        tickets = select_tickets(user, **filters)
        shown = tickets.values(*ROW_COLUMNS)  # the page's rows: no models (portal/rows.py)
        try:
            page = keyset.page(
                shown, SORTS[sort], descending=descending, cursor=after, size=PAGE_SIZE
            )
        except InvalidInput:
            page = keyset.page(shown, SORTS[sort], descending=descending, size=PAGE_SIZE)
        count, more_than_count = capped_count(tickets)
    first_page = request.GET.copy()
    first_page.pop("after", None)
    context = {
        "page": page,
        "rows": ticket_rows(page.rows, staff=user.is_support_staff),
        "count": count,
        "more_than_count": more_than_count,
        "first_page": first_page.urlencode() if request.GET.get("after") else None,
        "next_page": _with(request, after=page.next_cursor) if page.next_cursor else None,
        **filters,
        "query": request.GET.urlencode(),
        "shares": may_see_organisation(user),
    }
    context.update(saved_list_views(request))
    template = "portal/partials/ticket_table.html" if _htmx(request) else "portal/ticket_list.html"
    response = render(request, template, context)
    if _htmx(request):  # the saved views bar follows the filter, out of band
        response.content += saved_views_bar(request, context)
    return response


def _with(request: HttpRequest, **values: str) -> str:
    query = request.GET.copy()
    for key, value in values.items():
        query[key] = value
    return query.urlencode()


def _csv_cell(value: object) -> str:
    # A cell starting like a formula would run in a spreadsheet: make it text.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


@login_required
@require_GET
def ticket_export(request: HttpRequest) -> HttpResponse:
    """The list as CSV, with the same filters as the page."""
    user = _user(request)
    tickets = select_tickets(user, **_filters(request))[:EXPORT_LIMIT]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="tickets-{stamp}.csv"'
    response.write("\ufeff")  # spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Number"),
            _("Subject"),
            _("Status"),
            _("Kind of request"),
            _("Business impact"),
            _("Organisation"),
            _("Requester"),
            _("Assigned to"),
            _("Registered"),
            _("Resolved"),
            _("Closed"),
        ]
    )

    def when(value: Any) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    for ticket in tickets:
        writer.writerow(
            _csv_cell(cell)
            for cell in (
                ticket.number,
                ticket.subject,
                ticket.get_status_display(),
                ticket.get_kind_display(),
                ticket.get_impact_display() if ticket.impact else "",
                ticket.organisation,
                ticket.requester or "",
                ticket.assignee or "",
                when(ticket.registered_at),
                when(ticket.resolved_at),
                when(ticket.closed_at),
            )
        )
    return response


def _today() -> Any:
    return timezone.localdate(clock.now())


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
            form.add_error("organisation", _("Choose the organisation the ticket is for."))
        else:
            created = run_action(
                request,
                actions.ticket_create,
                form=form,
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
            if created and created.value is not None:
                ticket = created.value
                messages.success(
                    request,
                    _(
                        "Ticket %(number)s is registered. We assign every ticket to a "
                        "qualified consultant within 2 working days."
                    )
                    % {"number": ticket.number},
                )
                return redirect("ticket_detail", number=ticket.number)
    hints = charge_hints(user.organisation if user.is_customer else None, _today())
    return render(
        request,
        "portal/ticket_new.html",
        {
            "form": form,
            "kinds": [(radio, hints[radio.data["value"]]) for radio in form["kind"]],
            "impacts": [
                (radio, IMPACT_MEANINGS.get(radio.data["value"], "")) for radio in form["impact"]
            ],
        },
    )


# The rows the ticket page shows beside the ticket (not the skill the console routes by).
_DETAIL_RELATED = ("organisation", "requester", "assignee")


def _detail_flags(user: int) -> dict[str, Any]:
    """Which parts of the ticket page have rows, read with the ticket (no query for an
    empty part)."""
    return {
        f"has_{related}": related_exists(related)
        for related in ("attachments", "odoo_refs", "time_entries", "screenshots")
    }


# The ticket page's own links (its forms, the timeline's refresh, the consultants' time),
# each reversed once per process (core.links).
_DETAIL_LINKS = (
    "ticket_timeline",
    "ticket_time_entries",
    "ticket_reply",
    "ticket_close",
    "ticket_reopen",
)


def _detail_context(request: HttpRequest, ticket: Ticket, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    items = timeline(user, ticket)
    number = ticket.number
    return {
        "ticket": ticket,
        "links": {name: link_maker(name, "number")(number=number) for name in _DETAIL_LINKS},
        "clocks": ticket_clocks(ticket, staff=user.is_support_staff),
        "timeline_html": timeline_html(items, ticket.number),
        "attachments": (public_attachments(user, ticket) if ticket.may_have("attachments") else []),
        "odoo_refs": ticket.odoo_refs.all() if ticket.may_have("odoo_refs") else [],
        "charge": charge_hint(ticket.organisation, ticket.kind, _today()),
        "form": ReplyForm(),
        "reopen_form": ReopenForm(),
        **extra,
    }


@login_required
@require_GET
@ticket_view(annotate=_detail_flags, related=_DETAIL_RELATED)
def ticket_detail(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    return render(request, "portal/ticket_detail.html", _detail_context(request, ticket))


@login_required
@require_GET
@ticket_view(annotate=_detail_flags, related=_DETAIL_RELATED)
def ticket_timeline(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """The timeline alone, for the page to refresh it in place."""
    return render(request, "portal/partials/timeline.html", _detail_context(request, ticket))


@login_required
@require_GET
@ticket_view
def ticket_time_entries(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """The consultants' time on one ticket, with the total (R9)."""
    rows = time_entries(ticket)
    template = "portal/partials/time_entries.html" if _htmx(request) else "portal/time_entries.html"
    return render(
        request,
        template,
        {"ticket": ticket, "rows": rows, "total": sum(row.minutes for row in rows)},
    )


@login_required
@require_POST
@ticket_view
def ticket_reply(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        # Staff may add an internal note here; everything else is a reply on the timeline.
        note = bool(data["internal"] and user.is_support_staff)
        channel: dict[str, Any] = (
            {}
            if note
            else {"channel": Channel.CONSOLE if user.is_support_staff else Channel.PORTAL}
        )
        added = run_action(
            request,
            actions.ticket_add_note if note else actions.ticket_reply,
            success=_("Your message was added."),
            ticket=ticket,
            actor=user,
            body=data["body"],
            attachments=data["attachments"],
            **channel,
        )
        if added:
            form = ReplyForm()
    else:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(
                request,
                _("%(label)s: %(errors)s")
                % {"label": label, "errors": " ".join(str(e) for e in errors)},
            )
    if _htmx(request):
        ticket.refresh_from_db()
        return render(
            request,
            "portal/partials/conversation.html",
            _detail_context(request, ticket, form=form),
        )
    return redirect("ticket_detail", number=ticket.number)


@login_required
@require_POST
@ticket_view
def ticket_confirm(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """The customer confirms the resolution: the ticket is closed."""
    run_action(
        request,
        actions.ticket_close,
        success=_("Thank you: the ticket is closed."),
        ticket=ticket,
        actor=user,
    )
    return redirect("ticket_detail", number=ticket.number)


@login_required
@require_POST
@ticket_view
def ticket_reopen(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    form = ReopenForm(request.POST)
    run_action(
        request,
        actions.ticket_reopen,
        success=_("The ticket is open again."),
        ticket=ticket,
        actor=user,
        reason=form.cleaned_data["reason"] if form.is_valid() else "",
    )
    return redirect("ticket_detail", number=ticket.number)


@login_required
@require_GET
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
    response["Cache-Control"] = "private, max-age=3600"
    return response
