"""Helpers of the reply and note boxes: the Markdown preview and ``@name`` completion (htmx)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from supportdesk.console.mentions import handle, matching
from supportdesk.console.views.common import staff_only
from supportdesk.core.markdown import render as render_markdown


@staff_only
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The draft as it will look in the timeline and in the mail, sanitised the same way."""
    return render(
        request,
        "console/partials/preview.html",
        {"html": render_markdown(request.POST.get("body", "")[:100_000], breaks=True)},
    )


@staff_only
@require_GET
def mentions(request: HttpRequest) -> HttpResponse:
    """Staff matching what follows the ``@`` being typed in an internal note."""
    people = matching(request.GET.get("q", "")[:60])
    return render(
        request,
        "console/partials/mentions.html",
        {"people": [(handle(p), p) for p in people]},
    )
