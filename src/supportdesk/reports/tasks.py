"""Reports tasks: the sweep that keeps the dashboard's figures (thin, DESIGN rule 6)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="*"))
@lock_task("reports-figures-sweep")
def figures_sweep() -> dict[str, int]:
    """Deadlines that passed since the last sweep become missed in the figures (R3, R5)."""
    from supportdesk.reports.figures import sweep

    return sweep()
