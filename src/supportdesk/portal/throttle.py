"""Counting attempts in the shared cache: log-in throttling and the inquiry rate limit.

Counts live in the cache (the database or Redis), so every web node sees the same
numbers (DESIGN rule 9). A window starts at the first attempt and lasts ``seconds``.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address of the browser as the web server saw it (a proxy must pass it on)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _key(purpose: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return f"throttle:{purpose}:{digest}"


class Window:
    """At most ``limit`` attempts per ``seconds``, counted under ``key``."""

    def __init__(self, key: str, *, limit: int, seconds: int) -> None:
        self.key, self.limit, self.seconds = key, limit, seconds

    def _read(self) -> tuple[int, float]:
        value = cache.get(self.key)
        if isinstance(value, list | tuple) and len(value) == 2:
            count, started = value
            if time.time() - started < self.seconds:
                return int(count), float(started)
        return 0, time.time()

    def blocked_minutes(self) -> int:
        """Minutes until another attempt is allowed; 0 when it is allowed now."""
        count, started = self._read()
        if count < self.limit:
            return 0
        return max(1, math.ceil((started + self.seconds - time.time()) / 60))

    def hit(self) -> int:
        count, started = self._read()
        count += 1
        cache.set(self.key, (count, started), timeout=self.seconds)
        return count

    def clear(self) -> None:
        cache.delete(self.key)


def login_window(email: str, request: HttpRequest) -> Window:
    """Failed log-ins for one account from one address (a shared office is not locked out)."""
    return Window(
        _key("login", email.strip().lower(), client_address(request)),
        limit=settings.LOGIN_FAILURES_ALLOWED,
        seconds=settings.LOGIN_LOCKOUT_MINUTES * 60,
    )


def address_window(purpose: str, request: HttpRequest, *, limit: int, seconds: int) -> Window:
    """Attempts of one kind from one address: the inquiry form, password-reset requests."""
    return Window(_key(purpose, client_address(request)), limit=limit, seconds=seconds)
