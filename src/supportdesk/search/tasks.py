"""Search tasks: thin, they take ids (DESIGN rule 6)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(retries=3, retry_delay=30)
def index_ticket(*ticket_ids: int) -> None:
    """Bring the tickets' rows of the SQLite full-text index up to date."""
    from supportdesk.search.backends import index_tickets

    index_tickets(ticket_ids)
