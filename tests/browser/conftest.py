"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Reusable pieces for every browser test:

- ``base_url`` is the live server, so ``page.goto("/tickets/")`` works;
- ``logged_in_page(user)`` opens a page in a fresh browser context already logged in as
  ``user`` (``locale=`` sets the browser's language, ``otp_device=`` a verified second
  factor for staff who need one);
- ``save_screenshot(page, name)`` writes ``docs/screenshots/<name>.png``.

Chromium is Debian's (``scripts/system-packages.sh`` installs it); ``playwright install`` is
never needed. Without Chromium the tests are skipped on a laptop and fail in CI.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM_PATHS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TIMEOUT_MS = 15_000


def chromium_path() -> str | None:
    candidates = [os.environ.get("CHROMIUM", ""), *CHROMIUM_PATHS]
    return next((p for p in candidates if p and os.access(p, os.X_OK)), None)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    path = chromium_path()
    if path is None:
        reason = (
            f"Chromium not found at {' or '.join(CHROMIUM_PATHS)}: "
            "run scripts/system-packages.sh (apt-get install chromium)"
        )
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": path}


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    return str(live_server.url)


@pytest.fixture
def new_context(browser: Any, browser_context_args: dict[str, Any]) -> Iterator[Callable[..., Any]]:
    """Fresh browser contexts (separate cookies), closed after the test."""
    contexts: list[Any] = []

    def make(**overrides: Any) -> Any:
        context = browser.new_context(**{**browser_context_args, **overrides})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def session_cookie(user: Any, *, otp_device: Any = None) -> str:
    """A session of ``user`` made the way Django's test client logs in."""
    client = Client()
    client.force_login(user)
    if otp_device is not None:
        from django_otp import DEVICE_ID_SESSION_KEY

        session = client.session
        session[DEVICE_ID_SESSION_KEY] = otp_device.persistent_id
        session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def logged_in_page(new_context: Callable[..., Any], base_url: str) -> Callable[..., Any]:
    def make(
        user: Any, *, locale: str = "en-GB", otp_device: Any = None, **context_args: Any
    ) -> Any:
        context = new_context(locale=locale, **context_args)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session_cookie(user, otp_device=otp_device),
                    "url": base_url,
                }
            ]
        )
        return context.new_page()

    return make


@pytest.fixture
def save_screenshot() -> Callable[[Any, str], Path]:
    def save(page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
