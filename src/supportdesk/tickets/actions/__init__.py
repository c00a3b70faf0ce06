"""Ticket actions, by sub-domain: the only code that changes a ticket (DESIGN rule 1).

``lifecycle`` registers, assigns, replies, waits, resolves, closes and reopens.
"""

from supportdesk.tickets.actions.lifecycle import (
    ticket_add_note,
    ticket_assign,
    ticket_close,
    ticket_create,
    ticket_reopen,
    ticket_reply,
    ticket_resolve,
    ticket_resume,
    ticket_start,
    ticket_update,
    ticket_wait,
)

__all__ = [
    "ticket_add_note",
    "ticket_assign",
    "ticket_close",
    "ticket_create",
    "ticket_reopen",
    "ticket_reply",
    "ticket_resolve",
    "ticket_resume",
    "ticket_start",
    "ticket_update",
    "ticket_wait",
]
