"""Every page of issue 14's table over 1,000,000 tickets: queries and median server time.

Run (PostgreSQL; the database is created, migrated and filled if need be):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale \\
    DJANGO_SETTINGS_MODULE=supportdesk.settings .venv/bin/python bench/scale.py [N]

The production configuration is measured: ``DEBUG`` off (no debug cursor, templates
without debug information, static files from their manifest, collected into a temporary
folder) unless ``DEBUG`` is set; queries are still counted (``CaptureQueriesContext``).
Each page is requested through Django's test client — middleware, session, queries,
template: the whole server side — once to warm up, then 15 times; the median is printed
with the page's query count and its goal, beside two references timed right before it:
an index-only query (``SELECT id FROM tickets_ticket ORDER BY id LIMIT 50``, median of
15; the database's pace) and a bare logged-in view through the same client (the
notification badge: middleware, session, user and a one-line template, the framework's
own cost), with the page's ratio to each, so a slower or busier machine shows as slower
references; beside the wall time, the CPU time the request took in this process (Python:
view, template, ORM; the database's own work is the difference, with any wait for a core).
``SCALE_ONLY="console board,search"`` runs only the pages whose label says so;
``SCALE_QUERIES=1`` (or a width: ``=5000``) lists each page's queries with their times;
``SCALE_PROFILE=1`` prints where each page's CPU time goes (cProfile on process time:
waits on the database excluded; own time, then cumulative time of the project's code).
Templates are compiled once (Django's cached loader, also with ``DEBUG=true``).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# bench/ holds queue.py, which would shadow the standard library's `queue` (imported by
# concurrent.futures) while the folder is first on sys.path. Move it to the end.
HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == HERE:
    del sys.path[0]
sys.path.append(str(HERE))

from _data import analyze, fill, median_ms, setup  # noqa: E402

REPEATS = 15
DEEP = 20_000


def main(n: int) -> None:
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-scale-secret-key-not-for-production-use-0123456789")
    os.environ.setdefault("SUPPORTDESK_VAR", tempfile.mkdtemp(prefix="supportdesk-scale-"))
    setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from supportdesk.accounts.models import Organisation, Role, User
    from supportdesk.commitments.queue import in_queue_order, queue_cursor
    from supportdesk.tickets.models import Ticket

    total = fill(n)
    call_command("createcachetable", verbosity=0)
    if not settings.DEBUG:  # pages name their static files through the manifest
        call_command("collectstatic", interactive=False, verbosity=0)
    analyze()
    dispatcher, _ = User.objects.get_or_create(
        email="dispatcher@bench.example",
        defaults={"role": Role.DISPATCHER, "organisation": None, "name": "Bench dispatcher"},
    )
    # The largest customer: about 15 % of all tickets (bench/_data.py sizes them so).
    largest = Organisation.objects.get(name="Bench customer 000 AB")
    customer = User.objects.get(email="user@bench000.example")
    org_tickets = Ticket.objects.filter(organisation=largest).count()
    head = in_queue_order(Ticket.objects.all()).first()
    own = Ticket.objects.filter(organisation=largest).order_by("-pk").first()
    assert head is not None and own is not None
    depth = min(DEEP, total // 10)  # a small trial database has fewer open tickets
    deep = in_queue_order(Ticket.objects.all())[depth - 1 : depth].get()
    rare = str(Ticket.objects.order_by("pk")[total // 2 : total // 2 + 1].get().pk * 10 + 7)

    staff, portal = Client(), Client()
    staff.force_login(dispatcher)
    portal.force_login(customer)
    pages = [
        ("console board, first page", staff, "/console/", "≤ 20 ms"),
        ("staff ticket workspace", staff, f"/console/tickets/{head.number}/", "≤ 20 ms, ≤ 15 q"),
        ("customer ticket page", portal, f"/tickets/{own.number}/", "≤ 10 ms"),
        (
            f"customer list, organisation with {org_tickets:,} tickets",
            portal,
            "/tickets/",
            "≤ 20 ms",
        ),
        ("search, rare word", staff, f"/console/search/?q={rare}", "≤ 50 ms"),
        ("search, common word", staff, "/console/search/?q=ticket", "≤ 100 ms"),
        (
            f"API list, queue order, cursor {depth:,} deep",
            staff,
            f"/api/v1/tickets?order=queue&cursor={queue_cursor(deep)}",
            "≤ 10 ms",
        ),
        ("commitments dashboard, rebuilt", staff, "/reports/commitments/?refresh=1", "≤ 300 ms"),
    ]

    def reference() -> object:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM tickets_ticket ORDER BY id LIMIT 50")
            return cursor.fetchall()

    def getter(client: Client, path: str) -> Callable[[], int]:
        def get() -> int:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return len(response.content)

        return get

    bare = getter(staff, "/console/notifications/badge/")
    mode = "DEBUG on" if settings.DEBUG else "DEBUG off"
    print(f"scale bench on {connection.vendor} ({mode}): {total:,} tickets, median of {REPEATS}")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        "| page | queries | server time | of it CPU | reference query (ratio)"
        " | bare view, of it CPU (ratio) | goal |"
    )
    print("|---|---|---|---|---|---|---|")
    references, bares = [], []
    only = os.environ.get("SCALE_ONLY")  # e.g. "board,search": the pages whose label says so
    for label, client, path, goal in pages:
        if only and not any(word in label for word in only.split(",")):
            continue
        get = getter(client, path)
        get()  # warm: the first request after log-in settles the session
        connection.queries_log.clear()  # a full log would count nothing
        with CaptureQueriesContext(connection) as capture:
            get()
        # Read now: every request through the client clears the connection's log.
        queries = list(capture.captured_queries)
        # The references right before the page: a busy machine slows them alike.
        ref = median_ms(reference, REPEATS)
        references.append(ref)
        bare_ms, bare_cpu = timed(bare)
        bares.append(bare_ms)
        ms, cpu = timed(get)
        print(
            f"| {label} | {len(queries)} | {ms:,.1f} ms | {cpu:,.1f} ms"
            f" | {ref:.2f} ms ({ms / ref:,.0f} ×)"
            f" | {bare_ms:.1f} ms, {bare_cpu:.1f} ms ({ms / bare_ms:,.1f} ×) | {goal} |"
        )
        if os.environ.get("SCALE_PROFILE"):
            profile(get)
        if os.environ.get("SCALE_QUERIES"):
            shown = os.environ["SCALE_QUERIES"]
            width = int(shown) if shown.isdigit() and shown != "1" else 150
            for query in queries:
                print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:width]}")
    references.append(median_ms(reference, REPEATS))
    bares.append(timed(bare)[0])
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as capture:
        bare()
    print(
        f"references, median of {REPEATS} before each page:"
        f" SELECT id … ORDER BY id LIMIT 50 {min(references):.2f}–{max(references):.2f} ms;"
        f" bare logged-in view ({len(capture)} queries) {min(bares):.1f}–{max(bares):.1f} ms;"
        f" load average after: {os.getloadavg()[0]:.1f}"
    )


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (ms) of ``run``, after a
    warm-up: on a busy machine the wall time also counts waiting for a core."""
    run()
    wall, cpu = [], []
    for _ in range(REPEATS):
        began, began_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def profile(run: Callable[[], object]) -> None:
    """Where one request's time goes, by function (cumulative), 5 requests."""
    import cProfile
    import pstats

    profiler = cProfile.Profile(time.process_time)  # CPU time: waits on the database excluded
    profiler.enable()
    for _ in range(5):
        run()
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(20)
    stats.sort_stats("cumulative").print_stats(
        r"supportdesk|template/(defaulttags|loader_tags|library)|urls", 30
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
