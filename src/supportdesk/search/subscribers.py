"""The search index follows the tickets: every change of their text is indexed after commit."""

from __future__ import annotations

from supportdesk.core.dispatch import subscriber
from supportdesk.search.backends import index_ticket
from supportdesk.tickets.events import Verb
from supportdesk.tickets.models import Event


@subscriber(
    Verb.CREATED,
    Verb.REPLIED,
    Verb.NOTED,
    Verb.UPDATED,
    Verb.MERGED,
    Verb.MERGED_INTO,
    Verb.SPLIT,
    Verb.SPLIT_FROM,
)
def index_changed_ticket(event: Event) -> None:
    index_ticket(event.ticket_id)
