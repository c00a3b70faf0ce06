"""Commitment tasks: the deadline sweep and auto-assignment (R3, R4). Thin (DESIGN rule 6)."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task


@db_periodic_task(crontab(minute="*"))
@lock_task("commitments-sweep")
def commitments_sweep() -> tuple[int, int]:
    """R3: warn dispatchers before assignment deadlines and record breaches."""
    from supportdesk.commitments.actions import sweep

    return sweep()


@db_periodic_task(crontab(minute="*"))
@lock_task("auto-assign")
def auto_assign_queue() -> list[str]:
    """R3/R4: assign the head of the queue to the best qualified consultant, if enabled."""
    if not settings.AUTO_ASSIGN:
        return []
    from supportdesk.commitments.assignment import auto_assign

    return auto_assign()


@db_task(retries=3, retry_delay=10)
def offer_for_assignment(ticket_id: int) -> None:
    """A new ticket with AUTO_ASSIGN on: offer it to auto-assignment now (R3)."""
    from supportdesk.commitments.assignment import auto_assign

    auto_assign(ticket_id=ticket_id)
