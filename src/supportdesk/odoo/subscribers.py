"""What the Odoo app does after a customer writes (R2, R8): their screenshots are read and
the error signatures in their text kept. Subscribers of the ticket's events, after commit;
the work itself is a task."""

from __future__ import annotations

from django.db import transaction

from supportdesk.core.dispatch import subscriber
from supportdesk.odoo.actions_screens import screenshots_register, signatures_from_text
from supportdesk.tickets.events import Verb
from supportdesk.tickets.models import Event, Message


@subscriber(Verb.CREATED, Verb.REPLIED)
def read_what_the_customer_sent(event: Event) -> None:
    """A new ticket or reply from any channel (portal, mail, API): queue the reading."""
    from supportdesk.odoo import tasks

    tasks.customer_wrote(event.pk)


def customer_wrote(event_id: int) -> None:
    """Register the ticket's new customer images and queue their reading; keep the error
    signatures of tracebacks in what this event added (the description of a new ticket,
    or the new message), so the work does not grow with the ticket's history."""
    from supportdesk.odoo import tasks

    event = Event.objects.select_related("ticket").filter(pk=event_id).first()
    if event is None:
        return
    ticket = event.ticket
    if event.verb == Verb.CREATED:
        texts = [ticket.description]
    else:
        texts = list(
            Message.objects.filter(
                pk=event.new.get("message_id"), ticket=ticket, internal=False
            ).values_list("body", flat=True)
        )
    signatures_from_text(ticket=ticket, texts=texts)
    with transaction.atomic():
        ids = screenshots_register(ticket=ticket)
    for screenshot_id in ids:
        tasks.read_screenshot(screenshot_id)
