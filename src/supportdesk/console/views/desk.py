"""My day, notifications, preferences and saved replies."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from supportdesk.commitments.models import Notification
from supportdesk.console import actions as console_actions
from supportdesk.console import saved
from supportdesk.console.forms import PreferenceForm, SavedReplyForm
from supportdesk.console.models import SavedView, StaffPreference
from supportdesk.console.rows import search_hits
from supportdesk.console.selectors import my_day
from supportdesk.console.views.common import int_or_none, report, staff_only, staff_user
from supportdesk.core.errors import ActionError
from supportdesk.search.selectors import search
from supportdesk.tickets.models import Status
from supportdesk.tickets.sorting import parse_sort


@staff_only
def my_day_view(request: HttpRequest) -> HttpResponse:
    """My open tickets in the queue order, my call-backs, the time I logged; filtered by
    status or "your turn", and my saved views of it with their counts."""
    sort, descending = parse_sort(request.GET.get("sort"))
    filters = saved.my_day_filters(request.GET)
    where = saved.my_day_q(filters)
    try:
        day = my_day(
            staff_user(request),
            sort=sort,
            descending=descending,
            cursor=request.GET.get("after") or None,
            where=where,
        )
    except ActionError as exc:
        report(request, exc)
        day = my_day(staff_user(request), sort=sort, descending=descending, where=where)
    query = urlencode({k: v for k, v in filters.items() if v})
    context = {
        "day": day,
        "sort": request.GET.get("sort", ""),
        "filters": filters,
        "query": query,
        "statuses": [(s, Status(s).label) for s in saved.STATUSES],
        "saved_views": saved.saved_views(staff_user(request)),
    }
    return render(request, "console/my_day.html", context)


@staff_only
@require_POST
def my_day_view_save(request: HttpRequest) -> HttpResponse:
    """Save My day's filter under a name, or delete a saved one."""
    user = staff_user(request)
    query = urlencode({k: v for k, v in saved.my_day_filters(request.POST).items() if v})
    back = reverse("console:my_day")
    try:
        if delete := int_or_none(request.POST.get("delete")):
            console_actions.saved_view_delete(actor=user, view_id=delete)
            return redirect(back)
        view = console_actions.saved_view_save(
            actor=user, name=request.POST.get("name", ""), query=query, page=SavedView.Page.MY_DAY
        )
    except ActionError as exc:
        report(request, exc)
        return redirect(back + (f"?{query}" if query else ""))
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(back + (f"?{view.query}" if view.query else ""))


@staff_only
def notifications(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    rows = Notification.objects.filter(user=user).select_related("ticket")[:100]
    return render(request, "console/notifications.html", {"notifications": rows})


@staff_only
def notifications_badge(request: HttpRequest) -> HttpResponse:
    """The unread count in the navigation, refreshed by htmx polling."""
    return render(request, "console/partials/badge.html")


@staff_only
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    one = int_or_none(request.POST.get("id"))
    count = console_actions.notifications_read(actor=user, ids=[one] if one else None)
    messages.success(request, _("%(count)s marked read.") % {"count": count})
    return redirect("console:notifications")


@staff_only
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    current = StaffPreference.objects.filter(user=user).first() or StaffPreference(user=user)
    initial = {name: getattr(current, name) for name in PreferenceForm.base_fields}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            console_actions.preference_update(actor=user, **form.cleaned_data)
        except ActionError as exc:
            report(request, exc)
        else:
            messages.success(request, _("Preferences saved."))
            return redirect("console:preferences")
    return render(request, "console/preferences.html", {"form": form})


@staff_only
@require_http_methods(["GET", "POST"])
def saved_replies(request: HttpRequest) -> HttpResponse:
    from supportdesk.console.models import SavedReply

    user = staff_user(request)
    form = SavedReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if delete := int_or_none(request.POST.get("delete")):
            reply = SavedReply.objects.filter(pk=delete).first()
            if reply is None:
                raise Http404("no such saved reply")
            console_actions.saved_reply_delete(actor=user, reply=reply)
            messages.success(request, _("“%(title)s” deleted.") % {"title": reply.title})
            return redirect("console:saved_replies")
        if form.is_valid():
            try:
                console_actions.saved_reply_save(
                    actor=user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    attachment=form.cleaned_data["attachment"],
                )
            except ActionError as exc:
                report(request, exc)
            else:
                messages.success(request, _("Saved reply added."))
                return redirect("console:saved_replies")
    return render(
        request,
        "console/saved_replies.html",
        {"form": form, "replies": SavedReply.objects.select_related("created_by")},
    )


@staff_only
def search_view(request: HttpRequest) -> HttpResponse:
    """Search by number, reference, Odoo URL, organisation, contact and text."""
    query = request.GET.get("q", "").strip()
    hits = search(staff_user(request), query) if query else []
    return render(
        request, "console/search.html", {"q": query, "hits": hits, "hits_html": search_hits(hits)}
    )
