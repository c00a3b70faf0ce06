"""The README's first command, end to end minus the install (``make run``).

In a fresh ``SUPPORTDESK_VAR`` with a generated ``SECRET_KEY`` and ``DEBUG`` unset (so
production settings: manifest static files served by WhiteNoise), run ``migrate``,
``createcachetable``, ``collectstatic``, ``demo --if-empty`` and ``serve``, then use the
site over HTTP as a person would and stop it with SIGINT.

The database is always a SQLite file in the temporary directory, whatever
``DATABASE_URL`` the test run itself uses: this test is about the commands and the
processes, not the database engine, and pointing it at the run's PostgreSQL would need a
database of its own next to the one pytest-django creates. The rest of the suite covers
PostgreSQL when ``DATABASE_URL`` names it.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.core.conftest import clean_environment, supportdesk

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="finds child processes through /proc"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid: int) -> dict[int, tuple[int, str]]:
    """Every living process below ``pid``: its id, its parent's id and its command line."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    found: dict[int, tuple[int, str]] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, ppid in parents.items():
            if ppid != parent or child in found:
                continue
            try:
                cmdline = (Path("/proc") / str(child) / "cmdline").read_bytes()
            except OSError:
                continue
            found[child] = (ppid, cmdline.replace(b"\0", b" ").decode(errors="replace"))
            frontier.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Browser:
    """A person with cookies, as far as urllib goes."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(self.base + path, data=body))

    def _open(self, request: urllib.request.Request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.geturl(), exc.read().decode(errors="replace")


def wait_until_up(browser: Browser, server: subprocess.Popen, log: Path) -> tuple[int, str]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"serve exited with {server.returncode}:\n{log.read_text()}")
        try:
            status, _url, page = browser.get("/login/")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
            continue
        return status, page
    pytest.fail(f"the server did not answer within 30 s:\n{log.read_text()}")


def test_migrate_collectstatic_demo_and_serve_until_interrupted(tmp_path):
    var_dir = tmp_path / "var"
    env = clean_environment(
        var_dir,
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{var_dir / 'supportdesk.sqlite3'}",
    )

    for command in (
        ["migrate", "--noinput", "--verbosity", "0"],
        ["createcachetable"],
        ["collectstatic", "--noinput", "--verbosity", "0"],
    ):
        # collectstatic compresses every file with gzip and Brotli: slow on a busy machine.
        result = supportdesk(*command, env=env, cwd=tmp_path, timeout=300)
        assert result.returncode == 0, (command, result.stderr)
    assert (var_dir / "static" / "staticfiles.json").exists()

    demo = supportdesk("demo", "--if-empty", env=env, cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    password = re.search(r"Demo logins \(password: (\S+)\):", demo.stdout)
    logins = re.findall(r"^\s+(\S+@\S+)\s", demo.stdout, flags=re.MULTILINE)
    assert password and "admin@demo.test" in logins, demo.stdout

    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "supportdesk", "serve", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C of the test run does not reach it
        )
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        status, page = wait_until_up(browser, server, log)
        assert status == 200, f"{page[-2000:]}\n{log.read_text()}"
        assert 'name="username"' in page and 'name="password"' in page
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert csrf

        children = descendants(server.pid)
        direct = [cmd for ppid, cmd in children.values() if ppid == server.pid]
        assert len(direct) == 2, children
        assert any("gunicorn" in cmd for cmd in direct), children
        assert any("run_huey" in cmd for cmd in direct), children
        assert len(children) > 2, children  # and gunicorn's web workers below it

        status, _url, docs = browser.get("/api/v1/docs")
        assert status == 200
        bundle = re.search(r'src="(/static/ninja/swagger-ui-bundle[^"]*\.js)"', docs)
        assert bundle, docs
        assert browser.get(bundle.group(1))[0] == 200
        assert browser.get("/static/supportdesk/site.css")[0] == 200

        customer = next(login for login in logins if login.endswith(".example"))
        status, _url, _page = browser.post(
            "/login/",
            {
                "csrfmiddlewaretoken": csrf.group(1),
                "username": customer,
                "password": password.group(1),
                "next": "/tickets/",
            },
        )
        assert status == 200, _page[-2000:]
        status, url, tickets = browser.get("/tickets/")
        assert (status, url) == (200, browser.base + "/tickets/"), tickets[-2000:]
        assert re.search(r"SD-\d+", tickets), tickets[-2000:]
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGINT)
        try:
            returncode = server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
            pytest.fail(f"serve did not stop within 15 s of SIGINT:\n{log.read_text()}")
    assert returncode == 0, log.read_text()
    assert "Supportdesk stopped." in log.read_text()
    still_running = {pid: cmd for pid, (_ppid, cmd) in children.items() if alive(pid)}
    assert still_running == {}
