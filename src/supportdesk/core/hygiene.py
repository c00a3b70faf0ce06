"""Input hygiene at the boundary: control characters are refused before any view runs.

NUL and the other C0 control characters (except tab, line feed and carriage return) and
DEL are never meaningful in what a person types, and PostgreSQL refuses NUL in text
outright. Rather than each view guarding its fields, one middleware refuses them in the
path, the query string and form fields (400 naming the field; 422 with the API's error
shape under ``/api/``), and ``CleanSchema`` does the same for the API's JSON bodies.

Bodies that carry raw content from machines (the mail providers' inbound webhooks, whose
MIME may legitimately contain escape sequences) are exempt by path prefix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from supportdesk.core.fieldnames import named
from supportdesk.core.uploads import UploadTooLarge

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def control_character(text: str) -> str | None:
    """The first forbidden character of ``text`` as ``U+0000``, or None when clean."""
    found = CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def refusal(field: str, character: str, *, api: bool = False) -> str:
    """The refusal in the active language, naming the field as a person reads it on a
    page, or by the key the client sent to the API (which the API also returns as ``field``).
    """
    reason = _("contains the control character %(character)s, which is not allowed") % {
        "character": character
    }
    return f"{field}: {reason}" if api else str(named(field, reason))


def _first_problem(pairs: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    for key, value in pairs:
        for text in (key, value):
            character = control_character(text)
            if character:
                return (key if control_character(key) is None else "field"), character
    return None


def request_problem(request: HttpRequest) -> tuple[str, str] | None:
    """(field, character) of the first control character in the request's input, or None."""
    character = control_character(request.path_info)
    if character:
        return "path", character
    problem = _first_problem(
        (key, value) for key in request.GET for value in request.GET.getlist(key)
    )
    if problem:
        return problem
    if request.method in {"POST", "PUT", "PATCH"} and request.content_type in FORM_TYPES:
        if request.path_info.startswith("/api/"):
            # The API reads the raw body (JSON) and takes no files: keep it readable.
            _ = request.body
        problem = _first_problem(
            (key, value) for key in request.POST for value in request.POST.getlist(key)
        )
        if problem:
            return problem
        for key in request.FILES:
            for upload in request.FILES.getlist(key):
                character = control_character(upload.name or "")
                if character:
                    return key, character
    return None


class InputHygieneMiddleware:
    """Refuses control characters in the path, query parameters and form fields."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        exempt = getattr(settings, "INPUT_HYGIENE_EXEMPT_PATHS", ())
        if not request.path_info.startswith(tuple(exempt)):
            try:
                problem = request_problem(request)
            except UploadTooLarge as exc:
                return self.respond(request, "attachments", str(exc), status=413)
            if problem is not None:
                return self.refuse(request, *problem)
        return self.get_response(request)

    def refuse(self, request: HttpRequest, field: str, character: str) -> HttpResponse:
        api = request.path_info.startswith("/api/")
        return self.respond(
            request, field, refusal(field, character, api=api), status=422 if api else 400
        )

    def respond(
        self, request: HttpRequest, field: str, message: str, *, status: int
    ) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message, "field": field}, status=status)
        html = render_to_string("core/bad_input.html", {"message": message}, request=None)
        return HttpResponse(html, status=status)
