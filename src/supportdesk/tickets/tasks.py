"""Ticket tasks: the catch-up of events whose durable subscribers missed them."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="*"))
@lock_task("events-catch-up")
def events_catch_up() -> int:
    """Nothing a ticket event means is lost when a process stops right after a commit."""
    from supportdesk.tickets.delivery import catch_up

    return catch_up()
