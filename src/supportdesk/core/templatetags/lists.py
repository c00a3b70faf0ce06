"""Sortable column headers: a link that sorts by the column, again to reverse it."""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context: template.Context, column: str, label: str) -> SafeString:
    """``<a href="?…&sort=column">label</a>``, keeping the list's other parameters; the
    current sort column shows its direction (aria-sort lives on the ``th``)."""
    request: HttpRequest = context["request"]
    query = request.GET.copy()
    query.pop("after", None)
    query.pop("page", None)
    current = query.get("sort", "")
    if current == column:
        query["sort"] = f"-{column}"
        arrow, state = " ▲", _("sorted ascending")
    elif current == f"-{column}":
        query["sort"] = column
        arrow, state = " ▼", _("sorted descending")
    else:
        query["sort"] = column
        arrow, state = "", ""
    return format_html(
        '<a class="sort" href="?{}"{}>{}{}</a>',
        query.urlencode(),
        format_html(' title="{}"', state) if state else "",
        label,
        arrow,
    )
