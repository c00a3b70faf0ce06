"""The first page of the queue (R4) over 1,000,000 tickets, against a bare primary-key page.

Run (PostgreSQL; the database is created, migrated and filled if need be):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_commit \\
    DJANGO_SETTINGS_MODULE=supportdesk.settings DEBUG=true .venv/bin/python bench/queue.py [N]

Times the 50 first tickets of ``in_queue_order`` with the joins and prefetch of the API's
list (``GET /api/v1/tickets?order=queue``), median of 20, beside
``SELECT id FROM tickets_ticket ORDER BY id LIMIT 50`` in the same process; prints the plan
and checks that it reads the partial ``ticket_queue`` index.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is called queue.py and Python puts its folder first on sys.path, so the standard
# library's `queue` (imported by concurrent.futures) would resolve to this script. Move the
# folder to the end: _data is still found there.
HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == HERE:
    del sys.path[0]
sys.path.append(str(HERE))

from _data import analyze, fill, median_ms, setup  # noqa: E402

REPEATS = 20
PAGE = 50


def main(n: int) -> None:
    setup()
    from django.db import connection

    from supportdesk.commitments.queue import in_queue_order
    from supportdesk.tickets.models import Ticket

    total = fill(n)
    analyze()

    def first_page():
        # As list_tickets builds it for staff (tickets_for_user is all tickets for staff).
        queryset = in_queue_order(
            Ticket.objects.all()
            .select_related("organisation", "requester", "assignee")
            .prefetch_related("odoo_refs")
        )
        page = list(queryset[:PAGE])
        assert len(page) == PAGE
        return page

    def reference():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM tickets_ticket ORDER BY id LIMIT {PAGE}")
            return cursor.fetchall()

    joined = in_queue_order(
        Ticket.objects.all().select_related("organisation", "requester", "assignee")
    )[:PAGE]
    sql, params = joined.query.sql_with_params()

    def same_sql():
        # The page's main query without the ORM: database and driver time only.
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    queue_ms = median_ms(first_page, REPEATS)
    sql_ms = median_ms(same_sql, REPEATS)
    reference_ms = median_ms(reference, REPEATS)
    open_count = in_queue_order(Ticket.objects.all()).count()
    page = first_page()
    critical = sum(1 for t in page if t.queue_rank == 0)

    plan = joined.explain()
    print(f"queue bench on {connection.vendor}: {total:,} tickets, {open_count:,} open")
    print(plan)
    uses_index = "ticket_queue" in plan
    print(f"plan uses the ticket_queue index: {'yes' if uses_index else 'NO'}")
    print(
        f"first {PAGE} in queue order ({critical} critical), median of {REPEATS}:"
        f" {queue_ms:8.2f} ms"
    )
    print(f"  its main SQL alone, bare cursor (no ORM):  {sql_ms:8.2f} ms")
    print(
        f"reference: SELECT id … ORDER BY id LIMIT {PAGE}, median of {REPEATS}:"
        f" {reference_ms:8.2f} ms"
    )
    print(f"ratio queue / reference: {queue_ms / reference_ms:.1f} x")
    if connection.vendor == "postgresql":
        assert uses_index, "the queue page does not read the ticket_queue index"


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
