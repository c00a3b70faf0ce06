from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from supportdesk.api.models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sd_…`` with a personal, unrevoked token of an active user."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            row = ApiToken.objects.select_related("user", "user__organisation").get(
                key_hash=hash_token(token), revoked_at__isnull=True
            )
        except ApiToken.DoesNotExist:
            return None
        if not row.user.is_active:
            return None
        now = timezone.now()
        # Record use at most once a minute, not on every request.
        if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=1):
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


class StaffSessionAuth(SessionAuth):
    """The browser session, so the docs page and the web pages can call the API."""
