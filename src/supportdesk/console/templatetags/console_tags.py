"""Template helpers of the console: the unread notifications count."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from supportdesk.console import rows
from supportdesk.console.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    """How many notifications the signed-in member of staff has not read (one query,
    once per page, its SQL compiled once per process)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_support_staff", False):
        return 0
    cached = getattr(request, "_unread_notifications", None)
    if cached is None:
        cached = unread_count(user.pk)
        request._unread_notifications = cached  # type: ignore[union-attr]
    return cached


@register.simple_tag(takes_context=True)
def suggestion_items(context: template.Context, suggestions: Any, assign_url: str) -> SafeString:
    """The workspace's suggested consultants, written in Python (``console.rows``) with the
    page's CSRF token."""
    ticket = context["ticket"]
    return rows.suggestion_items(
        suggestions,
        assign_url=assign_url,
        csrf=rows.csrf_input(context.get("csrf_token")),
        assignee_id=ticket.assignee_id,
    )


@register.filter
def minutes_as_hours(minutes: int | None) -> str:
    minutes = minutes or 0
    sign = "−" if minutes < 0 else ""
    minutes = abs(minutes)
    return f"{sign}{minutes // 60} h {minutes % 60:02d} min"
