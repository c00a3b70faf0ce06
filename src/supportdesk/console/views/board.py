"""The dispatch board: the queue (R4) with its clocks (R3, R5), filters and bulk assignment."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supportdesk.accounts.models import User
from supportdesk.console import actions as console_actions
from supportdesk.console.models import SavedView
from supportdesk.console.rows import board_rows as row_html
from supportdesk.console.rows import consultant_options, options
from supportdesk.console.selectors import (
    VIEWS,
    BoardPage,
    board_page,
    board_tickets,
    filter_choices,
    saved_board_views,
)
from supportdesk.console.views.common import int_or_none, staff_only, staff_user
from supportdesk.core.errors import ActionError, InvalidInput
from supportdesk.odoo.screen_selectors import match_counts
from supportdesk.tickets import actions
from supportdesk.tickets.access import tickets_for_user
from supportdesk.tickets.models import Ticket
from supportdesk.tickets.sorting import parse_sort

FILTER_KEYS = ("view", "skill", "org", "sort")


def _filters(request: HttpRequest) -> dict[str, str]:
    source = request.GET if request.method == "GET" else request.POST
    view = source.get("view", "all")
    sort, descending = parse_sort(source.get("sort"))
    return {
        "view": view if view in VIEWS else "all",
        "skill": str(int_or_none(source.get("skill")) or ""),
        "org": str(int_or_none(source.get("org")) or ""),
        "sort": f"{'-' if descending else ''}{sort}" if sort else "",
    }


def _page(request: HttpRequest, filters: dict[str, str]) -> dict[str, object]:
    user = staff_user(request)
    sort, descending = parse_sort(filters["sort"])
    try:
        page = board_page(
            user,
            view=filters["view"],
            skill_id=int_or_none(filters["skill"]),
            organisation_id=int_or_none(filters["org"]),
            cursor=request.GET.get("after") or None,
            sort=sort,
            descending=descending,
        )
    except InvalidInput as exc:
        messages.error(request, exc.message)
        page = board_page(user, view=filters["view"])
    query = urlencode({k: v for k, v in filters.items() if v and not (k == "view" and v == "all")})
    # "Other customers hit this too": tickets of other organisations with the same error,
    # looked for only when a row of the page has an error signature (no query otherwise).
    hits = match_counts(
        [row.ticket for row in page.rows if row.ticket.may_have("error_signatures")]
    )
    return {
        "page": page,
        "rows": row_html(page.rows, hits),
        "filters": filters,
        "query": query,
        "views": VIEWS,
    }


def _saved_views(user: User) -> list[tuple[SavedView, int]]:
    """My named views, each with the number of tickets it shows now (one count each)."""
    counted = []
    for saved in saved_board_views(user):
        params = QueryDict(saved.query)
        view = params.get("view", "all")
        tickets = board_tickets(
            user.pk,
            view=view if view in VIEWS else "all",
            skill_id=int_or_none(params.get("skill")),
            organisation_id=int_or_none(params.get("org")),
        )
        counted.append((saved, tickets.count()))
    return counted


@staff_only
def board(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    context = _page(request, filters)
    choices = filter_choices()
    context["skill_options"] = options(choices["skills"], filters["skill"])
    context["organisation_options"] = options(choices["organisations"], filters["org"])
    page = cast(BoardPage, context["page"])
    context["consultant_options"] = consultant_options(page.consultants)
    context["saved_views"] = _saved_views(staff_user(request))
    return render(request, "console/board.html", context)


@staff_only
@require_POST
def board_view_save(request: HttpRequest) -> HttpResponse:
    """Save the board's filter under a name, or delete a saved one."""
    user = staff_user(request)
    query = urlencode({k: v for k, v in _filters(request).items() if v})
    try:
        if delete := int_or_none(request.POST.get("delete")):
            console_actions.saved_view_delete(actor=user, view_id=delete)
            return redirect("console:board")
        saved = console_actions.saved_view_save(
            actor=user, name=request.POST.get("name", ""), query=query
        )
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("console:board") + (f"?{query}" if query else ""))
    messages.success(request, _("View “%(name)s” saved.") % {"name": saved.name})
    return redirect(reverse("console:board") + f"?{saved.query}")


@staff_only
def board_rows(request: HttpRequest) -> HttpResponse:
    """The rows alone, for the live refresh (htmx polling)."""
    return render(request, "console/partials/board_rows.html", _page(request, _filters(request)))


@staff_only
@require_POST
def board_assign(request: HttpRequest) -> HttpResponse:
    """Assign one ticket (its row's suggestion) or the selected ones (R3).

    ``one=<number>:<user id>`` assigns a single row; otherwise every ``ticket`` selected
    goes to ``assignee``, or each to its own suggestion when ``assignee`` is ``suggested``.
    """
    user = staff_user(request)
    filters = _filters(request)
    reason = request.POST.get("override_reason", "")
    pairs: list[tuple[str, str]] = []
    if one := request.POST.get("one"):
        number, _colon, assignee_id = one.partition(":")
        pairs.append((number, assignee_id))
    else:
        choice = request.POST.get("assignee", "")
        numbers = request.POST.getlist("ticket")
        if not numbers:
            messages.error(request, _("Tickets: select the tickets to assign"))
        elif not choice:
            messages.error(request, _("Assignee: choose a consultant or “each to its suggestion”"))
        else:
            suggested = dict(
                pair.partition(":")[::2] for pair in request.POST.getlist("suggested") if pair
            )
            pairs = [
                (n, suggested.get(n, "") if choice == "suggested" else choice) for n in numbers
            ]
    done = []
    for number, assignee_id in pairs:
        pk = Ticket.pk_from_number(number)
        ticket = tickets_for_user(user).filter(pk=pk).first() if pk else None
        assignee = User.objects.filter(pk=int_or_none(assignee_id) or 0).first()
        if ticket is None:
            messages.error(request, _("%(number)s: no such ticket") % {"number": number})
            continue
        if assignee is None:
            messages.error(
                request, _("%(number)s: no consultant to assign it to") % {"number": number}
            )
            continue
        try:
            actions.ticket_assign(
                ticket=ticket, actor=user, assignee=assignee, override_reason=reason
            )
        except ActionError as exc:
            messages.error(
                request, _("%(number)s: %(message)s") % {"number": number, "message": exc.message}
            )
        else:
            done.append(f"{number} → {assignee}")
    if done:
        messages.success(request, _("Assigned %(tickets)s.") % {"tickets": ", ".join(done)})
    query = urlencode({k: v for k, v in filters.items() if v and not (k == "view" and v == "all")})
    return redirect(reverse("console:board") + (f"?{query}" if query else ""))
