"""What reports does when a ticket event happens (after the commit, from the queue)."""

from __future__ import annotations

from supportdesk.core.dispatch import subscriber
from supportdesk.reports import figures
from supportdesk.tickets.models import Event


@subscriber(*figures.verbs(), durable="reports.figures", many=True)
def keep_figures(events: list[Event]) -> None:
    """R3–R5: the dashboard's figures follow the ticket (``reports.tasks.keep_figures``).

    The worker applies them, so an action or an incoming mail does not wait for the
    figures; the dashboard is as fresh as the queue (normally within seconds).
    """
    from supportdesk.reports.tasks import keep_figures as apply_later

    apply_later(*[event.pk for event in events])
