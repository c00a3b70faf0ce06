"""Slow clients cannot hold the server: ``supportdesk serve`` reads bodies on an event loop.

Ten connections that announce a large body and send it a byte at a time, and two that
never finish their headers, do not keep ``/healthz`` from answering within a second; the
silent ones are ended by the header and body timeouts.
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.core.conftest import clean_environment
from tests.core.test_serve import free_port


def _healthz(port: int) -> tuple[int, float]:
    started = time.monotonic()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        return response.status, time.monotonic() - started


def _wait_until_up(port: int, server: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"serve stopped:\n{log.read_text()}")
        try:
            if _healthz(port)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the server did not answer within 60 s:\n{log.read_text()}")


def _slow_body(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(
        b"POST /support/inquiry/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 10000000\r\n\r\nname="
    )
    return sock


def _slow_headers(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return sock


def test_ten_slow_bodies_do_not_keep_healthz_from_answering(tmp_path):
    var_dir = tmp_path / "var"
    env = clean_environment(
        var_dir,
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{var_dir / 'supportdesk.sqlite3'}",
        HTTP_HEADER_TIMEOUT="3",
        HTTP_BODY_TIMEOUT="3",
    )
    var_dir.mkdir()
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "supportdesk", "serve", "--port", str(port), "--no-worker"],
            env=env,
            cwd=tmp_path,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    sockets: list[socket.socket] = []
    try:
        _wait_until_up(port, server, log)
        # Each web process loads the site on its first request: not what is measured here.
        for _ in range(6):
            _healthz(port)
        # A client that pauses between requests keeps its connection (up to the header
        # timeout, 3 s here).
        kept = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        kept.request("GET", "/healthz")
        assert kept.getresponse().read()
        time.sleep(2.3)
        kept.request("GET", "/healthz")
        assert kept.getresponse().status == 200
        kept.close()
        bodies = [_slow_body(port) for _ in range(10)]
        headers = [_slow_headers(port) for _ in range(2)]
        sockets = bodies + headers
        for _round in range(3):
            time.sleep(0.3)
            for sock in bodies:
                sock.sendall(b"x")
            status, seconds = _healthz(port)
            assert status == 200
            assert seconds < 1.0, f"/healthz took {seconds:.2f} s behind slow clients"
        # Silent from now on: the timeouts end them (408 for a body, closed for headers).
        for sock in bodies[:1] + headers[:1]:
            sock.settimeout(10)
        answer = bodies[0].recv(200)
        assert answer.startswith(b"HTTP/1.1 408"), answer
        assert headers[0].recv(200) == b""  # closed without an answer
    finally:
        for sock in sockets:
            sock.close()
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
