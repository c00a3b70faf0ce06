"""Template filters for what people wrote and when: Markdown, clickable links, "3 h ago"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from html import escape as html_escape
from typing import Any

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from supportdesk.core import clock
from supportdesk.core.markdown import render, to_text

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """Markdown (a reply, a note, a saved reply) as sanitised HTML."""
    return render(text, breaks=True)


@register.filter
def message_html(message: object) -> SafeString:
    """A message's text: Markdown when staff wrote it, else plain text with links made
    clickable (a customer's mail is not Markdown: its "*" and "#" stay as typed)."""
    author = getattr(message, "author", None)
    by_staff = bool(getattr(author, "is_support_staff", False))
    return render(_body(message), markdown=by_staff, breaks=True)


def _body(message: object) -> str:
    # A note a channel wrote reads in the reader's language (``Message.shown_body``).
    return str(getattr(message, "shown_body", None) or getattr(message, "body", ""))


@register.filter
def message_text(message: object) -> str:
    """A message's text for the plain part of a mail: Markdown links as "words <address>"."""
    author = getattr(message, "author", None)
    body = _body(message)
    by_staff = bool(getattr(author, "is_support_staff", False))
    return to_text(body) if by_staff else body


def _ago_amount(instant: dt.datetime, now: dt.datetime) -> tuple[str, int] | None:
    """What decides the words of "how long ago": ``("now", 0)``, ``("min", n)``,
    ``("h", n)`` or ``("day", n)``; ``None`` when the date is written instead (30 days or
    more, or more than a minute in the future)."""
    seconds = int((now - instant).total_seconds())
    if seconds < 0:
        return ("now", 0) if seconds > -60 else None
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if minutes < 1:
        return ("now", 0)
    if hours < 1:
        return ("min", minutes)
    if days < 1:
        return ("h", hours)
    return ("day", days) if days < 30 else None


def _ago_words(unit: str, n: int) -> str:
    if unit == "min":
        return ngettext("%(n)d min ago", "%(n)d min ago", n) % {"n": n}
    if unit == "h":
        return ngettext("%(n)d h ago", "%(n)d h ago", n) % {"n": n}
    if unit == "day":
        return ngettext("%(n)d day ago", "%(n)d days ago", n) % {"n": n}
    return _("just now")


def ago_text(instant: dt.datetime, now: dt.datetime) -> str:
    """How long ago, in the active language: "3 h ago" / "för 3 timmar sedan"."""
    amount = _ago_amount(instant, now)
    if amount is None:
        return timezone.localtime(instant).strftime("%Y-%m-%d")
    return _ago_words(*amount)


@register.filter
def ago(instant: dt.datetime | None) -> SafeString | str:
    """A relative time with the exact local time on hover (and for screen readers' date)."""
    if instant is None:
        return "—"
    exact = timezone.localtime(instant).strftime("%Y-%m-%d %H:%M")
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        instant.isoformat(),
        exact,
        ago_text(instant, clock.now()),
    )


def time_html(instant: dt.datetime, zone: dt.tzinfo | None = None) -> str:
    """The exact local time as the templates write it (``<time datetime="{{ x|date:'c' }}">``
    ``{{ x|date:"Y-m-d H:i" }}``), for entries written in Python; ``zone`` is the viewer's
    time zone, looked up once per page by the caller."""
    local = timezone.localtime(instant, zone) if timezone.is_aware(instant) else instant
    return f'<time datetime="{local.isoformat()}">{local:%Y-%m-%d %H:%M}</time>'


@register.filter
def exact_time(instant: dt.datetime | None) -> SafeString | str:
    """``{{ x|exact_time }}``: :func:`time_html` in a template, without the ``date``
    filter's formatter (two of them cost several times as much)."""
    return mark_safe(time_html(instant)) if instant else ""  # noqa: S308 (digits only)


def files_html(attachments: Iterable[Any], href: Callable[[int], str]) -> str:
    """A message's attachments as the timelines list them, ``href(pk)`` each file's link;
    empty without attachments."""
    items = "".join(
        f'<li><a href="{escape(href(a.pk))}">{escape(a.filename)}</a>'
        f" <small>{escape(filesizeformat(a.size))}</small></li>"
        for a in attachments
    )
    return f'<ul class="files">{items}</ul>' if items else ""


def ago_html(
    instant: dt.datetime | None,
    now: dt.datetime,
    zone: dt.tzinfo | None = None,
    said: dict[tuple[str, int], str] | None = None,
) -> str:
    """What :func:`ago` writes, as text for rows written in Python (escaped here); ``zone``
    is the viewer's time zone, looked up once per page by the caller; ``said``, a dictionary
    the caller keeps for one page, holds the words already translated ("3 h ago"), so
    rows of the same age translate them once."""
    if instant is None:
        return "—"
    local = instant.astimezone(zone or timezone.get_current_timezone())
    # The day and the time from the fields: strftime costs several times as much, and a
    # page of rows writes two of these per row.
    day = local.date().isoformat()  # YYYY-MM-DD, digits: nothing to escape
    exact = f"{day} {local.hour:02d}:{local.minute:02d}"
    amount = _ago_amount(instant, now)
    if amount is None:
        text = day
    else:
        found = said.get(amount) if said is not None else None
        text = found or html_escape(_ago_words(*amount))
        if said is not None and found is None:
            said[amount] = text
    return f'<time datetime="{instant.isoformat()}" title="{exact}">{text}</time>'
