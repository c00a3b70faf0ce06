"""What every message of a batch looks up — senders, mail domains, the system user — read
once per batch and shared by its messages; our own addresses, kept per process for a
minute like the working calendar.

A batch is short (one IMAP poll, one spool run, one second of the listener), so a change
made in the admin meanwhile reaches the next batch. A message whose transaction rolls
back may have created a contact: :meth:`Lookups.forget` drops what it may have added.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from threading import Lock

from django.conf import settings
from django.db.models.functions import Lower

from supportdesk.accounts.models import Organisation, User, system_user

_ADDRESSES_SECONDS = 60
_addresses: tuple[float, str, frozenset[str]] | None = None
_addresses_lock = Lock()


def our_addresses_cached() -> frozenset[str]:
    """:func:`~supportdesk.mail.threading.our_addresses`, kept per process for a minute
    (as the working calendar is): an edit in the admin clears this process's copy at once
    and reaches the other processes within the minute."""
    from supportdesk.mail.threading import our_addresses

    global _addresses
    now = time.monotonic()
    cached = _addresses
    if cached and now - cached[0] < _ADDRESSES_SECONDS and cached[1] == settings.SUPPORT_EMAIL:
        return cached[2]
    with _addresses_lock:
        addresses = frozenset(our_addresses())
        _addresses = (now, settings.SUPPORT_EMAIL, addresses)
        return addresses


def clear_address_cache() -> None:
    global _addresses
    _addresses = None


class Lookups:
    def __init__(self) -> None:
        self._ours: set[str] | None = None
        self._users: dict[str, User | None] = {}
        self._domains: dict[str, Organisation] | None = None
        self._system: User | None = None

    def ours(self) -> set[str]:
        """The addresses we receive at: SUPPORT_EMAIL and every mailbox's."""
        if self._ours is None:
            self._ours = set(our_addresses_cached())
        return self._ours

    def prefetch_users(self, addresses: Iterable[str]) -> None:
        """Read the users of all ``addresses`` not read yet, in one query."""
        wanted = {a.strip().lower() for a in addresses if a and a.strip()} - set(self._users)
        if not wanted:
            return
        found: dict[str, User] = {}
        for user in (
            User.objects.select_related("organisation")
            .annotate(email_lower=Lower("email"))
            .filter(email_lower__in=sorted(wanted))
            .order_by("-is_active", "pk")
        ):
            found.setdefault(user.email.lower(), user)
        for address in wanted:
            self._users[address] = found.get(address)

    def user(self, address: str) -> User | None:
        """The user with this address (case-insensitive), an active one first."""
        address = address.strip().lower()
        if address not in self._users:
            self.prefetch_users([address])
        return self._users.get(address)

    def remember(self, user: User) -> None:
        self._users[user.email.lower()] = user

    def organisation_for_domain(self, address: str) -> Organisation | None:
        domain = address.rsplit("@", 1)[-1].lower()
        if not domain:
            return None
        if self._domains is None:
            self._domains = {}
            for organisation in Organisation.objects.exclude(mail_domains="").order_by("pk"):
                for name in organisation.mail_domains.split(","):
                    name = name.strip().lower().lstrip("@")
                    if name:
                        self._domains.setdefault(name, organisation)
        return self._domains.get(domain)

    def system_user(self) -> User:
        if self._system is None:
            self._system = system_user()
        return self._system

    def forget(self, addresses: Iterable[str] | None = None) -> None:
        """Read these users (or all) again: a rolled-back message or a bounce changed them."""
        if addresses is None:
            self._users.clear()
            self._system = None
            return
        for address in addresses:
            self._users.pop(address.strip().lower(), None)
