"""Ticket tasks: thin, they take ids and call actions (DESIGN rule 6)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(retries=3, retry_delay=10)
def ticket_created(ticket_id: int) -> None:
    """After a ticket is registered with AUTO_ASSIGN on: offer it to auto-assignment (R3)."""
    from supportdesk.commitments.assignment import auto_assign

    auto_assign(ticket_id=ticket_id)
