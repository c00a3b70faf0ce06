"""What the Odoo app does after a customer writes: read their screenshots and the error
signatures in their text (R2, R8). Runs after commit; the OCR is a task."""

from __future__ import annotations

from django.db import transaction

from supportdesk.odoo.actions_screens import screenshots_register, signatures_from_text
from supportdesk.tickets.models import Ticket


def customer_wrote(ticket_id: int) -> None:
    """Register the ticket's new customer images and queue their reading; keep the error
    signatures of tracebacks in the ticket's text."""
    from supportdesk.odoo import tasks

    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        return
    texts = [
        ticket.description,
        *ticket.messages.filter(internal=False).values_list("body", flat=True),
    ]
    signatures_from_text(ticket=ticket, texts=texts)
    with transaction.atomic():
        ids = screenshots_register(ticket=ticket)
    for screenshot_id in ids:
        tasks.read_screenshot(screenshot_id)


def after_commit(ticket_id: int) -> None:
    """Call ``customer_wrote`` once the current transaction commits."""
    transaction.on_commit(lambda: customer_wrote(ticket_id))
