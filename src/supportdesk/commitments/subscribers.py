"""What commitments does when a ticket event happens (after the commit)."""

from __future__ import annotations

from django.conf import settings

from supportdesk.core.dispatch import subscriber
from supportdesk.tickets.events import Verb
from supportdesk.tickets.models import Event


@subscriber(Verb.CREATED)
def offer_new_ticket(event: Event) -> None:
    """R3: with AUTO_ASSIGN on, a new ticket is offered to auto-assignment at once."""
    if settings.AUTO_ASSIGN:
        from supportdesk.commitments.tasks import offer_for_assignment

        offer_for_assignment(event.ticket_id)
