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

This module knows no model: an event is passed as the object the action made, and the
retry task reloads it by its model label and primary key.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
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


def subscriber(*verbs: str, durable: str = "") -> Callable[[Handler], Handler]:
    """Register the decorated function for each of ``verbs`` (run after commit).

    ``durable`` names a subscriber whose work must happen once for every event even if
    a process stops between the commit and the work: it records its delivery under
    that name, and the catch-up sweep hands it the events it has not recorded.
    """
    if not verbs:
        raise ValueError("a subscriber names at least one verb")

    def register(handler: Handler) -> Handler:
        for verb in verbs:
            if handler not in _registry[str(verb)]:
                _registry[str(verb)].append(handler)
        if durable:
            _durable[durable] = (handler, frozenset(str(v) for v in verbs))
        return handler

    return register


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
    """Run the subscribers of ``event`` now; returns how many failed (each is retried)."""
    failed = 0
    for handler in subscribers_of(event.verb) if handlers is None else handlers:
        try:
            handler(event)
        except Exception:
            failed += 1
            log.exception("subscriber %s failed on %s %s", _name(handler), event.verb, event.pk)
            _retry_later(handler, event)
    return failed


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
    handler(event)
