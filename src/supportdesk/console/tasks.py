"""Console tasks: staff notifications mailed as each person prefers (DESIGN rule 6)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

if TYPE_CHECKING:
    from supportdesk.commitments.models import Notification
    from supportdesk.tickets.models import Event


@db_periodic_task(crontab(minute="*"))
@lock_task("staff-notifications-mail")
def staff_notifications_mail() -> int:
    """Mail the staff notifications the sweep recorded, as each person prefers."""
    from supportdesk.console.notify import deliver_pending

    return deliver_pending()


@db_task(retries=3, retry_delay=30)
def notify_staff(*event_ids: int) -> int:
    """Record the staff notifications the ticket events mean; returns how many."""
    from supportdesk.console.notify import dispatchers_once, for_event
    from supportdesk.tickets.delivery import once_each

    dispatchers = dispatchers_once()  # read at the batch's first new ticket, if any

    def work(event: Event) -> list[Notification]:
        return for_event(event, dispatchers=dispatchers)

    return sum(len(told) for told in once_each(event_ids, "console.staff", work))


@db_task(retries=3, retry_delay=30)
def notify_mentions(event_id: int) -> int:
    """Tell the staff @mentioned in the note of one event; returns how many were told."""
    from supportdesk.console.mentions import mentioned_in_event
    from supportdesk.tickets.delivery import once

    return len(once(event_id, "console.mentions", mentioned_in_event) or [])
