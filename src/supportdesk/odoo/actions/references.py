"""Checking a ticket's Odoo references on the customer's instance (R2), and removing one."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.accounts.models import User
from supportdesk.core import clock
from supportdesk.core.errors import IllegalTransition, InvalidInput
from supportdesk.odoo.actions.instances import _instance_for
from supportdesk.odoo.client import OdooClient, OdooError
from supportdesk.odoo.lookup import CannotLookUp, look_up
from supportdesk.odoo.models import OdooInstance, RecordCheck
from supportdesk.tickets import kit
from supportdesk.tickets.events import Verb, record_event
from supportdesk.tickets.models import OdooReference, Ticket


def reference_check(
    *,
    ticket: Ticket,
    actor: User,
    reference: OdooReference | None = None,
    instance: OdooInstance | None = None,
) -> list[RecordCheck]:
    """Check a ticket's Odoo references on the customer's instance (R2): does the record
    exist, its display name, state and company. Every reference when none is named.

    Failures are stored as checks with their error; the caller gets them all."""
    kit.require_staff(actor, _("check Odoo references"))
    if reference is not None and reference.ticket_id != ticket.pk:
        raise InvalidInput(
            "reference", _("is not a reference of %(number)s") % {"number": ticket.number}
        )
    references = [reference] if reference is not None else list(ticket.odoo_refs.all())
    if not references:
        raise InvalidInput(
            "reference",
            _("%(number)s has no Odoo URL or reference") % {"number": ticket.number},
        )
    pending: list[RecordCheck] = []
    clients: dict[int, OdooClient] = {}
    refused: list[InvalidInput] = []
    for ref in references:
        try:
            target = _instance_for(ticket, ref, instance)
        except InvalidInput as exc:
            # Checking all: a URL of a host that is not configured is left unchecked.
            if reference is not None:
                raise
            refused.append(exc)
            continue
        check = RecordCheck(reference=ref, instance=target, checked_by=actor, model=ref.model)
        try:
            if target.pk not in clients:
                clients[target.pk] = OdooClient.for_instance(target)
            found = look_up(clients[target.pk], ref)
        except (OdooError, CannotLookUp) as exc:
            check.error = exc.full if isinstance(exc, OdooError) else exc.message
        else:
            check.exists = found.exists
            check.model, check.record_id = found.model, found.record_id
            check.display_name, check.company = found.display_name, found.company
            check.state, check.state_label = found.state, found.state_label
        pending.append(check)
    if not pending:
        raise refused[0]
    with transaction.atomic():
        kit.lock(ticket)
        for check in pending:
            check.checked_at = clock.now()
            check.save()
        record_event(
            ticket,
            actor,
            Verb.ODOO_CHECKED,
            new={"checks": [{"reference": c.reference.text, "result": c.summary} for c in pending]},
            public=False,
        )
    return pending


def reference_remove(
    *, ticket: Ticket, actor: User, reference: OdooReference, reason: str = ""
) -> None:
    """A consultant removes a URL or reference recognised by mistake (R2); its checks go
    with it. References are added with ``ticket_update(add_urls=…, add_references=…)``."""
    kit.require_staff(actor, _("remove Odoo references"))
    if reference.ticket_id != ticket.pk:
        raise InvalidInput(
            "reference", _("is not a reference of %(number)s") % {"number": ticket.number}
        )
    with transaction.atomic():
        locked = kit.lock(ticket)
        row = OdooReference.objects.filter(pk=reference.pk, ticket=locked).first()
        if row is None:
            raise IllegalTransition(_("the reference was already removed"))
        text = row.text
        row.delete()
        record_event(
            locked, actor, Verb.ODOO_REF_REMOVED, new={"odoo_ref": text}, reason=reason.strip()
        )
