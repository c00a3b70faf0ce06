"""The web process runs requests in a fixed set of threads, each keeping its connections.

Under Django's own ASGI handler every request had a thread of its own, so every request
opened a new database connection (and a new Redis one); with persistent connections the
old ones stayed open until PostgreSQL refused more. Here 24 concurrent requests run on at
most ``WEB_THREADS`` threads and open at most that many database connections.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from typing import Any

import pytest
from django.db import connections
from django.db.backends.signals import connection_created
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import path

from supportdesk.accounts.models import User
from supportdesk.asgi import ThreadPoolHandler

seen_threads: set[int] = set()


def reads_the_database(request: HttpRequest) -> HttpResponse:
    seen_threads.add(threading.get_ident())
    return HttpResponse(f"{User.objects.count()} users")


def download(request: HttpRequest) -> FileResponse:
    import io

    return FileResponse(io.BytesIO(b"0123456789" * 30_000), filename="big.txt")


urlpatterns = [path("count/", reads_the_database), path("download/", download)]


def _scope(path_: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path_,
        "raw_path": path_.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


def _run(coroutine: Any) -> Any:
    """Run ``coroutine`` on an event loop of its own thread, as a web process's loop runs
    beside the test's thread (and whatever loop another test's browser left running)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=60)


async def _get(app: ThreadPoolHandler, path_: str) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []
    body = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict[str, Any]:
        if body:
            return body.pop()
        await asyncio.sleep(3600)  # the client stays connected
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(_scope(path_), receive, send)
    status = sent[0]["status"]
    return status, b"".join(m.get("body", b"") for m in sent[1:])


def _close_every_thread_connection(app: ThreadPoolHandler) -> None:
    """Close the connection each pool thread keeps, so the test database can be dropped."""
    barrier = threading.Barrier(app.threads)

    def close() -> None:
        connections.close_all()
        barrier.wait(timeout=10)  # holds this thread: the next task goes to another one

    for future in [app.pool.submit(close) for _ in range(app.threads)]:
        future.result(timeout=20)
    app.pool.shutdown()


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_share_a_few_threads_and_their_database_connections(
    settings, monkeypatch
):
    settings.ROOT_URLCONF = __name__
    # Persistent connections, as in production on PostgreSQL (SQLite's settings turn them off).
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 60)
    users = User.objects.count()  # the test's own connection, before counting the pool's
    opened: list[int] = []

    def count(sender: Any, connection: Any, **kwargs: Any) -> None:
        opened.append(threading.get_ident())

    connection_created.connect(count)
    seen_threads.clear()
    app = ThreadPoolHandler(3)
    try:

        async def crowd() -> list[tuple[int, bytes]]:
            return await asyncio.gather(*(_get(app, "/count/") for _ in range(24)))

        answers = _run(crowd())
        assert answers == [(200, f"{users} users".encode())] * 24
        assert 1 <= len(seen_threads) <= 3
        assert len(opened) <= 3, f"{len(opened)} database connections for 24 requests"
    finally:
        connection_created.disconnect(count)
        _close_every_thread_connection(app)


@pytest.mark.django_db(transaction=True)
def test_a_file_download_arrives_whole(settings):
    settings.ROOT_URLCONF = __name__
    app = ThreadPoolHandler(2)
    try:
        status, body = _run(_get(app, "/download/"))
        assert status == 200
        assert body == b"0123456789" * 30_000
    finally:
        _close_every_thread_connection(app)
