"""Mail to customers follows the events of their tickets (after commit, from the queue)."""

from __future__ import annotations

from supportdesk.core.dispatch import subscriber
from supportdesk.tickets.events import Verb
from supportdesk.tickets.models import Event


@subscriber(
    Verb.CREATED,
    Verb.REPLIED,
    Verb.ASSIGNED,
    Verb.WAITING,
    Verb.RESOLVED,
    Verb.CLOSED,
    Verb.REOPENED,
    durable="mail.customers",
    many=True,
)
def tell_customers(events: list[Event]) -> None:
    """Acknowledgements, consultants' replies and the desk's changes of status (R1, R9)."""
    from supportdesk.mail.tasks import notify_customers

    notify_customers(*[event.pk for event in events])
