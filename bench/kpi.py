"""Attainment (R3, R5) for a quarter over 1,000,000 tickets, against a bare count.

Run (PostgreSQL; the database is created, migrated and filled if need be):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_commit \\
    DJANGO_SETTINGS_MODULE=supportdesk.settings DEBUG=true .venv/bin/python bench/kpi.py [N]

Times ``attainment()`` for the last complete calendar quarter (about a quarter of the
tickets: they are registered over the last year), median of 5, with its query count,
beside ``SELECT count(*)`` of the tickets registered in the same period.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

# bench/ holds queue.py, which would shadow the standard library's `queue` (imported by
# concurrent.futures) while the folder is first on sys.path. Move it to the end.
HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == HERE:
    del sys.path[0]
sys.path.append(str(HERE))

from _data import analyze, fill, median_ms, setup  # noqa: E402

REPEATS = 5


def last_complete_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((today.month - 1) // 3) + 1  # first month of this quarter
    this_quarter = dt.date(today.year, first_month, 1)
    end = this_quarter - dt.timedelta(days=1)
    return dt.date(end.year, end.month - 2, 1), end


def main(n: int) -> None:
    setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from supportdesk.commitments.kpi import attainment, period_bounds

    total = fill(n)
    analyze()
    start, end = last_complete_quarter(timezone.localdate())
    # As the ORM would pass them: SQLite compares datetimes as UTC text.
    lo, hi = (connection.ops.adapt_datetimefield_value(b) for b in period_bounds(start, end))

    def reference():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM tickets_ticket WHERE registered_at >= %s"
                " AND registered_at < %s",
                [lo, hi],
            )
            return cursor.fetchone()[0]

    with CaptureQueriesContext(connection) as queries:
        result = attainment(start, end)
    kpi_ms = median_ms(lambda: attainment(start, end), REPEATS)
    reference_ms = median_ms(reference, REPEATS)

    print(
        f"kpi bench on {connection.vendor}: {total:,} tickets;"
        f" {start} – {end}: {result['registered']:,} registered ({reference():,} counted)"
    )
    for name in ("assignment", "same_day", "resolution"):
        entry = result[name]
        print(
            f"  {name:<10} met {entry['met']:>7,}  missed {entry['missed']:>7,}"
            f"  pending {entry['pending']:>6,}  share {entry['share']}"
            f"  median {entry.get('median_working_hours', '—')} h"
        )
    print(f"attainment(), median of {REPEATS}: {kpi_ms:8.1f} ms in {len(queries)} queries")
    for query in queries.captured_queries:  # of the first, cold, call
        print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:90]}…")
    print(
        f"reference: SELECT count(*) over the period, median of {REPEATS}: {reference_ms:8.1f} ms"
    )
    print(f"ratio attainment / reference: {kpi_ms / reference_ms:.1f} x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
