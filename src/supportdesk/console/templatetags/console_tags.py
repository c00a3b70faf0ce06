"""Template helpers of the console: the unread notifications count."""

from __future__ import annotations

from django import template

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


@register.filter
def minutes_as_hours(minutes: int | None) -> str:
    minutes = minutes or 0
    sign = "−" if minutes < 0 else ""
    minutes = abs(minutes)
    return f"{sign}{minutes // 60} h {minutes % 60:02d} min"
