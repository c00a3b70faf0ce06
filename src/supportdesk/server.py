"""The web server's worker: gunicorn processes running uvicorn's event loop (ASGI).

A slow client holds a socket, never a worker: request bodies are read by the event loop
(``supportdesk.asgi``) and the view runs once the body is in. Two timeouts end clients
that never finish: ``HTTP_HEADER_TIMEOUT`` seconds to send a request's headers (here, in
the HTTP protocol) and ``HTTP_BODY_TIMEOUT`` seconds of silence while sending its body
(in ``supportdesk.asgi``).

Imported by gunicorn before Django is set up: it reads the environment, not settings.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn_worker import UvicornWorker


def _seconds(name: str, default: float) -> float:
    try:
        return max(0.1, float(os.environ.get(name, "") or default))
    except ValueError:
        raise SystemExit(f"{name}={os.environ[name]!r} is not a number of seconds") from None


class GuardedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing connections whose headers never complete."""

    header_timeout = _seconds("HTTP_HEADER_TIMEOUT", 10)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self._arm_header_timer()

    def _arm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _headers_too_slow(self) -> None:
        # Still waiting for (the rest of) a request line and headers: give up on the client.
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_header_timer()  # the next request on a kept-alive connection

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        super().connection_lost(exc)


class Worker(UvicornWorker):
    """``gunicorn -k supportdesk.server.Worker``: uvicorn with the guarded protocol."""

    CONFIG_KWARGS: dict[str, Any] = {
        "loop": "asyncio",
        "http": "supportdesk.server:GuardedH11Protocol",
        "lifespan": "off",
    }
