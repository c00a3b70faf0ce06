"""Webhooks receive every event they ask for; chat hears of what the desk must act on."""

from __future__ import annotations

from django.conf import settings

from supportdesk.core.dispatch import subscriber
from supportdesk.tickets.events import Verb
from supportdesk.tickets.models import Event


@subscriber(*Verb.values, many=True)
def queue_webhooks(events: list[Event]) -> None:
    """One delivery per endpoint that wants the verb: made and sent by the worker (one
    task for the events of a batch)."""
    from supportdesk.webhooks.tasks import fan_out_event

    fan_out_event(*[event.pk for event in events])


@subscriber(Verb.CREATED, Verb.UPDATED, Verb.ASSIGNMENT_WARNING, Verb.ASSIGNMENT_BREACHED)
def tell_the_chat(event: Event) -> None:
    if not settings.CHAT_NOTIFY_URLS:
        return
    if event.verb == Verb.UPDATED and not event.new.get("impact"):
        return
    from supportdesk.webhooks.tasks import chat_notify

    chat_notify(event.pk)
