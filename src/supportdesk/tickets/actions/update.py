"""Changing a ticket's fields, by role (R4 impact flags, R7 code owner, R2 references)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from supportdesk.accounts.models import ContactMethod, Skill, User
from supportdesk.core import clock
from supportdesk.core.errors import InvalidInput
from supportdesk.tickets import kit
from supportdesk.tickets.actions.references import add_refs, odoo_refs
from supportdesk.tickets.events import Verb, record_event
from supportdesk.tickets.models import CodeOwner, Impact, ImpactReview, Kind, Ticket

SUBJECT_MAX = 250
BODY_MAX = 100_000


def apply_impact(ticket: Ticket, impact: str, actor: User) -> None:
    """R4: a flagged impact jumps the queue until the desk removes the flag."""
    ticket.impact = impact
    if not impact:
        ticket.impact_review = ImpactReview.NONE
    elif actor.can_dispatch:
        ticket.impact_review = ImpactReview.CONFIRMED
    else:
        ticket.impact_review = ImpactReview.CLAIMED
    ticket.queue_rank = 0 if impact and ticket.impact_review != ImpactReview.REMOVED else 1


CUSTOMER_FIELDS = frozenset({"subject", "description", "contact_method", "contact_phone", "impact"})
INTERNAL_FIELDS = frozenset({"required_skill"})
STAFF_FIELDS = CUSTOMER_FIELDS | {"kind", "code_owner", "required_skill", "impact_review"}


def ticket_update(
    *,
    ticket: Ticket,
    actor: User,
    reason: str = "",
    add_urls: Sequence[str] = (),
    add_references: Sequence[str] = (),
    **changes: Any,
) -> Ticket:
    """Change a ticket's fields according to the actor's role.

    R4: the customer may flag a business impact; a dispatcher confirms or removes
    the flag with a reason. R7: staff set the code owner.
    """
    kit.require_visible(ticket, actor)
    allowed = STAFF_FIELDS if actor.is_support_staff else CUSTOMER_FIELDS
    for field in changes:
        if field not in allowed:
            raise InvalidInput(
                field,
                _("cannot be changed by you")
                if field in STAFF_FIELDS
                else _("is not a field of a ticket"),
            )
    refs = odoo_refs(add_urls, add_references, [])
    with kit.atomic():
        ticket = kit.lock(ticket)
        now = clock.now()
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        for field, value in changes.items():
            if field in {"subject"}:
                value = kit.text(field, value, required=True, limit=SUBJECT_MAX)
            elif field == "description":
                value = kit.text(field, value, required=False, limit=BODY_MAX)
            elif field == "kind":
                kit.choice(field, value, Kind)
            elif field == "code_owner":
                kit.choice(field, value, CodeOwner)
            elif field == "contact_method":
                kit.choice(field, value, ContactMethod)
            elif field == "contact_phone":
                value = kit.text(field, value, required=False, limit=40)
            elif field == "impact":
                kit.choice(field, value, Impact)
            elif field == "impact_review":
                kit.choice(field, value, ImpactReview)
                if not actor.can_dispatch:
                    raise InvalidInput(
                        field, _("only a dispatcher confirms or removes an impact flag")
                    )
                if value in (ImpactReview.CONFIRMED, ImpactReview.REMOVED) and not ticket.impact:
                    raise InvalidInput(field, _("the ticket has no business impact flagged"))
                if value == ImpactReview.REMOVED and not reason.strip():
                    raise InvalidInput("reason", _("is required to remove an impact flag"))
            current = getattr(ticket, field)
            if field == "required_skill":
                if value is not None and not isinstance(value, Skill):
                    raise InvalidInput(field, _("is not a skill"))
                current_repr, new_repr = (
                    str(current) if current else None,
                    str(value) if value else None,
                )
            else:
                current_repr, new_repr = current, value
            if current == value:
                continue
            old[field], new[field] = current_repr, new_repr
            if field == "impact":
                apply_impact(ticket, value, actor)
                new["impact_review"] = ticket.impact_review
            elif field == "impact_review":
                ticket.impact_review = value
                ticket.queue_rank = 0 if ticket.impact and value != ImpactReview.REMOVED else 1
            else:
                setattr(ticket, field, value)
        if ticket.contact_method == ContactMethod.PHONE and not ticket.contact_phone:
            raise InvalidInput(
                "contact_phone", _("is required when you want to be contacted by phone")
            )
        added = add_refs(ticket, refs)
        if added:
            new["odoo_refs"] = added
        if not new:
            return ticket
        # Internal fields are the desk's business: their changes stay off the customer's
        # timeline (R9 shows the customer everything about their ticket, not our routing).
        public = {k: v for k, v in new.items() if k not in INTERNAL_FIELDS}
        internal = {k: v for k, v in new.items() if k in INTERNAL_FIELDS}
        for changes, is_public in ((public, True), (internal, False)):
            if changes:
                record_event(
                    ticket,
                    actor,
                    Verb.UPDATED,
                    old={k: old[k] for k in changes if k in old},
                    new=changes,
                    reason=reason.strip(),
                    public=is_public,
                    at=now,
                )
        kit.finish(ticket, now=now)
    return ticket


__all__ = ["apply_impact", "ticket_update"]
