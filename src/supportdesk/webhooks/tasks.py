"""Webhook and chat tasks: thin, they take ids (DESIGN rule 6)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task


@db_task()
def send_delivery(delivery_id: int) -> str:
    from supportdesk.webhooks.deliver import attempt

    return attempt(delivery_id)


@db_task(retries=3, retry_delay=30)
def fan_out_event(*event_ids: int) -> int:
    """One pending delivery per endpoint that wants each event; each sent after the commit.

    The endpoints are read once for the batch; with none configured nothing more is read.
    Each event's deliveries commit on their own (``get_or_create``: a retry adds none).
    """
    from functools import partial

    from django.db import transaction

    from supportdesk.tickets.models import Event
    from supportdesk.webhooks.deliver import fan_out
    from supportdesk.webhooks.models import Endpoint

    endpoints = list(Endpoint.objects.filter(active=True))
    if not endpoints:
        return 0
    made = 0
    events = Event.objects.filter(pk__in=event_ids).select_related("ticket", "actor")
    for event in events.order_by("pk"):
        with transaction.atomic():
            deliveries = fan_out(event, endpoints)
            for delivery in deliveries:
                transaction.on_commit(partial(send_delivery, delivery.pk))
        made += len(deliveries)
    return made


@db_periodic_task(crontab(minute="*"))
@lock_task("webhooks-retry")
def webhooks_retry() -> int:
    """Retry the deliveries whose backoff has passed."""
    from supportdesk.webhooks.deliver import send_due

    return send_due()


@db_task(retries=3, retry_delay=60)
def chat_notify(event_id: int) -> bool:
    from supportdesk.webhooks.chat import notify

    return notify(event_id)
