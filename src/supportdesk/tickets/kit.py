"""The action kit: what every action of every app uses to check, lock and finish.

Refusals name the field and say why in the active language (the requester's), and the
transaction they are raised in changes nothing (DESIGN rule 8). ``finish`` is the last
step of every ticket action: it brings the derived columns up to date (the stored
clocks, registered by ``commitments`` as a derivation, rule 4) and saves the ticket.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, connection, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from supportdesk.core.errors import InvalidInput, PermissionDenied, Text
from supportdesk.core.rows import update_rows

if TYPE_CHECKING:
    from supportdesk.accounts.models import User
    from supportdesk.tickets.models import Ticket

Derivation = Callable[..., None]
_derivations: list[Derivation] = []


def derivation(fn: Derivation) -> Derivation:
    """Register ``fn(ticket, *, now, events=None)``: it sets derived columns before a save.

    Lower layers cannot import the commitments that compute the clocks; commitments
    registers its computation here when the app is ready.
    """
    if fn not in _derivations:
        _derivations.append(fn)
    return fn


def derive(ticket: Ticket, *, now: dt.datetime, events: Iterable[Any] | None = None) -> None:
    for fn in _derivations:
        fn(ticket, now=now, events=events)


def finish(ticket: Ticket, *, now: dt.datetime, events: Iterable[Any] | None = None) -> None:
    """The last step of a ticket action: derived columns, then the save.

    A ticket read from the database writes only the columns the action changed (the
    rest of the row is not rewritten after each event); a new one is saved whole.
    """
    ticket.updated_at = now
    derive(ticket, now=now, events=events)
    save_changes(ticket)


def save_changes(ticket: Ticket) -> None:
    """UPDATE only the columns that differ from the row as it was read (``Ticket.from_db``)."""
    loaded: dict[str, Any] | None = getattr(ticket, "_loaded", None)
    if loaded is None or ticket._state.adding:
        ticket.save()
        return
    changed = [name for name, value in loaded.items() if getattr(ticket, name) != value]
    if changed:
        # One UPDATE built without the ORM's compiler (``save(update_fields=…)`` cost twice).
        if not update_rows([ticket], changed):
            raise DatabaseError(f"ticket {ticket.pk} was not saved: its row is gone")
        ticket.remember_loaded()


# The outermost transactions that roll back whole on any error (``all_or_nothing``).
_all_or_nothing: ContextVar[tuple[object, ...]] = ContextVar("all_or_nothing", default=())


@contextlib.contextmanager
def all_or_nothing() -> Iterator[None]:
    """One transaction that the caller rolls back whole when anything in it fails.

    Inside it, the actions' own ``kit.atomic()`` blocks make no savepoints: a savepoint
    only helps a caller that catches an action's error and goes on in the same
    transaction, which this caller promises not to do (the mail pipeline: one
    transaction per message, recorded as failed in a new one).
    """
    with transaction.atomic():
        outer = connection.atomic_blocks[-1]
        token = _all_or_nothing.set((*_all_or_nothing.get(), outer))
        try:
            yield
        finally:
            _all_or_nothing.reset(token)


def atomic() -> Any:
    """``transaction.atomic()`` of an action: without a savepoint inside ``all_or_nothing``."""
    blocks = connection.atomic_blocks
    for outer in _all_or_nothing.get():
        for at, block in enumerate(blocks):
            if block is outer and not any(b.savepoint for b in blocks[at + 1 :]):
                return transaction.atomic(savepoint=False)
    return transaction.atomic()


def lock(ticket: Ticket) -> Ticket:
    """The ticket's row, locked for the rest of the transaction, as it is now.

    A ticket already locked (``lock_by_pk``) in a transaction that is still open is
    returned as it is: it is the row as it is now.
    """
    held = getattr(ticket, "_locked_within", None)
    if held is not None and _still_open(held):
        return ticket
    return type(ticket).objects.select_for_update().get(pk=ticket.pk)


def locked(ticket: Ticket) -> Ticket:
    """Mark ``ticket``, just read ``select_for_update`` by the caller, as locked here."""
    ticket._locked_within = tuple(connection.atomic_blocks)  # type: ignore[attr-defined]
    return ticket


def _still_open(held: tuple[object, ...]) -> bool:
    blocks = connection.atomic_blocks
    return (
        bool(held)
        and connection.in_atomic_block
        and len(blocks) >= len(held)
        and all(a is b for a, b in zip(held, blocks, strict=False))
    )


def require_staff(actor: User, what: Text) -> None:
    """``what`` is a translated phrase: "assign tickets", "log time"…"""
    if not actor.is_support_staff:
        raise PermissionDenied(_("only support staff may %(what)s") % {"what": what})


def require_visible(ticket: Ticket, actor: User) -> None:
    """Actions re-check what the access helpers already checked, so no caller can skip it."""
    from supportdesk.tickets.access import may_see

    if not may_see(actor, ticket):
        raise PermissionDenied(_("this ticket is not visible to you"))


def text(field: str, value: str | None, *, required: bool, limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(field, _("is required"))
    if len(value) > limit:
        raise InvalidInput(
            field,
            _("is %(length)d characters; at most %(limit)d are allowed")
            % {"length": len(value), "limit": limit},
        )
    return value


def choice(field: str, value: str, choices: type[models.TextChoices]) -> str:
    if value not in choices.values:
        allowed = ", ".join(repr(v) for v in choices.values if v)
        raise InvalidInput(
            field, _("%(value)r is not one of %(allowed)s") % {"value": value, "allowed": allowed}
        )
    return value


def minutes(field: str, value: object, *, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(
            field, _("%(value)r is not a whole number of minutes") % {"value": value}
        )
    if value < 1:
        raise InvalidInput(field, _("must be at least 1 minute"))
    if value > most:
        raise InvalidInput(
            field,
            ngettext(
                "is %(value)d minutes; at most %(most)d is allowed in one entry",
                "is %(value)d minutes; at most %(most)d are allowed in one entry",
                most,
            )
            % {"value": value, "most": most},
        )
    return value
