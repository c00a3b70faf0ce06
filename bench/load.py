"""A real server under 50 simulated people: requests/s, latency percentiles and errors.

Run (PostgreSQL, Redis on loopback; the first run fills 100,000 tickets with
bench/_data.py, about two minutes; then about three minutes a run):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load \\
    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/load.py [--workers 4] [--seconds 20]

Starts ``supportdesk serve --no-worker`` (gunicorn, uvicorn workers, ``WEB_THREADS``
threads each) on a free loopback port with DEBUG off, logs the people in by writing their
sessions (the bench people have no passwords), warms every process up, and drives it with
an asyncio ``httpx`` client, in three phases:

1. *ceiling*: every simulated consultant requests a bare logged-in view (the notification
   badge: session, user, one count) with no pause: the most the server can answer;
2. *saturated*: the realistic mix below with no pause: the most it answers of real pages;
3. *people*: the same mix with think time (1–3 s between requests), as 50 people use it:
   the latency they see. Each person's first request comes after a pause of 0–3 s, as
   people arrive at their own moments (all fifty in the same millisecond made a burst
   whose queue was most of the phase's tail).

The mix: two thirds customers (their ticket list, three of their tickets), one third
consultants (the board, a ticket's workspace, a search, the API's queue). Every response
must be 200 or it counts as an error (the lines name the page and the failure).

Each phase also prints the CPU the web processes and the database's backends spent per
request (read from /proc), and the simulated people's own (the driver shares the cores):
on a machine busy with other work, requests/s and latencies are inflated, but CPU per
request still compares the mix with the bare view (the last lines). Each phase of the mix
lists its pages with their median and p95 and the share of the answering time they took.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if sys.path and Path(sys.path[0] or ".").resolve() == HERE:
    del sys.path[0]  # bench/queue.py would shadow the standard library's queue
sys.path.append(str(HERE))

USERS = 50
THINK = (1.0, 3.0)


@dataclass
class Person:
    cookie: str
    paths: list[str]


def page_of(path: str) -> str:
    """The kind of page a path of the mix is, for the per-page lines."""
    for prefix, name in (
        ("/console/notifications/badge/", "bare view (badge)"),
        ("/console/tickets/", "staff ticket workspace"),
        ("/console/search/", "staff search"),
        ("/console/", "console board"),
        ("/api/", "API queue"),
        ("/tickets/SD-", "customer ticket page"),
        ("/tickets/", "customer ticket list"),
    ):
        if path.startswith(prefix):
            return name
    return path


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    errors: int = 0
    began: float = 0.0
    ended: float = 0.0
    pages: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)

    def rate(self) -> float:
        return len(self.times) / max(self.ended - self.began, 1e-9)

    def cpu_line(self) -> str:
        n = max(len(self.times), 1)
        return "   CPU per request: " + ", ".join(
            f"{name} {seconds * 1000 / n:.1f} ms" for name, seconds in self.cpu.items()
        )

    def page_lines(self) -> list[str]:
        lines = []
        for name, times in sorted(self.pages.items(), key=lambda kv: -sum(kv[1])):
            share = sum(times) / max(sum(self.times), 1e-9)
            p95 = statistics.quantiles(times, n=20)[18] if len(times) > 1 else times[0]
            lines.append(
                f"   {name:<26} {len(times):5} requests  median {statistics.median(times):7.1f} ms"
                f"  p95 {p95:7.1f} ms  {share:4.0%} of the time answered"
            )
        return lines

    def line(self, label: str) -> str:
        n = len(self.times)
        seconds = max(self.ended - self.began, 1e-9)
        if not n:
            return f"{label}: no responses, {self.errors} errors"
        q = statistics.quantiles(self.times, n=100) if n > 1 else [self.times[0]] * 99
        return (
            f"{label:<34} {n / seconds:7.1f} requests/s   p50 {q[49]:6.1f} ms"
            f"   p95 {q[94]:6.1f} ms   p99 {q[98]:6.1f} ms   {self.errors} errors ({n} requests)"
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def people(n: int) -> list[Person]:
    """Sessions for ``n`` bench people, customers and consultants mixed."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    from supportdesk.accounts.models import Role, User
    from supportdesk.commitments.queue import in_queue_order
    from supportdesk.tickets.models import Ticket

    customers = list(User.objects.filter(role=Role.CUSTOMER, email__startswith="user@bench"))
    consultants = list(User.objects.filter(role=Role.CONSULTANT, email__endswith="@bench.example"))
    heads = [t.number for t in in_queue_order(Ticket.objects.all())[:200]]
    words = ["ticket", "bench", "123457", "customer 004", "4711"]
    made = []
    rng = random.Random(2026)
    for k in range(n):
        customer = k % 3 != 2  # two in three
        user = customers[k % len(customers)] if customer else consultants[k % len(consultants)]
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session["last_seen"] = int(time.time())
        session.create()
        if customer:
            own = Ticket.objects.filter(organisation_id=user.organisation_id).order_by("-pk")[:3]
            paths = ["/tickets/"] + [f"/tickets/{t.number}/" for t in own]
        else:
            paths = [
                "/console/",
                f"/console/tickets/{rng.choice(heads)}/",
                f"/console/search/?q={rng.choice(words)}",
                "/api/v1/tickets?order=queue&limit=50",
            ]
        made.append(Person(cookie=session.session_key or "", paths=paths))
    return made


