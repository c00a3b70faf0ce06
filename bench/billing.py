"""Drafting one organisation's month: 500 tickets, 5,000 time entries, with half a year billed.

Run (the database is created and migrated if need be; the data is rolled back after):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helper_billing \\
    DJANGO_SETTINGS_MODULE=supportdesk.settings DEBUG=true .venv/bin/python bench/billing.py

Times ``compute_statement`` (the lines of a draft, what ``billing close`` does per
organisation) for a month of 2,500 entries on 500 tickets whose earlier months are on
issued statements, median of 5, and counts its queries: the figure printed is the
milliseconds per draft, with the query count beside it (fixed, whatever the volume).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

# bench/queue.py would shadow the standard library's `queue` while this folder is first on
# sys.path: move it to the end, where _data is still found.
HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == HERE:
    del sys.path[0]
sys.path.append(str(HERE))

from _data import median_ms, setup  # noqa: E402

TICKETS = 500
ENTRIES_PER_MONTH = 2500
REPEATS = 5


def main() -> None:
    setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from supportdesk.accounts.models import Agreement, Organisation, Role, User
    from supportdesk.billing import actions
    from supportdesk.billing.compute import compute_statement
    from supportdesk.billing.models import TimeEntry
    from supportdesk.tickets.models import Channel, Kind, Ticket

    kinds = [Kind.HOW_TO, Kind.CONFIGURATION, Kind.BUG, Kind.INFRASTRUCTURE, Kind.BUG_FIX]
    with transaction.atomic():
        org = Organisation.objects.create(name="Bench billing AB")
        Agreement.objects.create(
            organisation=org, valid_from=dt.date(2027, 2, 10), valid_to=dt.date(2027, 3, 20)
        )
        consultant = User.objects.create(
            email="bench-billing@partner.example", role=Role.CONSULTANT
        )
        biller = User.objects.create(
            email="bench-biller@partner.example", role=Role.BUSINESS_CONSULTANT
        )
        tickets = Ticket.objects.bulk_create(
            Ticket(
                organisation=org,
                channel=Channel.PORTAL,
                subject=f"Bench {k}",
                kind=kinds[k % len(kinds)],
                reply_token=f"bench-billing-{k}",
            )
            for k in range(TICKETS)
        )
        february, march = dt.date(2027, 2, 1), dt.date(2027, 3, 1)
        for month in (february, march):
            TimeEntry.objects.bulk_create(
                TimeEntry(
                    ticket=tickets[k % TICKETS],
                    consultant=consultant,
                    date=month.replace(day=1 + k % 28),
                    minutes=5 + (k * 7) % 90,
                    description="Bench work",
                )
                for k in range(ENTRIES_PER_MONTH)
            )
        draft = actions.statement_draft(organisation=org, month=february, actor=biller)
        assert draft is not None
        actions.statement_issue(statement=draft, actor=biller)

        def draft_march():
            computed = compute_statement(org, march)
            assert len(computed.lines) >= ENTRIES_PER_MONTH
            return computed

        ms = median_ms(draft_march, REPEATS)
        with CaptureQueriesContext(connection) as queries:
            computed = draft_march()
        print(
            f"{connection.vendor}: draft of {ENTRIES_PER_MONTH:,} entries on {TICKETS} tickets "
            f"({len(computed.lines):,} lines, {computed.billed_minutes:,} min billed): "
            f"{ms:.0f} ms, {len(queries)} queries"
        )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
