"""Reports tasks: the sweep that keeps the dashboard's figures (thin, DESIGN rule 6)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task


@db_periodic_task(crontab(minute="*"))
@lock_task("reports-figures-sweep")
def figures_sweep() -> dict[str, int]:
    """Deadlines that passed since the last sweep become missed in the figures (R3, R5)."""
    from supportdesk.reports.figures import sweep

    return sweep()


@db_task(retries=3, retry_delay=30)
def keep_figures(*event_ids: int) -> None:
    """Apply ticket events to the dashboard's figures, once per event (R3–R5), each
    ticket once for a batch.

    Recorded once per event; applying is idempotent besides (a ticket's figures are
    recomputed from its row and only the difference is added), so a retry adds nothing.
    """
    from supportdesk.reports import figures
    from supportdesk.tickets.delivery import once_together

    once_together(
        event_ids, "reports.figures", lambda events: figures.apply(e.ticket_id for e in events)
    )