async def drive(
    base: str, crowd: list[Person], seconds: float, *, bare: bool, think: bool
) -> Tally:
    import httpx

    tally = Tally()
    badge = "/console/notifications/badge/"

    async def one(person: Person, client: httpx.AsyncClient, stop: float) -> None:
        rng = random.Random(person.cookie)
        headers = {"Cookie": f"sessionid={person.cookie}"}
        if think:
            # People arrive at their own moments, as in a working day, not all in the
            # same millisecond: each begins as if in the middle of a pause.
            await asyncio.sleep(rng.uniform(0, THINK[1]))
        while time.perf_counter() < stop:
            path = badge if bare else rng.choice(person.paths)
            began = time.perf_counter()
            try:
                response = await client.get(path, headers=headers)
                ok = response.status_code == 200
                reason = f"{response.status_code} on {page_of(path)}"
            except httpx.HTTPError as exc:
                ok = False
                reason = f"{type(exc).__name__} on {page_of(path)}"
            if ok:
                took = (time.perf_counter() - began) * 1000
                tally.times.append(took)
                tally.pages.setdefault(page_of(path), []).append(took)
            else:
                tally.errors += 1
                tally.reasons[reason] = tally.reasons.get(reason, 0) + 1
            if think:
                await asyncio.sleep(rng.uniform(*THINK))

    if bare:  # only staff may read the badge
        crowd = [p for p in crowd if p.paths[0] == "/console/"] or crowd
    # One client, one keep-alive connection per person at most. An idle connection is
    # dropped after 2 s, before the server's keep-alive (HTTP_HEADER_TIMEOUT) ends it: a
    # request sent on a connection the server is closing fails.
    limits = httpx.Limits(
        max_connections=len(crowd), max_keepalive_connections=len(crowd), keepalive_expiry=2
    )
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        tally.began = time.perf_counter()
        stop = tally.began + seconds
        try:
            await asyncio.gather(*(one(p, client, stop) for p in crowd))
        finally:
            tally.ended = time.perf_counter()
    return tally


def _process_tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    found, frontier = [root], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process still running."""
    tick = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / tick
    return seconds


class CpuMeter:
    """CPU the web server and the database's backends spend, read from /proc.

    On a machine shared with other work, requests/s and latencies say little; CPU per
    request still compares the bare view with the mix (the database's share is read only
    when PostgreSQL runs on this machine).
    """

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid

    def _database_pids(self) -> list[int]:
        from django.db import connection

        if connection.vendor != "postgresql":
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return [row[0] for row in cursor.fetchall()]

    def snapshot(self) -> tuple[dict[int, float], dict[int, float]]:
        return (
            _cpu_seconds(_process_tree(self.server_pid)),
            _cpu_seconds(self._database_pids()),
        )

    @staticmethod
    def spent(before: dict[int, float], after: dict[int, float]) -> float:
        return sum(value - before.get(pid, 0.0) for pid, value in after.items())

    def measure(self, tally: Tally, before: tuple[dict[int, float], dict[int, float]]) -> None:
        after = self.snapshot()
        tally.cpu = {
            "web": self.spent(before[0], after[0]),
            "database": self.spent(before[1], after[1]),
        }

    def connections(self) -> int:
        return len(self._database_pids())


def wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode})")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not answer /healthz within a minute")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--tickets", type=int, default=100_000, help="tickets in the database")
    args = parser.parse_args()

    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
    os.environ.setdefault("SECRET_KEY", "bench-load-secret-key-not-for-production-use-0123456789")
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    var = tempfile.mkdtemp(prefix="supportdesk-load-")
    os.environ["SUPPORTDESK_VAR"] = var
    from _data import fill, setup

    setup()
    fill(args.tickets)
    import logging

    from django.core.management import call_command

    logging.getLogger("httpx").setLevel(logging.WARNING)

    call_command("collectstatic", interactive=False, verbosity=0)
    crowd = people(args.users)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(Path(sys.executable).with_name("supportdesk")), "serve", "--no-worker"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--web-workers", str(args.workers)]
    server = subprocess.Popen(
        command,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_ready(base, server)
        customers = sum(1 for p in crowd if p.paths[0] == "/tickets/")
        print(
            f"load bench: {args.users} people ({customers} customers,"
            f" {args.users - customers} consultants), {args.workers} web workers,"
            f" {args.seconds:.0f} s per phase"
        )
        meter = CpuMeter(server.pid)
        # Every process loads its code and templates on first use: not what is measured.
        asyncio.run(drive(base, crowd, min(args.seconds, 5), bare=False, think=False))
        asyncio.run(drive(base, crowd, min(args.seconds, 3), bare=True, think=False))
        phases = (
            ("ceiling: bare logged-in view", True, False),
            ("saturated: the mix, no pause", False, False),
            ("people: the mix, 1–3 s think time", False, True),
        )
        tallies = []
        for label, bare, think in phases:
            before = meter.snapshot()
            driving = time.process_time()
            tally = asyncio.run(drive(base, crowd, args.seconds, bare=bare, think=think))
            meter.measure(tally, before)
            # The simulated people's own CPU: on a 2-core machine they share the cores.
            tally.cpu["driver"] = time.process_time() - driving
            tallies.append(tally)
            print(tally.line(label))
            if tally.reasons:
                print("   errors: " + ", ".join(f"{n} × {r}" for r, n in tally.reasons.items()))
            print(tally.cpu_line())
            if not bare:
                print("\n".join(tally.page_lines()))
        ceiling, saturated, _paced = tallies
        ratio = saturated.rate() / max(ceiling.rate(), 1e-9)
        print(f"saturated throughput / bare ceiling: {ratio:.0%}")
        # The same comparison by the CPU each request cost (web, database, driver): what
        # the throughput ratio tends to when nothing else shares the cores.
        per = [sum(t.cpu.values()) / max(len(t.times), 1) for t in (ceiling, saturated)]
        print(f"CPU per request, bare view / mix: {per[0] / max(per[1], 1e-9):.0%}")
        print(
            f"database connections held by the server: {meter.connections()}"
            f" (at most {args.workers} workers × WEB_THREADS)"
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
