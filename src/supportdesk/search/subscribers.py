"""The search index follows the tickets: every change of their text is indexed after commit,
by the worker (PostgreSQL indexes its expressions itself: nothing is queued there)."""

from __future__ import annotations

from django.db import connection

from supportdesk.core.dispatch import subscriber
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
    many=True,
)
def index_changed_ticket(events: list[Event]) -> None:
    if connection.vendor != "sqlite":
        return
    from supportdesk.search import tasks

    tasks.index_ticket(*dict.fromkeys(event.ticket_id for event in events))
