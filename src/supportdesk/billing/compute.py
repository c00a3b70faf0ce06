"""The lines of one organisation's statement for one month, computed from the rules (R6).

Pure reads: the actions in ``actions.py`` write what this returns. Each entry not yet
on a live statement becomes a line with its decision; per ticket, one adjustment line
brings the billed minutes to what the minimum charge and rounding require, counting
what issued statements already billed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum

from supportdesk.accounts.models import Organisation
from supportdesk.billing.models import (
    BillingProfile,
    Charge,
    Statement,
    StatementLine,
    TimeEntry,
    month_end,
)
from supportdesk.billing.rules import adjustment_reason, amount_for, billed_total, vat_for
from supportdesk.billing.selectors import entry_decision, issued_lines
from supportdesk.tickets.models import Ticket

LineKey = tuple[str, int, int | None, int, int, str, str, Decimal]


@dataclass
class Computed:
    """A statement's lines and totals before they are written."""

    rate: Decimal
    vat_percent: Decimal
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def billed_minutes(self) -> int:
        return sum(line.billed_minutes for line in self.lines)

    @property
    def net(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def vat(self) -> Decimal:
        return vat_for(self.net, self.vat_percent)

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


def line_key(line: StatementLine) -> LineKey:
    """What must match between a reviewed draft and the statement issued from it."""
    return (
        line.type,
        line.ticket_id,
        line.entry_id,
        line.raw_minutes,
        line.billed_minutes,
        line.charge,
        json.dumps(line.reason_data, sort_keys=True),
        line.amount,
    )


def profile_for(organisation: Organisation) -> BillingProfile:
    profile = BillingProfile.objects.filter(organisation=organisation).first()
    return profile or BillingProfile(organisation=organisation)


def _unbilled_entries(
    organisation: Organisation, until: dt.date, draft: Statement | None
) -> list[TimeEntry]:
    """Entries up to ``until`` that no issued statement or other draft bills yet."""
    on_live = StatementLine.objects.filter(
        entry__isnull=False, statement__type=Statement.Type.INVOICE
    ).filter(Q(statement__status=Statement.Status.ISSUED) | Q(statement__status="draft"))
    if draft is not None and draft.pk:
        on_live = on_live.exclude(statement=draft)
    return list(
        TimeEntry.objects.filter(ticket__organisation=organisation, date__lte=until)
        .exclude(pk__in=on_live.values("entry_id"))
        .select_related("ticket", "consultant", "override_by", "corrects__override_by")
        .order_by("ticket_id", "date", "id")
    )


def _billed_before(ticket_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per ticket: (billed minutes, chargeable minutes) on issued, uncredited statements."""
    rows = (
        StatementLine.objects.issued()
        .filter(ticket_id__in=ticket_ids)
        .values("ticket_id")
        .annotate(
            billed=Sum("billed_minutes"),
            chargeable=Sum(
                "raw_minutes",
                filter=Q(
                    charge=Charge.CHARGED,
                    type__in=[StatementLine.Type.ENTRY, StatementLine.Type.CORRECTION],
                ),
            ),
        )
    )
    return {row["ticket_id"]: (row["billed"] or 0, row["chargeable"] or 0) for row in rows}


def compute_statement(
    organisation: Organisation, month: dt.date, *, draft: Statement | None = None
) -> Computed:
    """The lines ``organisation`` is billed for ``month`` (entries up to its last day)."""
    profile = profile_for(organisation)
    increment = profile.rounding_minutes
    result = Computed(rate=profile.rate, vat_percent=settings.BILLING_VAT_PERCENT)
    entries = _unbilled_entries(organisation, month_end(month), draft)
    if not entries:
        return result
    agreements = list(organisation.agreements.all())
    by_ticket: dict[int, list[TimeEntry]] = defaultdict(list)
    for entry in entries:
        by_ticket[entry.ticket_id].append(entry)
    before = _billed_before(list(by_ticket))
    # A correction is billed as the entry it corrects was, if an issued statement billed it.
    corrected = issued_lines([e.corrects for e in entries if e.corrects is not None])
    position = 0

    def add(**fields: object) -> None:
        nonlocal position
        position += 1
        billed = fields["billed_minutes"]
        assert isinstance(billed, int)
        result.lines.append(
            StatementLine(position=position, amount=amount_for(billed, result.rate), **fields)
        )

    for ticket_id, ticket_entries in by_ticket.items():
        ticket: Ticket = ticket_entries[0].ticket
        ticket.organisation = organisation
        chargeable_now = 0
        for entry in ticket_entries:
            decision = entry_decision(
                entry,
                ticket,
                agreements,
                base_issued=corrected.get(entry.corrects_id) if entry.corrects_id else None,
            )
            minutes = entry.signed_minutes
            billed = minutes if decision.billable else 0
            chargeable_now += billed
            add(
                type=(
                    StatementLine.Type.CORRECTION if entry.corrects_id else StatementLine.Type.ENTRY
                ),
                ticket_id=ticket_id,
                entry=entry,
                date=entry.date,
                consultant_name=str(entry.consultant)[:200],
                description=entry.description,
                raw_minutes=minutes,
                billed_minutes=billed,
                charge=decision.charge,
                reason_data=decision.reason_data,
            )
        billed_before, chargeable_before = before.get(ticket_id, (0, 0))
        logged = chargeable_before + chargeable_now
        total = billed_total(logged, increment=increment)
        adjustment = total - billed_before - chargeable_now
        if adjustment:
            add(
                type=StatementLine.Type.ADJUSTMENT,
                ticket_id=ticket_id,
                entry=None,
                date=None,
                consultant_name="",
                description="",
                raw_minutes=0,
                billed_minutes=adjustment,
                charge=Charge.CHARGED,
                reason_data=adjustment_reason(
                    logged=logged, before=billed_before, total=total, increment=increment
                ),
            )
    return result
