"""The ASGI application ``supportdesk serve`` runs, with guards on the request body.

Before Django sees a request: a body announced larger than the most any request may send
is refused with 413 unread; a body that grows past it, or goes silent for
``HTTP_BODY_TIMEOUT`` seconds, ends the request (413 or 408) without a view running.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.core.asgi import get_asgi_application
from django.core.exceptions import RequestAborted

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
django_application = get_asgi_application()

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]

BODY_TIMEOUT = float(os.environ.get("HTTP_BODY_TIMEOUT", "") or 30)


def body_limit() -> int:
    """The largest body any request may send: files and form, an API body, a mail."""
    from django.conf import settings

    return (
        max(
            settings.UPLOAD_REQUEST_MAX_BYTES,
            settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
            getattr(settings, "MAIL_MAX_BYTES", 0),
        )
        + 1024 * 1024
    )


async def _respond(send: Send, status: int, text: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": text.encode()})


async def application(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        await django_application(scope, receive, send)
        return
    limit = body_limit()
    announced = dict(scope.get("headers") or []).get(b"content-length", b"")
    if announced.isdigit() and int(announced) > limit:
        await _respond(send, 413, f"the request body may be at most {limit // 1048576} MB\n")
        return
    received = 0
    body_done = False
    failure: tuple[int, str] | None = None

    async def guarded_receive() -> Message:
        nonlocal received, body_done, failure
        if body_done:
            return await receive()  # Django listening for a disconnect: no deadline
        try:
            message = await asyncio.wait_for(receive(), timeout=BODY_TIMEOUT)
        except TimeoutError:
            failure = (408, f"no part of the request body came for {BODY_TIMEOUT:g} s\n")
            raise RequestAborted() from None
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                failure = (413, f"the request body may be at most {limit // 1048576} MB\n")
                raise RequestAborted()
            body_done = not message.get("more_body", False)
        return message

    await django_application(scope, guarded_receive, send)
    if failure is not None:
        await _respond(send, *failure)
