"""The ASGI application ``supportdesk serve`` runs, with guards on the request body.

Before Django sees a request: a body announced larger than the most any request may send
is refused with 413 unread; a body that grows past it, or goes silent for
``HTTP_BODY_TIMEOUT`` seconds, ends the request (413 or 408) without a view running.

The body is read on the event loop; then the site's synchronous middleware and view run
in one of ``WEB_THREADS`` long-lived threads of the process (:class:`ThreadPoolHandler`).
Django's own ASGI handler would give every request a thread of its own and cross between
the event loop and threads several times per request: each request then opened a new
database and Redis connection (and, with persistent connections, left the old ones open
until the server ran out of them).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from typing import IO, Any

import django
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers import base
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse, HttpResponseBase
from django.urls import get_resolver, set_script_prefix

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]

BODY_TIMEOUT = float(os.environ.get("HTTP_BODY_TIMEOUT", "") or 30)
_DONE = object()


class ThreadPoolHandler(ASGIHandler):
    """Django's ASGI handler, running the synchronous request path in a fixed pool of threads.

    One hop per request from the event loop to a thread and back: the request is read on
    the loop, then ``request_started``, the middleware, the view and the rendering run in
    a pool thread, as under a threaded WSGI server, so each thread keeps its database
    connection (``CONN_MAX_AGE``) and its Redis connection from one request to the next.
    A streamed response (a file download) is read a block at a time in the pool and sent
    from the loop: a slow reader holds a socket, never a thread.
    """

    def __init__(self, threads: int) -> None:
        base.BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self.threads = threads
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="request")

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"only HTTP is served, not {scope['type']}")
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Any, send: Any) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        loop = asyncio.get_running_loop()
        with closing(body_file):
            response = await loop.run_in_executor(self.pool, self.respond, scope, body_file)
            if not response.streaming:  # closed in the thread already: the content is made
                await self.send_response(response, send)
                return
            try:
                await self.send_response(response, send)
            finally:
                # Fires request_finished (database connections checked, files closed).
                await loop.run_in_executor(self.pool, response.close)

    def respond(self, scope: Scope, body_file: IO[bytes]) -> HttpResponseBase:
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            assert error_response is not None
            return error_response
        response = self.get_response(request)
        response._handler_class = self.__class__  # type: ignore[attr-defined]
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size
        if not response.streaming:
            # request_finished in the thread that served the request, with no second
            # hop from the event loop.
            response.close()
        return response

    async def send_response(self, response: HttpResponseBase, send: Send) -> None:
        if not response.streaming or getattr(response, "is_async", False):
            await super().send_response(response, send)
            return
        # A synchronous stream (a file): read each block in the pool, send it from the loop.
        loop = asyncio.get_running_loop()
        headers = [
            (str(name).encode("ascii"), str(value).encode("latin1"))
            for name, value in response.items()
        ] + [(b"Set-Cookie", c.OutputString().encode("ascii")) for c in response.cookies.values()]
        await send(
            {"type": "http.response.start", "status": response.status_code, "headers": headers}
        )
        parts = iter(response)
        while (part := await loop.run_in_executor(self.pool, next, parts, _DONE)) is not _DONE:
            for chunk, _last in self.chunk_bytes(part):  # type: ignore[arg-type,var-annotated]
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body"})


def _application() -> ThreadPoolHandler:
    django.setup(set_prefix=False)
    from django.conf import settings

    handler = ThreadPoolHandler(settings.WEB_THREADS)
    # Import the URLconf (and with it every view) now, not on a visitor's first request.
    get_resolver().url_patterns  # noqa: B018
    return handler


django_application = _application()


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
