"""Error pages in the site's layout and the visitor's language, each with a way back.

Django renders ``404.html``, ``403.html`` and ``400.html`` itself; a 405 from
``require_http_methods`` has an empty body, so the middleware below gives it the page,
and a 500 is rendered with the request when that still works, else as plain HTML.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext as _


def _page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    return HttpResponse(loader.render_to_string(template, request=request), status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the layout if it renders, else a sentence and a link home."""
    try:
        return _page(request, "500.html", 500)
    except Exception:  # the page that explains an error must not fail itself
        return HttpResponseServerError(
            '<!doctype html><html><head><meta charset="utf-8"><title>500</title></head><body>'
            f"<h1>{_('Something went wrong on our side')}</h1>"
            f'<p><a href="/">{_("Back to the start page")}</a></p></body></html>'
        )


class MethodNotAllowedPageMiddleware:
    """A 405 with no body gets the site's page; its Allow header is kept. The API's own
    405 answers (JSON) are left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or getattr(response, "streaming", False):
            return response
        if response.content or request.path.startswith("/api/"):
            return response
        page = _page(request, "405.html", 405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
