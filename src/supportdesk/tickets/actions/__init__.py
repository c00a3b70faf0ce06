"""Ticket actions, by sub-domain: the only code that changes a ticket (DESIGN rule 1).

``lifecycle`` registers, assigns, replies, waits, resolves, closes and reopens;
``update`` changes fields by role; ``links`` links, merges and splits tickets;
``references`` stores Odoo data and attachments.
"""

from supportdesk.tickets.actions.lifecycle import (
    ticket_add_note,
    ticket_add_watchers,
    ticket_assign,
    ticket_close,
    ticket_create,
    ticket_reopen,
    ticket_reply,
    ticket_resolve,
    ticket_resume,
    ticket_start,
    ticket_wait,
)
from supportdesk.tickets.actions.links import ticket_link, ticket_merge, ticket_split
from supportdesk.tickets.actions.update import ticket_update

__all__ = [
    "ticket_add_note",
    "ticket_add_watchers",
    "ticket_assign",
    "ticket_close",
    "ticket_create",
    "ticket_link",
    "ticket_merge",
    "ticket_reopen",
    "ticket_reply",
    "ticket_resolve",
    "ticket_resume",
    "ticket_split",
    "ticket_start",
    "ticket_update",
    "ticket_wait",
]
