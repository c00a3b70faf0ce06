"""The logged-in user and their second-factor device, read from the shared cache.

Every request needs the user (and, for staff, their verified device) before the view runs.
With Redis (``REDIS_URL``) both come from the cache for ``USER_CACHE_SECONDS``, so a
logged-in request costs no query before its view; without a shared cache
(``USER_CACHE_SECONDS = 0``) they are read from the database as usual.

The user is read with their organisation. Saving a user or their organisation, or adding,
confirming or removing a device, forgets the cached copies (:func:`forget_user`); a
change made around the models (a queryset ``update()``) is seen within
``USER_CACHE_SECONDS``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

_MISSING = object()


def _seconds() -> int:
    return int(getattr(settings, "USER_CACHE_SECONDS", 0))


def _key(user_id: Any, what: str) -> str:
    return f"auth:{user_id}:{what}"


def cached(user_id: Any, what: str, load: Any) -> Any:
    """``load()`` through the cache under this user's key ``what``."""
    seconds = _seconds()
    if seconds <= 0:
        return load()
    key = _key(user_id, what)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = load()
        cache.set(key, value, seconds)
    return value


def forget_user(user_id: Any, *devices: str) -> None:
    """Drop the cached user, whether they have a device, and the devices named."""
    if _seconds() > 0:
        cache.delete_many(
            [_key(user_id, "user"), _key(user_id, "has_device")]
            + [_key(user_id, f"device:{d}") for d in devices]
        )


def forget_members(organisation: Any) -> None:
    """Drop the cached copies of an organisation's members: each carries the organisation,
    whose ``members_see_all`` decides what they see."""
    if _seconds() > 0:
        members = organisation.members.values_list("pk", flat=True)
        cache.delete_many([_key(pk, "user") for pk in members])


class CachedModelBackend(ModelBackend):
    """Django's model backend, with the user of a session read through the cache."""

    def get_user(self, user_id: Any) -> Any:
        """The user with their organisation in the same query: a customer's every page
        asks it who may see what (``members_see_all``)."""
        return cached(user_id, "user", lambda: self._load(user_id))

    def _load(self, user_id: Any) -> Any:
        from supportdesk.accounts.models import User

        user = User._default_manager.select_related("organisation").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
