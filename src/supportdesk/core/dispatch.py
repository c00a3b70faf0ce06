"""One dispatcher: what an action records reaches its subscribers after the commit.

An action appends events and calls :func:`publish` for each (``tickets.events`` does it
for every ticket event). Nothing happens inside the action's transaction: once the
transaction commits, the dispatcher hands each event, in order, to the subscribers
registered for its verb; if the transaction rolls back, the events are forgotten with
it. Subscribers live in each app's ``subscribers.py`` and are registered by
``@subscriber(Verb.X, …)`` when the app is ready. They do little inline — durable work
(mail, webhooks, indexing of many rows) is enqueued as a task.

A subscriber that raises does not undo the action, and does not keep the other
subscribers from their event: the failure is logged and the subscriber is run again
from the worker queue (:func:`retry`), up to ``SUBSCRIBER_RETRIES`` times.

A subscriber registered with ``many=True`` takes a list of events. Alone, it gets each
committed event as a list of one; inside :func:`gathered` (the mail worker's batch, the
catch-up sweep) the events committed in the block are collected and handed to it once,
in order, when the block ends, so it queues one task for the batch instead of one per
event. What it is handed is committed all the same: a rolled-back transaction's events
never reach it.

This module knows no model: an event is passed as the object the action made, and the
retry task reloads it by its model label and primary key.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, Protocol

from django.apps import apps
from django.db import transaction

log = logging.getLogger("supportdesk.dispatch")


class Published(Protocol):
    """What the dispatcher needs of an event: its verb and how to find it again."""

    pk: Any
    verb: str


Handler = Callable[[Any], None]

_registry: dict[str, list[Handler]] = defaultdict(list)
# Durable subscribers: name → (handler, verbs). Their work is recorded once per event
# (``tickets.delivery.once``); events they missed are delivered again by a sweep.
_durable: dict[str, tuple[Handler, frozenset[str]]] = {}
# Subscribers that take a list of events (``many=True``).
_many: set[Handler] = set()


class _Gathering(threading.local):
    def __init__(self) -> None:
        self.depth = 0
        self.events: dict[Handler, list[Any]] = {}


_gathering = _Gathering()


def subscriber(*verbs: str, durable: str = "", many: bool = False) -> Callable[[Handler], Handler]:
    """Register the decorated function for each of ``verbs`` (run after commit).

    ``durable`` names a subscriber whose work must happen once for every event even if
    a process stops between the commit and the work: it records its delivery under
    that name, and the catch-up sweep hands it the events it has not recorded.
    ``many`` registers a function of a list of events (see :func:`gathered`).
    """
    if not verbs:
        raise ValueError("a subscriber names at least one verb")

    def register(handler: Handler) -> Handler:
        for verb in verbs:
            if handler not in _registry[str(verb)]:
                _registry[str(verb)].append(handler)
        if durable:
            _durable[durable] = (handler, frozenset(str(v) for v in verbs))
        if many:
            _many.add(handler)
        return handler

    return register


@contextlib.contextmanager
def gathered() -> Iterator[None]:
    """Hand the events committed inside the block to the ``many`` subscribers together,
    once, when the block ends (the others still get each event at its commit).

    For a caller that commits many small transactions or one large one (a batch of
    mail): each ``many`` subscriber is called once with all of its events, in order.
    """
    _gathering.depth += 1
    try:
        yield
    finally:
        _gathering.depth -= 1
        if not _gathering.depth:
            pending, _gathering.events = _gathering.events, {}
            for handler, events in pending.items():
                _call(handler, events)


def durable_subscribers() -> dict[str, tuple[Handler, frozenset[str]]]:
    return dict(_durable)


def subscribers_of(verb: str) -> list[Handler]:
    return list(_registry.get(str(verb), ()))


def registry() -> dict[str, list[str]]:
    """Verb → the dotted names of its subscribers (for the README and the tests)."""
    return {verb: [_name(h) for h in handlers] for verb, handlers in sorted(_registry.items())}


def publish(event: Published) -> None:
    """Hand ``event`` to its subscribers once the current transaction commits."""
    if not _registry.get(str(event.verb)):
        return
    transaction.on_commit(partial(deliver, event))


def deliver(event: Published, handlers: Iterable[Handler] | None = None) -> int:
    """Run the subscribers of ``event`` now; returns how many failed (each is retried).

    Inside :func:`gathered`, a ``many`` subscriber's event is kept for the block's end.
    """
    failed = 0
    for handler in subscribers_of(event.verb) if handlers is None else handlers:
        if handler in _many and _gathering.depth:
            _gathering.events.setdefault(handler, []).append(event)
            continue
        failed += not _call(handler, [event])
    return failed


def _call(handler: Handler, events: list[Any]) -> bool:
    """Run one subscriber on its events; a failure is logged and each event retried."""
    try:
        if handler in _many:
            handler(events)
        else:
            (event,) = events
            handler(event)
    except Exception:
        log.exception(
            "subscriber %s failed on %s",
            _name(handler),
            ", ".join(f"{e.verb} {e.pk}" for e in events),
        )
        for event in events:
            _retry_later(handler, event)
        return False
    return True


def _name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def _retry_later(handler: Handler, event: Published) -> None:
    from supportdesk.core import tasks

    label = event._meta.label if hasattr(event, "_meta") else ""
    if not label:
        return
    try:
        tasks.retry_subscriber(_name(handler), label, event.pk)
    except Exception:  # the queue itself is down: the failure is already logged
        log.exception("could not queue a retry of %s", _name(handler))


def retry(name: str, label: str, pk: Any) -> None:
    """Run one subscriber again on one event (the worker's retry of a failure)."""
    handler = next(
        (h for handlers in _registry.values() for h in handlers if _name(h) == name), None
    )
    if handler is None:
        log.warning("no subscriber named %s any more; retry dropped", name)
        return
    event = apps.get_model(label).objects.get(pk=pk)
    handler([event] if handler in _many else event)
