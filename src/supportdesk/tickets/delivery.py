"""Durable subscribers act once per event: their delivery is recorded with their work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction

from supportdesk.core import clock, dispatch
from supportdesk.tickets.models import Event, EventDelivery

CATCH_UP_WITHIN = dt.timedelta(days=1)


def once[T](event_id: int, subscriber: str, work: Callable[[Event], T]) -> T | None:
    """Run ``work(event)`` unless ``subscriber`` already did it for this event.

    The delivery row and the work commit together: a retry after a crash, a second
    worker or the catch-up sweep finds the row and does nothing (returns None).
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                EventDelivery.objects.create(
                    event_id=event_id, subscriber=subscriber, delivered_at=clock.now()
                )
        except IntegrityError:
            return None
        event = Event.objects.select_related("ticket", "actor").get(pk=event_id)
        return work(event)


def catch_up(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Hand each durable subscriber the recent events it has not recorded; returns how many.

    An event is missed when the process that committed it stopped before its subscribers
    ran, or the queue lost the task. Only events older than
    ``DISPATCH_CATCH_UP_AFTER_SECONDS`` are taken, so work in flight is left alone.
    """
    now = now or clock.now()
    newest = now - dt.timedelta(seconds=settings.DISPATCH_CATCH_UP_AFTER_SECONDS)
    handed = 0
    for name, (handler, verbs) in dispatch.durable_subscribers().items():
        missed = (
            Event.objects.filter(
                verb__in=verbs, created_at__gte=now - CATCH_UP_WITHIN, created_at__lte=newest
            )
            .exclude(deliveries__subscriber=name)
            .order_by("created_at", "id")[:limit]
        )
        for event in missed:
            dispatch.deliver(event, [handler])
            handed += 1
    return handed
