"""Billing hours and statements per month (R6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from supportdesk.billing.models import Charge, Statement, StatementLine
from supportdesk.reports.selectors.common import (
    _hours,
    months_between,
)

# --- billing --------------------------------------------------------------------------

_LIVE = Q(
    statement__type=Statement.Type.INVOICE,
    statement__status__in=[Statement.Status.DRAFT, Statement.Status.ISSUED],
)


def _hours_aggregates() -> dict[str, Any]:
    return {
        "billable": Sum("billed_minutes", filter=Q(charge=Charge.CHARGED), default=0),
        "included": Sum("raw_minutes", filter=Q(charge=Charge.INCLUDED), default=0),
        "free": Sum("raw_minutes", filter=Q(charge=Charge.FREE), default=0),
        "net": Sum("amount", default=Decimal("0.00")),
    }


def _hours_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "billable_hours": _hours(row["billable"]),
        "included_hours": _hours(row["included"]),
        "free_hours": _hours(row["free"]),
        "net": Decimal(row["net"]).quantize(Decimal("0.01")),
    }


def billing_hours(first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Billable, included and free hours per organisation and month, from live statements."""
    rows = (
        StatementLine.objects.filter(_LIVE, statement__month__gte=first, statement__month__lte=last)
        .values("statement__month", "statement__organisation__name", "statement__status")
        .annotate(**_hours_aggregates())
        .order_by("-statement__month", "statement__organisation__name")
    )
    return [
        {
            "month": row["statement__month"],
            "organisation": row["statement__organisation__name"],
            "status": row["statement__status"],
            **_hours_row(dict(row)),
        }
        for row in rows
    ]


def billing_months(first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """The same hours per month for all organisations together; months without lines too."""
    return hours_by_month(StatementLine.objects.filter(_LIVE), first, last)


def hours_by_month(
    lines: QuerySet[StatementLine], first: dt.date, last: dt.date
) -> list[dict[str, Any]]:
    """Billable, included and free hours of ``lines`` per statement month from ``first`` to
    ``last``; a month without lines is a row of zeros."""
    found: dict[dt.date, dict[str, Any]] = {
        row["statement__month"]: dict(row)
        for row in lines.filter(statement__month__gte=first, statement__month__lte=last)
        .values("statement__month")
        .annotate(**_hours_aggregates())
        .order_by()
    }
    empty = {"billable": 0, "included": 0, "free": 0, "net": Decimal("0.00")}
    return [
        {"month": month, **_hours_row(found.get(month, empty))}
        for month in months_between(first, last)
    ]


def statements_by_month(first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Statements per month billed: drafted, issued, credited, and credit statements."""
    invoice = Q(type=Statement.Type.INVOICE)
    draft = invoice & Q(status=Statement.Status.DRAFT)
    issued = invoice & Q(status=Statement.Status.ISSUED)
    credited = invoice & Q(status=Statement.Status.CREDITED)
    zero = Decimal("0.00")
    found: dict[dt.date, dict[str, Any]] = {
        row["month"]: dict(row)
        for row in Statement.objects.filter(month__gte=first, month__lte=last)
        .values("month")
        .annotate(
            drafted=Count("pk", filter=draft),
            issued=Count("pk", filter=issued),
            credited=Count("pk", filter=credited),
            credit_statements=Count("pk", filter=Q(type=Statement.Type.CREDIT)),
            drafted_net=Sum("net", filter=draft, default=zero),
            issued_net=Sum("net", filter=issued, default=zero),
            credited_net=Sum("net", filter=credited, default=zero),
        )
        .order_by()
    }
    rows = []
    for month in months_between(first, last):
        row = found.get(month, {})
        rows.append(
            {
                "month": month,
                "drafted": row.get("drafted", 0),
                "issued": row.get("issued", 0),
                "credited": row.get("credited", 0),
                "credit_statements": row.get("credit_statements", 0),
                "drafted_net": Decimal(row.get("drafted_net", zero)).quantize(Decimal("0.01")),
                "issued_net": Decimal(row.get("issued_net", zero)).quantize(Decimal("0.01")),
                "credited_net": Decimal(row.get("credited_net", zero)).quantize(Decimal("0.01")),
            }
        )
    return rows
