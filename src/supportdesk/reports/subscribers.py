"""What reports does when a ticket event happens (after the commit)."""

from __future__ import annotations

from supportdesk.core.dispatch import subscriber
from supportdesk.reports import figures
from supportdesk.tickets.delivery import once
from supportdesk.tickets.models import Event


@subscriber(*figures.verbs(), durable="reports.figures")
def keep_figures(event: Event) -> None:
    """R3–R5: the dashboard's figures follow the ticket (``reports.figures.apply``).

    Recorded once per event; applying is idempotent besides (a ticket's figures are
    recomputed from its row and only the difference is added), so a retry adds nothing.
    """
    once(event.pk, "reports.figures", lambda e: figures.apply([e.ticket_id]))
