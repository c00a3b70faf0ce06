"""``@name`` in internal notes: who is meant, and who matches what is being typed.

A member of staff is mentioned by the part of their address before the ``@``
(``@erik`` for erik@partner.example), which is unique among the desk's own addresses
in practice and needs no separate field; the autocompletion shows name and address.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from supportdesk.accounts.models import STAFF_ROLES, SYSTEM_EMAIL, User
from supportdesk.tickets.models import Event, Message

_MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][\w.+-]*[\w])")


def handle(user: User) -> str:
    return user.email.split("@", 1)[0]


def _staff() -> QuerySet[User]:
    return User.objects.filter(role__in=STAFF_ROLES, is_active=True).exclude(email=SYSTEM_EMAIL)


def mentioned(text: str) -> list[User]:
    """The active staff named by ``@handle`` in ``text``, each once, in order of mention."""
    handles = list(dict.fromkeys(m.lower() for m in _MENTION.findall(text or "")))
    if not handles:
        return []
    query = Q()
    for name in handles:
        query |= Q(email__istartswith=f"{name}@")
    found = {handle(u).lower(): u for u in _staff().filter(query)}
    return [found[name] for name in handles if name in found]


def matching(prefix: str, *, limit: int = 8) -> list[User]:
    """Staff whose handle or name starts with ``prefix``: the autocompletion's choices."""
    prefix = prefix.strip().lstrip("@")
    people = _staff()
    if prefix:
        people = people.filter(
            Q(email__istartswith=prefix)
            | Q(name__istartswith=prefix)
            | Q(name__icontains=f" {prefix}")
        )
    return list(people.order_by("name", "email")[:limit])


def notify_mentioned(message: Message) -> list[User]:
    """Tell each member of staff named by ``@handle`` in an internal note (console, and mail
    as they prefer); the author is not told of their own mention. Returns who was told."""
    from supportdesk.console.notify import notify

    if not message.internal or message.author is None:
        return []
    author = message.author
    told = [user for user in mentioned(message.body) if user.pk != author.pk]
    ticket = message.ticket
    notify(
        users=told,
        kind="mentioned",
        text=f"{author} mentioned you on {ticket.number}: {message.body[:160]}",
        ticket=ticket,
    )
    return told


def mentioned_in_event(event: Event) -> list[User]:
    """The subscriber's work for a ``noted`` event: tell whom its note mentions."""
    message = Message.objects.filter(pk=event.new.get("message_id"), internal=True).first()
    return notify_mentioned(message) if message is not None else []
