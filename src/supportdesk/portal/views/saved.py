"""Saved views of the portal's ticket list: a customer's named filters, shown with counts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supportdesk.accounts.models import User
from supportdesk.core.errors import ActionError
from supportdesk.core.web import int_or_none, refused
from supportdesk.portal import actions
from supportdesk.portal.selectors import list_filters, saved_views
from supportdesk.tickets.sorting import parse_sort

SORTS = ("number", "subject", "status", "registered", "updated")


def list_query(source: Mapping[str, Any]) -> str:
    """The list's filters and sort as a query string, defaults left out."""
    filters = list_filters(source)
    sort, descending = parse_sort(source.get("sort"), allowed=SORTS)
    values = {
        "state": filters["state"] if filters["state"] != "open" else "",
        "scope": filters["scope"] if filters["scope"] != "all" else "",
        "q": filters["q"],
        "sort": f"{'-' if descending else ''}{sort}" if sort else "",
    }
    return urlencode({k: v for k, v in values.items() if v})


@login_required
@require_POST
def view_save(request: HttpRequest) -> HttpResponse:
    """Save the ticket list's filter under a name, or delete a saved one."""
    user = request.user
    assert isinstance(user, User)
    query = list_query(request.POST)
    back = reverse("ticket_list")
    try:
        if delete := int_or_none(request.POST.get("delete")):
            actions.saved_view_delete(actor=user, view_id=delete)
            return redirect(back)
        view = actions.saved_view_save(actor=user, name=request.POST.get("name", ""), query=query)
    except ActionError as exc:
        refused(request, exc)
        return redirect(back + (f"?{query}" if query else ""))
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(back + (f"?{view.query}" if view.query else ""))


def saved_list_views(request: HttpRequest) -> dict[str, Any]:
    """What the list page shows of saved views: them with their counts, and the current
    filter (to mark the view it is and to save it)."""
    user = request.user
    assert isinstance(user, User)
    current = list_query(request.GET)
    hidden = [(k, v) for k, v in request.GET.items() if k in ("state", "scope", "q", "sort")]
    return {
        "saved_views": saved_views(user),
        "saved_query": current,
        "saved_hidden": hidden,
    }


def saved_views_bar(request: HttpRequest, context: Mapping[str, Any]) -> bytes:
    """The bar alone, to replace it out of band when htmx filters the list."""
    html = render_to_string(
        "core/saved_views.html",
        {
            "saved_views": context["saved_views"],
            "query": context["saved_query"],
            "hidden": context["saved_hidden"],
            "save_url": reverse("ticket_view_save"),
            "oob": True,
        },
        request=request,
    )
    return html.encode()
