"""Who else has a ticket open in the workspace, and who is typing a reply (advisory).

Kept in the shared cache (the database or Redis), not in a web node: every open workspace
reports itself every few seconds; an entry not refreshed within ``STALE_SECONDS`` is gone.
Each person has their own key, so two people reporting at once never overwrite each other;
a per-ticket index of who reported lets one read find them all.
"""

from __future__ import annotations

import dataclasses

from django.core.cache import cache

from supportdesk.accounts.models import User
from supportdesk.core import clock

STALE_SECONDS = 30


@dataclasses.dataclass(frozen=True)
class Presence:
    user_id: int
    name: str
    typing: bool


def _key(ticket_id: int, user_id: int) -> str:
    return f"presence:{ticket_id}:{user_id}"


def _index(ticket_id: int) -> str:
    return f"presence:{ticket_id}:who"


def report(ticket_id: int, user: User, *, typing: bool) -> None:
    """``user`` has the ticket open now (and is typing a reply or note, if ``typing``)."""
    now = clock.now().timestamp()
    cache.set(
        _key(ticket_id, user.pk),
        {"name": user.get_full_name(), "at": now, "typing": typing},
        STALE_SECONDS,
    )
    who = set(cache.get(_index(ticket_id)) or ())
    if user.pk not in who:
        cache.set(_index(ticket_id), sorted(who | {user.pk}), STALE_SECONDS * 10)


def others(ticket_id: int, user: User) -> list[Presence]:
    """The other people with the ticket open within the last ``STALE_SECONDS``."""
    now = clock.now().timestamp()
    ids = [pk for pk in cache.get(_index(ticket_id)) or () if pk != user.pk]
    found = cache.get_many([_key(ticket_id, pk) for pk in ids])
    present = []
    for pk in ids:
        entry = found.get(_key(ticket_id, pk))
        if entry and now - entry["at"] <= STALE_SECONDS:
            present.append(Presence(pk, entry["name"], bool(entry["typing"])))
    return sorted(present, key=lambda p: (not p.typing, p.name))
