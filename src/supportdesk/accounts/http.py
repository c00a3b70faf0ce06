"""The signed-in user of a request, typed (views behind ``login_required``)."""

from __future__ import annotations

from django.http import HttpRequest

from supportdesk.accounts.models import User


def request_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "the view must require a signed-in user"
    return user
