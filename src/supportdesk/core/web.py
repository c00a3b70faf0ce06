"""The view kit: what every page that runs an action shares.

A view reads its input, calls one action through :func:`run_action`, and renders. A
refusal (``InvalidInput``, ``IllegalTransition``, ``PermissionDenied``) becomes an error
on the form field it names, or a message, in the requester's language; nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpRequest, HttpResponse

from supportdesk.core.errors import ActionError, InvalidInput
from supportdesk.core.fieldnames import named


@dataclass(frozen=True)
class Outcome[T]:
    """What :func:`run_action` returns: true when the action went through."""

    value: T | None = None
    error: ActionError | None = None

    def __bool__(self) -> bool:
        return self.error is None


def run_action[T](
    request: HttpRequest,
    action: Callable[..., T],
    /,
    *,
    success: str = "",
    form: forms.BaseForm | None = None,
    **kwargs: Any,
) -> Outcome[T]:
    """Run ``action(**kwargs)``; say ``success`` or the refusal. Returns the outcome."""
    try:
        value = action(**kwargs)
    except ActionError as exc:
        refused(request, exc, form=form)
        return Outcome(error=exc)
    if success:
        messages.success(request, success)
    return Outcome(value=value)


def refused(request: HttpRequest, exc: ActionError, *, form: forms.BaseForm | None = None) -> None:
    """A refusal on the form field it names when the form has it, else as a message."""
    if form is not None:
        if isinstance(exc, InvalidInput):
            # On its own field the error needs no name; above the form it names the field.
            if exc.field in form.fields:
                form.add_error(exc.field, exc.reason)
            else:
                form.add_error(None, exc.message)
        else:
            form.add_error(None, exc.message)
    else:
        messages.error(request, exc.message)


def form_errors(request: HttpRequest, form: forms.BaseForm) -> None:
    """A form's errors as messages, each with its field's label (pages without the form).

    The label is the form field's own (a model field's verbose name, translated) or the
    name the refusals use for that key; never the bare key.
    """
    for name, errors in form.errors.items():
        text = " ".join(str(e) for e in errors)
        if name == NON_FIELD_ERRORS or name not in form.fields:
            messages.error(request, text)
            continue
        field = form.fields[name]
        messages.error(request, str(named(name, text, name=field.label or None)))


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff pages exist only for support staff: for anyone else they are not found."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(request.user, "is_support_staff", False):
            raise Http404("no such page")
        return view(request, *args, **kwargs)

    return wrapped


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None
