"""``supportdesk serve``: the web server and the background worker, together.

Runs gunicorn with uvicorn workers (ASGI; request bodies read by the event loop, with
header and body timeouts; static files by WhiteNoise) and the Huey consumer as child processes in
the foreground; Ctrl-C (or SIGTERM) stops both cleanly.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand


def _keep_alive_seconds() -> int:
    value = os.environ.get("HTTP_HEADER_TIMEOUT", "") or "10"
    try:
        return max(1, round(float(value)))
    except ValueError:
        raise SystemExit(f"HTTP_HEADER_TIMEOUT={value!r} is not a number of seconds") from None


class Command(BaseCommand):
    help = "Run the web server and the background worker until interrupted."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--web-workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2"))
        )
        parser.add_argument("--no-worker", action="store_true", help="run the web server only")

    def handle(self, *args: Any, **options: Any) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "supportdesk.settings"
            ),
        }
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "supportdesk.asgi:application",
            # uvicorn's event loop in each process: slow clients hold sockets, not workers.
            "--worker-class",
            "supportdesk.server.Worker",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["web_workers"]),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "5",
            # An idle kept-alive connection stays open as long as a client may take to send
            # a request's headers (gunicorn's 2 s default made clients that paused a few
            # seconds, and load balancers, send requests into connections being closed).
            "--keep-alive",
            str(_keep_alive_seconds()),
        ]
        worker = [sys.executable, "-m", "supportdesk", "run_huey"]
        children = [subprocess.Popen(web, env=env)]  # noqa: S603
        if not options["no_worker"]:
            children.append(subprocess.Popen(worker, env=env))  # noqa: S603
        self.stdout.write(
            f"Supportdesk is running on http://{options['host']}:{options['port']}/ "
            "(Ctrl-C stops it)"
        )
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.3)
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
        failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, None)]
        if failed and not stopping:
            raise SystemExit(f"a process stopped unexpectedly (exit {failed[0].returncode})")
        self.stdout.write("Supportdesk stopped.")
