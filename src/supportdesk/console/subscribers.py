"""Staff notifications follow the ticket events (after commit, from the queue)."""

from __future__ import annotations

from supportdesk.core.dispatch import subscriber
from supportdesk.tickets.events import Verb
from supportdesk.tickets.models import Event


@subscriber(Verb.CREATED, Verb.ASSIGNED, Verb.REPLIED, durable="console.staff", many=True)
def tell_staff(events: list[Event]) -> None:
    """A new ticket, an assignment, a customer's reply: the people concerned hear of it."""
    from supportdesk.console.tasks import notify_staff

    notify_staff(*[event.pk for event in events])


@subscriber(Verb.NOTED, durable="console.mentions")
def tell_mentioned(event: Event) -> None:
    """``@name`` in an internal note: the colleague named hears of it."""
    from supportdesk.console.tasks import notify_mentions

    notify_mentions(event.pk)
