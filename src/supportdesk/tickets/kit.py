"""The action kit: what every action of every app uses to check, lock and finish.

Refusals name the field and say why in the active language (the requester's), and the
transaction they are raised in changes nothing (DESIGN rule 8). ``finish`` is the last
step of every ticket action: it brings the derived columns up to date (the stored
clocks, registered by ``commitments`` as a derivation, rule 4) and saves the ticket.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from supportdesk.core.errors import InvalidInput, PermissionDenied, Text

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
    """The last step of a ticket action: derived columns, then the save."""
    ticket.updated_at = now
    derive(ticket, now=now, events=events)
    ticket.save()


def lock(ticket: Ticket) -> Ticket:
    """The ticket's row, locked for the rest of the transaction, as it is now."""
    return type(ticket).objects.select_for_update().get(pk=ticket.pk)


def require_staff(actor: User, what: Text) -> None:
    """``what`` is a translated phrase: "assign tickets", "log time"…"""
    if not actor.is_support_staff:
        raise PermissionDenied(_("only support staff may %(what)s") % {"what": what})


def require_visible(ticket: Ticket, actor: User) -> None:
    """Actions re-check what the access helpers already checked, so no caller can skip it."""
    from supportdesk.tickets.access import tickets_for_user

    if not tickets_for_user(actor).filter(pk=ticket.pk).exists():
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
