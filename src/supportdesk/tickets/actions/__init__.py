"""Ticket actions, by sub-domain: the only code that changes a ticket (DESIGN rule 1).

``lifecycle`` registers, assigns, replies, waits, resolves, closes and reopens;
``links`` links, merges and splits tickets.
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
    ticket_update,
    ticket_wait,
)
from supportdesk.tickets.actions.links import ticket_link, ticket_merge, ticket_split

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
