"""Durable subscribers act once per event: their delivery is recorded with their work."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.db import IntegrityError, transaction

from supportdesk.core import clock, dispatch
from supportdesk.tickets.models import Event, EventDelivery

CATCH_UP_WITHIN = dt.timedelta(days=1)
COMMIT_EVERY = 50  # events of a batch committed together (``once_each``)
log = logging.getLogger(__name__)


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


def once_each[T](
    event_ids: Iterable[int],
    subscriber: str,
    work: Callable[[Event], T],
    *,
    prefetch: Sequence[str] = (),
) -> list[T]:
    """``once`` for a batch of events (a task queued for many): the events not yet
    delivered to ``subscriber`` are read in one query with their ticket, its organisation
    and requester, and the actor (``prefetch``: what else ``work`` reads of every event,
    one query each for the batch), then ``COMMIT_EVERY`` at a time
    their delivery rows (one INSERT) and their work commit together, in order.

    If any of them fails (or another worker delivered one meanwhile), that transaction
    rolls back and its events are done again one savepoint each: an event whose work
    fails does not keep the others from theirs. The first failure is raised at the end,
    so the task is retried, and the retry finds the others done.
    """
    wanted = sorted(set(event_ids))
    events = list(
        Event.objects.filter(pk__in=wanted)
        .exclude(deliveries__subscriber=subscriber)
        .select_related("ticket__organisation", "ticket__requester", "actor")
        .prefetch_related(*prefetch)
        .order_by("pk")
    )
    results: list[T] = []
    failure: Exception | None = None
    for start in range(0, len(events), COMMIT_EVERY):
        chunk = events[start : start + COMMIT_EVERY]
        try:
            with transaction.atomic():
                now = clock.now()
                rows = [
                    EventDelivery(event_id=e.pk, subscriber=subscriber, delivered_at=now)
                    for e in chunk
                ]
                EventDelivery.objects.bulk_create(rows)
                done = [work(event) for event in chunk]
            results.extend(done)
            continue
        except Exception:
            log.info("%s: events %s again one at a time", subscriber, [e.pk for e in chunk])
        with transaction.atomic():
            for event in chunk:
                recorded = False
                try:
                    with transaction.atomic():
                        EventDelivery.objects.create(
                            event_id=event.pk, subscriber=subscriber, delivered_at=clock.now()
                        )
                        recorded = True
                        results.append(work(event))
                except Exception as exc:
                    if isinstance(exc, IntegrityError) and not recorded:
                        continue  # another worker did it meanwhile
                    log.exception("%s failed on event %s", subscriber, event.pk)
                    failure = failure or exc
    if failure is not None:
        raise failure
    return results


def once_together[T](
    event_ids: Iterable[int], subscriber: str, work: Callable[[list[Event]], T]
) -> T | None:
    """``work(events)`` once for the events of a batch not yet delivered to ``subscriber``,
    in one transaction with their delivery rows (for work that is idempotent and cheaper
    done for many at once, such as the dashboard's figures); None when all were done."""
    with transaction.atomic():
        events = list(
            Event.objects.filter(pk__in=sorted(set(event_ids)))
            .exclude(deliveries__subscriber=subscriber)
            .order_by("pk")
        )
        if not events:
            return None
        now = clock.now()
        EventDelivery.objects.bulk_create(
            [EventDelivery(event_id=e.pk, subscriber=subscriber, delivered_at=now) for e in events],
            ignore_conflicts=True,
        )
        return work(events)


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
        with dispatch.gathered():
            for event in missed:
                dispatch.deliver(event, [handler])
                handed += 1
    return handed
