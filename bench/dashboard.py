"""The commitments dashboard (R3, R4, R5) over 1,000,000 tickets, against a bare count.

Run (PostgreSQL; the database is created, migrated and filled if need be):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_reports \\
    DJANGO_SETTINGS_MODULE=supportdesk.settings DEBUG=true .venv/bin/python bench/dashboard.py [N]

Times the whole page — ``GET /reports/commitments/?refresh=1`` through Django's test client
as a dispatcher, rebuilt (not from the shared cache): every query, the charts and the
template — median of 5, with its query count; the report's queries alone, read from the
kept figures (``reports.figures``); the same report computed from the tickets, once, for
comparison; beside ``SELECT count(*)`` of the tickets registered in the dashboard's 52
weeks (an index-only scan; all of them here: the bench tickets span the last year).
The fill ends with ``supportdesk report rebuild``, whose time it prints.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

# bench/ holds queue.py, which would shadow the standard library's `queue` (imported by
# concurrent.futures) while the folder is first on sys.path. Move it to the end.
HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == HERE:
    del sys.path[0]
sys.path.append(str(HERE))

from _data import analyze, fill, median_ms, setup  # noqa: E402

REPEATS = 5


def main(n: int) -> None:
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from supportdesk.accounts.models import Role, User
    from supportdesk.commitments.kpi import period_bounds
    from supportdesk.core import clock
    from supportdesk.reports.selectors import Periods
    from supportdesk.reports.tables import commitments_report

    total = fill(n)
    analyze()
    viewer, _ = User.objects.get_or_create(
        email="dispatcher@bench.example",
        defaults={"role": Role.DISPATCHER, "organisation": None, "name": "Bench dispatcher"},
    )
    client = Client()
    client.force_login(viewer)

    def page(path: str = "/reports/commitments/?refresh=1") -> int:
        # ?refresh=1 rebuilds the figures: the cold cost, which every minute's first
        # visitor pays; without it the page is the cached snapshot.
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        return len(response.content)

    def cached_page() -> int:
        return page("/reports/commitments/")

    now = clock.now()
    start, end = Periods(timezone.localdate(now)).trend
    lo, hi = (connection.ops.adapt_datetimefield_value(b) for b in period_bounds(start, end))

    def reference() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM tickets_ticket WHERE registered_at >= %s"
                " AND registered_at < %s",
                [lo, hi],
            )
            return int(cursor.fetchone()[0])

    page()  # the first request after log-in writes the session
    with CaptureQueriesContext(connection) as page_queries:
        size = page()
    with CaptureQueriesContext(connection) as report_queries:
        commitments_report(now=clock.now())
    page_ms = median_ms(page, REPEATS)
    with CaptureQueriesContext(connection) as cached_queries:
        cached_page()
    cached_ms = median_ms(cached_page, REPEATS)
    report_ms = median_ms(lambda: commitments_report(now=clock.now()), REPEATS)
    reference_ms = median_ms(reference, REPEATS)
    with CaptureQueriesContext(connection) as scratch_queries:
        began = time.perf_counter()
        commitments_report(now=clock.now(), kept=False)
        scratch_ms = (time.perf_counter() - began) * 1000

    print(
        f"dashboard bench on {connection.vendor}: {total:,} tickets;"
        f" {start} – {end}: {reference():,} registered in the dashboard's 52 weeks"
    )
    print(
        f"GET /reports/commitments/?refresh=1 (rebuilt, no cache), median of {REPEATS}:"
        f" {page_ms:8.1f} ms in {len(page_queries)} queries ({size / 1024:.0f} KiB of HTML)"
    )
    print(
        f"GET /reports/commitments/ within the cache's {settings.REPORTS_CACHE_SECONDS} s,"
        f" median of {REPEATS}: {cached_ms:8.1f} ms in {len(cached_queries)} queries"
    )
    print(
        f"  of which the report's {len(report_queries)} queries,"
        f" median of {REPEATS}: {report_ms:8.1f} ms"
    )
    for query in report_queries.captured_queries:
        print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:90]}…")
    print(
        f"the same report computed from the tickets (kept=False), once: {scratch_ms:8.1f} ms"
        f" in {len(scratch_queries)} queries"
    )
    print(
        f"reference: SELECT count(*) over the 52 weeks, median of {REPEATS}: {reference_ms:8.1f} ms"
    )
    print(f"ratio page / reference: {page_ms / reference_ms:.1f} x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
