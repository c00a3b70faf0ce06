"""Signing and sending webhook deliveries, with retries, backoff and automatic disabling.

Each delivery is a POST of the event as JSON, signed like this::

    X-Supportdesk-Event-Id: 4711          (the same on every retry: deduplicate on it)
    X-Supportdesk-Event: resolved
    X-Supportdesk-Timestamp: 1795000000
    X-Supportdesk-Signature: t=1795000000,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>

A 2xx answer is success. Anything else (an error status, a timeout, a refused address)
is retried after 30 s, 1, 2, 4… minutes up to ``WEBHOOK_MAX_ATTEMPTS``; an endpoint that
fails ``WEBHOOK_DISABLE_AFTER`` times in a row is disabled and the administrators told.
URLs go through the outbound guard (``core.netguard``): no loopback, private or
link-local address unless ``WEBHOOK_ALLOW_PRIVATE_HOSTS``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from supportdesk.accounts.models import Role, User
from supportdesk.commitments.models import Notification
from supportdesk.core import clock, netguard
from supportdesk.tickets.models import Event
from supportdesk.webhooks.models import Delivery, Endpoint

log = logging.getLogger("supportdesk.webhooks")


def payload(event: Event) -> dict[str, Any]:
    """The JSON an endpoint receives for one event."""
    ticket = event.ticket
    return {
        "id": event.pk,
        "verb": event.verb,
        "created_at": event.created_at.isoformat(),
        "actor": str(event.actor) if event.actor else None,
        "public": event.public,
        "old": event.old,
        "new": event.new,
        "reason": event.reason,
        "ticket": {
            "number": ticket.number,
            "subject": ticket.subject,
            "status": ticket.status,
            "organisation": str(ticket.organisation),
            "kind": ticket.kind,
            "impact": ticket.impact,
            "url": f"{settings.SITE_URL.rstrip('/')}/console/tickets/{ticket.number}/",
        },
    }


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def fan_out(event: Event, endpoints: list[Endpoint] | None = None) -> list[Delivery]:
    """One pending delivery per active endpoint that wants the event's verb (of
    ``endpoints`` when the caller read them for a batch)."""
    if endpoints is None:
        endpoints = list(Endpoint.objects.filter(active=True))
    endpoints = [e for e in endpoints if e.wants(event.verb)]
    if not endpoints:
        return []
    body = payload(event)
    now = clock.now()
    rows = []
    for endpoint in endpoints:
        row, created = Delivery.objects.get_or_create(
            endpoint=endpoint,
            event_id=event.pk,
            defaults={
                "verb": event.verb,
                "payload": body,
                "next_attempt_at": now,
                "created_at": now,
            },
        )
        if created:
            rows.append(row)
    return rows


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt: 30 s after the first failure, doubling, at most 6 h."""
    return min(dt.timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), dt.timedelta(hours=6))


def attempt(delivery_id: int, *, now: dt.datetime | None = None) -> str:
    """Send one due delivery once; returns its state afterwards.

    The conditional update claims it: of two workers, one sends and the other finds it
    not due. The claim holds it for the time a send may take.
    """
    now = now or clock.now()
    hold = now + dt.timedelta(seconds=settings.WEBHOOK_TIMEOUT * 2 + 5)
    claimed = Delivery.objects.filter(
        pk=delivery_id, state=Delivery.State.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=hold)
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    if not claimed:
        return delivery.state
    endpoint = delivery.endpoint
    if not endpoint.active:
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.GAVE_UP, last_error="the endpoint is disabled"
        )
        return Delivery.State.GAVE_UP
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "X-Supportdesk-Event-Id": str(delivery.event_id),
        "X-Supportdesk-Event": delivery.verb,
        "X-Supportdesk-Timestamp": str(timestamp),
        "X-Supportdesk-Signature": sign(endpoint.secret, timestamp, body),
    }
    status, error = None, ""
    try:
        status, _answer = netguard.post(
            endpoint.url,
            body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT,
            allow_private=settings.WEBHOOK_ALLOW_PRIVATE_HOSTS,
            hint="an endpoint on a private network needs WEBHOOK_ALLOW_PRIVATE_HOSTS",
        )
        if not 200 <= status < 300:
            error = f"answered HTTP {status}"
    except (netguard.AddressRefused, netguard.HostUnavailable) as exc:
        error = str(exc)
    attempts = delivery.attempts + 1
    if not error:
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.SENT,
            attempts=attempts,
            last_status=status,
            last_error="",
            sent_at=clock.now(),
        )
        Endpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        return Delivery.State.SENT
    gave_up = attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.GAVE_UP if gave_up else Delivery.State.PENDING,
        attempts=attempts,
        last_status=status,
        last_error=error[:500],
        next_attempt_at=now + backoff(attempts),
    )
    _failed(endpoint, error)
    log.warning("webhook %s to %s failed (attempt %d): %s", delivery.pk, endpoint, attempts, error)
    return Delivery.State.GAVE_UP if gave_up else Delivery.State.PENDING


def _failed(endpoint: Endpoint, error: str) -> None:
    """Count a failure in a row; disable the endpoint at the limit and tell the admins."""
    with transaction.atomic():
        Endpoint.objects.filter(pk=endpoint.pk).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        disabled = Endpoint.objects.filter(
            pk=endpoint.pk,
            active=True,
            consecutive_failures__gte=settings.WEBHOOK_DISABLE_AFTER,
        ).update(active=False, disabled_at=clock.now(), disabled_reason=error[:300])
        if not disabled:
            return
        text = _(
            "Webhook endpoint %(name)s was disabled after %(count)d failed deliveries in a "
            "row: %(error)s"
        ) % {"name": endpoint.name, "count": settings.WEBHOOK_DISABLE_AFTER, "error": error}
        admins = User.objects.filter(role=Role.ADMIN, is_active=True)
        Notification.objects.bulk_create(
            [Notification(user=admin, kind="webhook_disabled", text=text[:500]) for admin in admins]
        )


def send_due(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Attempt the pending deliveries that are due (the worker's periodic retry)."""
    now = now or clock.now()
    due = list(
        Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(attempt(pk, now=now) == Delivery.State.SENT for pk in due)
