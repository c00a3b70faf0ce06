"""Export of an issued statement to the partner's own Odoo as a draft customer invoice.

Optional: on when ``BILLING_ODOO_URL`` (with database, user and API key) is set. It goes
through the Odoo client (``supportdesk.odoo.client``), which guards the host, pins the
vetted address, refuses redirects and times every call out (``ODOO_TIMEOUT``).

A statement becomes an ``account.move`` of type ``out_invoice`` (a credit statement an
``out_refund``) in draft, one invoice line per billed line with its reason, for the
Odoo customer named in the organisation's billing profile. The call to Odoo is made
outside any database transaction; an invoice already carrying the statement's number
as reference is found and reused, so a retried export never makes a second one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.accounts.models import User
from supportdesk.billing.actions import may_bill
from supportdesk.billing.models import BillingProfile, Statement
from supportdesk.core import clock
from supportdesk.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from supportdesk.odoo.client import OdooClient, OdooError


class ExportFailed(Exception):
    """Odoo could not be reached or refused the invoice; the message says why."""


def is_configured() -> bool:
    return bool(settings.BILLING_ODOO_URL)


def partner_client() -> OdooClient:
    """A client for the partner's own Odoo, speaking the API its version offers."""
    client = OdooClient(
        url=settings.BILLING_ODOO_URL,
        database=settings.BILLING_ODOO_DB,
        login=settings.BILLING_ODOO_USER,
        api_key=settings.BILLING_ODOO_API_KEY,
    )
    client.api = client.version().api
    return client


def invoice_values(statement: Statement, partner_id: int) -> dict[str, Any]:
    """The ``account.move`` values of a statement: a draft invoice, or a refund for a credit."""
    refund = statement.type == Statement.Type.CREDIT
    sign = -1 if refund else 1  # a refund carries positive amounts
    lines = []
    for line in statement.lines.select_related("ticket").order_by("position"):
        if line.billed_minutes == 0 and line.amount == 0:
            continue  # free and included lines are on the statement, not on the invoice
        when = f" {line.date.isoformat()}" if line.date else ""
        what = f": {line.description}" if line.description else ""
        name = (
            f"{line.ticket_number}{when}{what} — {line.billed_minutes * sign} min ({line.reason})"
        )
        lines.append(
            (0, 0, {"name": name[:2000], "quantity": 1, "price_unit": float(line.amount * sign)})
        )
    return {
        "move_type": "out_refund" if refund else "out_invoice",
        "partner_id": partner_id,
        "ref": statement.number,
        "invoice_date": statement.issued_at.date().isoformat() if statement.issued_at else False,
        "narration": f"Support statement {statement.number}, {statement.month:%Y-%m}",
        "invoice_line_ids": lines,
    }


def statement_export(*, statement: Statement, actor: User) -> int:
    """Create the statement's draft invoice in the partner's Odoo; its id is kept (R6)."""
    if not may_bill(actor):
        raise PermissionDenied(_("only business consultants and administrators may export"))
    if not is_configured():
        raise IllegalTransition(_("export to Odoo is not configured: set BILLING_ODOO_URL"))
    statement = Statement.objects.select_related("organisation").get(pk=statement.pk)
    if statement.is_draft:
        raise IllegalTransition(_("a draft is not exported: issue it first"))
    if statement.odoo_move_id:
        raise IllegalTransition(
            _("statement %(number)s was exported already as invoice %(move)s")
            % {"number": statement.number, "move": statement.odoo_move_id}
        )
    profile = BillingProfile.objects.filter(organisation=statement.organisation).first()
    if profile is None or not profile.odoo_partner_id:
        raise InvalidInput(
            "odoo_partner_id",
            _("%(organisation)s has no customer id in our Odoo: set it in its billing profile")
            % {"organisation": statement.organisation},
        )
    values = invoice_values(statement, profile.odoo_partner_id)
    try:
        client = partner_client()
        found = client.search_read(
            "account.move",
            [("ref", "=", statement.number), ("move_type", "=", values["move_type"])],
            ["id"],
            limit=1,
        )
        # Positional values: see OdooClient.create (Odoo's call_kw reads args[0]).
        move_id = int(found[0]["id"]) if found else client.create("account.move", [values])[0]
    except OdooError as exc:
        raise ExportFailed(f"export of {statement.number} to Odoo failed: {exc.message}") from None
    with transaction.atomic():
        locked = Statement.objects.select_for_update().get(pk=statement.pk)
        locked.odoo_move_id = move_id
        locked.exported_at = clock.now()
        locked.save(update_fields=["odoo_move_id", "exported_at"])
    return move_id
