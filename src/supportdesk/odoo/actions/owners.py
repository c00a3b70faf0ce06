"""The code owner of a model or field (R7): classified from the instance, or overridden."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.accounts.models import User
from supportdesk.core import clock
from supportdesk.core.errors import InvalidInput
from supportdesk.odoo.actions.instances import _instance_for
from supportdesk.odoo.client import OdooClient, OdooError
from supportdesk.odoo.models import OdooInstance, OwnerClassification
from supportdesk.odoo.ownership import NotOnInstance, classify, gather
from supportdesk.tickets import kit
from supportdesk.tickets.actions import ticket_update
from supportdesk.tickets.events import Verb, record_event
from supportdesk.tickets.models import CodeOwner, Ticket

_MODEL = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*")
_FIELD = re.compile(r"[a-z_][a-z0-9_]*")


def _partner_authors() -> list[str]:
    return list(getattr(settings, "ODOO_PARTNER_AUTHORS", []))


def code_owner_classify(
    *,
    ticket: Ticket,
    actor: User,
    model: str,
    field: str = "",
    instance: OdooInstance | None = None,
) -> OwnerClassification:
    """Classify the code owner of a model or field from the instance (R7).

    Reads ``ir.model``, ``ir.model.fields``, ``ir.model.data`` and ``ir.module.module``;
    the result is stored with its evidence and sets the ticket's code owner, unless a
    consultant overrode it (an override stands until another override).
    """
    kit.require_staff(actor, _("classify the code owner"))
    model = kit.text("model", model, required=True, limit=128)
    field = kit.text("field", field, required=False, limit=128)
    if not _MODEL.fullmatch(model):
        raise InvalidInput(
            "model", _("%(value)r is not an Odoo model name like sale.order") % {"value": model}
        )
    if field and not _FIELD.fullmatch(field):
        raise InvalidInput(
            "field", _("%(value)r is not an Odoo field name like partner_id") % {"value": field}
        )
    target = _instance_for(ticket, None, instance)
    own_authors = [a for a in target.own_module_authors.split(",") if a.strip()]
    try:
        facts = gather(OdooClient.for_instance(target), model, field)
    except NotOnInstance as exc:
        raise InvalidInput(exc.field, exc.message) from None
    except OdooError as exc:
        raise InvalidInput(
            "instance", _("%(instance)s: %(error)s") % {"instance": target, "error": exc.message}
        ) from None
    result = classify(facts, partner_authors=_partner_authors(), own_authors=own_authors)
    with transaction.atomic():
        locked = kit.lock(ticket)
        row = OwnerClassification.objects.create(
            ticket=locked,
            instance=target,
            source=OwnerClassification.Source.INSTANCE,
            owner=result.owner,
            model=model,
            field=field,
            module=result.module,
            vendor=result.vendor[:300],
            licence=result.licence[:32],
            explanation=result.explanation,
            evidence=result.evidence,
            created_by=actor,
            created_at=clock.now(),
        )
        overridden = (
            OwnerClassification.objects.filter(ticket=locked)
            .exclude(pk=row.pk)
            .values_list("source", flat=True)
            .first()
            == OwnerClassification.Source.OVERRIDE
        )
        record_event(
            locked,
            actor,
            Verb.CODE_OWNER_CLASSIFIED,
            new={"owner": result.owner, "subject": facts.subject, "module": result.module},
            reason=result.explanation,
            public=False,
        )
        if result.owner and not overridden and locked.code_owner != result.owner:
            ticket_update(
                ticket=locked,
                actor=actor,
                code_owner=result.owner,
                reason=f"classified on {target.name}: {result.explanation}",
            )
    return row


def code_owner_override(
    *, ticket: Ticket, actor: User, owner: str, reason: str
) -> OwnerClassification:
    """A consultant sets the code owner against or without a classification (R7); the
    reason is required and kept on the timeline."""
    kit.require_staff(actor, _("set the code owner"))
    reason = kit.text("reason", reason, required=True, limit=2000)
    if owner not in CodeOwner.values or not owner:
        allowed = ", ".join(repr(v) for v in CodeOwner.values if v)
        raise InvalidInput(
            "owner", _("%(value)r is not one of %(allowed)s") % {"value": owner, "allowed": allowed}
        )
    with transaction.atomic():
        locked = kit.lock(ticket)
        latest = OwnerClassification.objects.filter(ticket=locked).first()
        row = OwnerClassification.objects.create(
            ticket=locked,
            instance=latest.instance if latest else None,
            source=OwnerClassification.Source.OVERRIDE,
            owner=owner,
            model=latest.model if latest else "",
            field=latest.field if latest else "",
            module=latest.module if latest else "",
            vendor=latest.vendor if latest else "",
            licence=latest.licence if latest else "",
            explanation=f"Set by {actor}: {reason}",
            reason=reason,
            created_by=actor,
            created_at=clock.now(),
        )
        if locked.code_owner != owner:
            ticket_update(ticket=locked, actor=actor, code_owner=owner, reason=reason)
        else:
            record_event(
                locked, actor, Verb.CODE_OWNER_CONFIRMED, new={"owner": owner}, reason=reason
            )
    return row
