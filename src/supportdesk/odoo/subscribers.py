"""What the Odoo app does after a customer writes (R2, R8): their screenshots are read and
the error signatures in their text kept. Subscribers of the ticket's events, after commit;
the work itself is a task."""

from __future__ import annotations

from django.db import transaction

from supportdesk.core.dispatch import subscriber
from supportdesk.odoo.actions_screens import screenshots_register, signatures_from_text
from supportdesk.tickets.events import Verb
from supportdesk.tickets.models import Event, Message, Ticket


@subscriber(Verb.CREATED, Verb.REPLIED, many=True)
def read_what_the_customer_sent(events: list[Event]) -> None:
    """A new ticket or reply from any channel (portal, mail, API): queue the reading (one
    task for the events of a batch)."""
    from supportdesk.odoo import tasks

    tasks.customer_wrote(*[event.pk for event in events])


def customer_wrote(*event_ids: int) -> None:
    """Register the tickets' new customer images and queue their reading; keep the error
    signatures of tracebacks in what each event added (the description of a new ticket,
    or the new message), so the work does not grow with the ticket's history. The events
    of a batch are read together: three queries for any number when nothing is found."""
    from supportdesk.odoo import tasks

    events = list(Event.objects.select_related("ticket").filter(pk__in=event_ids).order_by("pk"))
    if not events:
        return
    wanted = [e.new.get("message_id") for e in events if e.verb != Verb.CREATED]
    bodies = dict(
        Message.objects.filter(pk__in=[pk for pk in wanted if pk], internal=False).values_list(
            "pk", "body"
        )
    )
    tickets: dict[int, Ticket] = {}
    for event in events:
        ticket = tickets.setdefault(event.ticket_id, event.ticket)
        if event.verb == Verb.CREATED:
            texts = [ticket.description]
        else:
            body = bodies.get(event.new.get("message_id"))
            texts = [body] if body is not None else []
        signatures_from_text(ticket=ticket, texts=texts)
    with transaction.atomic():
        ids = screenshots_register(tickets=list(tickets.values()))
    for screenshot_id in ids:
        tasks.read_screenshot(screenshot_id)
