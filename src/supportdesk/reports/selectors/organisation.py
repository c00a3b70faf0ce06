"""One organisation's figures (the customer's view)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet

from supportdesk.accounts.models import Organisation
from supportdesk.billing.models import Statement, StatementLine
from supportdesk.reports.selectors.billing import hours_by_month
from supportdesk.tickets.models import (
    Status,
    Ticket,
)

# --- one organisation (the customer's view) -------------------------------------------


def tickets_by_status(organisation: Organisation) -> list[dict[str, Any]]:
    found = dict(
        Ticket.objects.filter(organisation=organisation)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("status", "n")
    )
    return [
        {"status": value, "label": str(label), "tickets": found.get(value, 0)}
        for value, label in Status.choices
    ]


def billed_hours_by_month(
    organisation: Organisation, first: dt.date, last: dt.date
) -> list[dict[str, Any]]:
    """Hours on the organisation's issued statements per month (what it was billed, R9).

    Drafts are not shown to customers; a credited statement no longer bills anything.
    """
    lines = StatementLine.objects.filter(
        statement__organisation=organisation,
        statement__type=Statement.Type.INVOICE,
        statement__status=Statement.Status.ISSUED,
    )
    return hours_by_month(lines, first, last)


def organisation_tickets(organisation: Organisation) -> QuerySet[Ticket]:
    return Ticket.objects.filter(organisation=organisation)
