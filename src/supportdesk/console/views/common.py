"""What every console view shares: staff only, errors shown as messages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from supportdesk.accounts.models import User
from supportdesk.core.errors import ActionError


def staff_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Console pages exist only for support staff: for anyone else they are not found."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not isinstance(user, User) or not user.is_support_staff:
            raise Http404("no such page")
        return view(request, *args, **kwargs)

    return wrapped


def report(request: HttpRequest, exc: ActionError) -> None:
    messages.error(request, exc.message)


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None
