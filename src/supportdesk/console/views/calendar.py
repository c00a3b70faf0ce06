"""The working week, edited as a whole by an administrator, with a preview (R3, R5)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supportdesk.accounts.models import Role
from supportdesk.commitments.actions import ConfirmationNeeded, calendar_set_week
from supportdesk.commitments.clocks import Week, calendar_with_week, stored_week
from supportdesk.commitments.models import WEEKDAYS, CalendarChange
from supportdesk.commitments.week import parse_week, plan, preview
from supportdesk.console.views.common import report, staff_only, staff_user
from supportdesk.core import clock
from supportdesk.core.errors import ActionError, InvalidInput


def admin_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Administrators only; for other staff the page does not exist."""

    @staff_only
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if staff_user(request).role != Role.ADMIN:
            raise Http404("no such page")
        return view(request, *args, **kwargs)

    return wrapped


def _days(week: Week) -> list[dict[str, Any]]:
    return [
        {
            "n": day,
            "name": name,
            "open": week.get(day) is not None,
            "opens": f"{week[day][0]:%H:%M}" if week.get(day) else "08:00",  # type: ignore[index]
            "closes": f"{week[day][1]:%H:%M}" if week.get(day) else "17:00",  # type: ignore[index]
        }
        for day, name in WEEKDAYS
    ]


def _typed(data: Any) -> list[dict[str, Any]]:
    """The seven days as typed, to show them again with the reason they were refused."""
    return [
        {
            "n": day,
            "name": name,
            "open": bool(data.get(f"open-{day}")),
            "opens": data.get(f"opens-{day}", ""),
            "closes": data.get(f"closes-{day}", ""),
        }
        for day, name in WEEKDAYS
    ]


def _page(
    request: HttpRequest,
    week: Week,
    *,
    error: str = "",
    confirm: Any = None,
    status: int = 200,
    typed: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    return render(
        request,
        "console/calendar.html",
        {
            "days": typed or _days(week),
            "preview": preview(calendar_with_week(week), clock.now()),
            "error": error,
            "confirm": confirm,
            "changes": CalendarChange.objects.select_related("changed_by")[:10],
        },
        status=status,
    )


@admin_only
def calendar(request: HttpRequest) -> HttpResponse:
    return _page(request, stored_week())


@admin_only
@require_POST
def calendar_preview(request: HttpRequest) -> HttpResponse:
    """The preview of the week as typed (htmx), or the reason it cannot be saved."""
    try:
        week = parse_week(request.POST)
    except InvalidInput as exc:
        return render(request, "console/partials/week_preview.html", {"error": exc.message})
    change = plan(week, now=clock.now())
    return render(
        request,
        "console/partials/week_preview.html",
        {"preview": preview(calendar_with_week(week), clock.now()), "plan": change},
    )


@admin_only
@require_POST
def calendar_save(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    try:
        week = parse_week(request.POST)
    except InvalidInput as exc:
        # Nothing is saved; the form keeps what was typed where it can.
        return _page(
            request, stored_week(), error=exc.message, status=422, typed=_typed(request.POST)
        )
    try:
        record = calendar_set_week(
            actor=user, week=week, confirmed=request.POST.get("confirmed") == "yes"
        )
    except ConfirmationNeeded as exc:
        return _page(request, week, confirm=exc.plan, status=409)
    except ActionError as exc:
        report(request, exc)
        return redirect("console:calendar")
    if record is None:
        messages.info(request, _("The week is unchanged."))
    else:
        messages.success(
            request,
            _("Working week saved; deadlines of %(n)d open tickets moved.")
            % {"n": len(record.moved_tickets)},
        )
    return redirect("console:calendar")
