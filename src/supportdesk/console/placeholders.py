"""Saved replies with placeholders, filled for one ticket safely.

Only the four names below are replaced, by plain substitution (never ``str.format``, which
would let a saved reply reach attributes of the objects); each value has its Markdown
punctuation escaped, so a customer called ``*Bob*`` or ``[x](javascript:…)`` stays text.
Unknown ``{names}`` are left as typed.
"""

from __future__ import annotations

import re

from supportdesk.accounts.models import User
from supportdesk.tickets.models import Ticket

PLACEHOLDERS = ("customer_first_name", "ticket_number", "consultant_name", "organisation")
_PATTERN = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]<>()#|~!])")


def escape_markdown(value: str) -> str:
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", value)


def values_for(ticket: Ticket, consultant: User) -> dict[str, str]:
    requester = ticket.requester
    first = requester.get_short_name() if requester is not None else ""
    if requester is not None and not requester.name:
        first = ""  # an address is no first name: "Hello ," reads worse than "Hello"
    return {
        "customer_first_name": first,
        "ticket_number": ticket.number,
        "consultant_name": consultant.get_full_name(),
        "organisation": str(ticket.organisation),
    }


def fill(body: str, values: dict[str, str]) -> str:
    """``body`` with each known placeholder replaced by its escaped value."""
    return _PATTERN.sub(lambda m: escape_markdown(values.get(m[1], "")), body)
