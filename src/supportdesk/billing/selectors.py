"""Reads of time and billing: entries with their reasons, statements for a user (R6, R9)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from supportdesk.accounts.models import Agreement, User
from supportdesk.billing.models import Charge, Statement, StatementLine, TimeEntry
from supportdesk.billing.reasons import Reason
from supportdesk.billing.rules import Decision, agreement_on, decide
from supportdesk.tickets.models import Ticket


@dataclass(frozen=True)
class EntryView:
    """A time entry as the timeline shows it: what was done, and how it is charged."""

    entry: TimeEntry
    date: dt.date
    consultant: User
    minutes: int  # signed: a correction is negative
    description: str
    charge: str  # free, included or charged
    reason: str  # "free — server infrastructure question", …
    billable: bool
    overridden: bool
    statement_number: str  # the issued statement that bills it, or ""

    @property
    def locked(self) -> bool:
        return bool(self.statement_number)

    @property
    def is_correction(self) -> bool:
        return self.entry.corrects_id is not None

    @property
    def charge_label(self) -> str:
        return str(Charge(self.charge).label)


def issued_lines(entries: list[TimeEntry]) -> dict[int, StatementLine]:
    """The line on an issued (not credited) statement for each entry that has one."""
    lines = (
        StatementLine.objects.issued()
        .filter(entry_id__in=[e.pk for e in entries])
        .select_related("statement")
        .only("entry_id", "charge", "reason_data", "legacy_reason", "statement__number")
    )
    return {line.entry_id: line for line in lines if line.entry_id is not None}


def _line_reason(line: StatementLine) -> Reason:
    return line.reason_data or {"type": "text", "text": line.legacy_reason}


def entry_decision(
    entry: TimeEntry,
    ticket: Ticket,
    agreements: list,
    *,
    issued: StatementLine | None = None,
    base_issued: StatementLine | None = None,
) -> Decision:
    """How ``entry`` is charged: as its issued line says, else by the rules today.

    A correction follows the entry it corrects: as that entry was billed, when it was.
    """
    if issued is not None:
        return Decision(issued.charge, _line_reason(issued), None)
    base = entry.corrects if entry.corrects_id else entry
    assert base is not None
    if entry.corrects_id and base_issued is not None:
        decision = Decision(base_issued.charge, _line_reason(base_issued), None)
    else:
        decision = decide(
            kind=ticket.kind,
            code_owner=ticket.code_owner,
            day=base.date,
            agreement=agreement_on(agreements, base.date),
            override=base.override,
            override_reason=base.override_reason,
            override_by=str(base.override_by) if base.override_by_id else "",
        )
    if entry.corrects_id:
        return Decision(
            decision.charge,
            {"type": "correction", "day": base.date.isoformat(), "of": decision.reason_data},
            decision.rule,
        )
    return decision


def entries_for_ticket(
    ticket: Ticket, *, agreements: list[Agreement] | None = None
) -> list[EntryView]:
    """Every time entry of ``ticket`` with a human reason, billable or not (R9 timeline).

    Three queries whatever the number of entries. Callers reach ``ticket`` through the
    tickets access helpers; every entry of a ticket its viewer may see is shown (R9).
    """
    entries = list(
        TimeEntry.objects.filter(ticket=ticket)
        .select_related("consultant", "override_by", "corrects__override_by")
        .order_by("date", "id")
    )
    if not entries:
        return []
    if agreements is None:  # the caller may have read the organisation's agreements
        agreements = list(ticket.organisation.agreements.all())
    issued = issued_lines(entries)
    views = []
    for entry in entries:
        line = issued.get(entry.pk)
        decision = entry_decision(
            entry,
            ticket,
            agreements,
            issued=line,
            base_issued=issued.get(entry.corrects_id) if entry.corrects_id else None,
        )
        views.append(
            EntryView(
                entry=entry,
                date=entry.date,
                consultant=entry.consultant,
                minutes=entry.signed_minutes,
                description=entry.description,
                charge=decision.charge,
                reason=decision.reason,
                billable=decision.billable,
                overridden=bool(entry.override),
                statement_number=(line.statement.number or "") if line else "",
            )
        )
    return views


# --- statements ---------------------------------------------------------------------


def statements_for_user(user: User) -> QuerySet[Statement]:
    """Statements ``user`` may see: staff all, drafts included; the organisation's billing
    contacts and members who may see all its tickets, its issued and credit statements.

    Any other customer user sees none: a statement names every ticket of the month.
    """
    if not user.is_authenticated or not user.is_active:
        return Statement.objects.none()
    queryset = Statement.objects.select_related("organisation", "credits", "credited_by")
    if user.is_support_staff:
        return queryset
    if not user.sees_statements or user.organisation_id is None:
        return Statement.objects.none()
    return queryset.filter(organisation_id=user.organisation_id).exclude(
        status=Statement.Status.DRAFT
    )


def statement_for_user(user: User, number: str, *, for_update: bool = False) -> Statement:
    """The statement numbered ``number`` (``2027-0001``, or ``draft-12`` for staff), else 404."""
    queryset = statements_for_user(user)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    if number.startswith("draft-"):
        pk = number.removeprefix("draft-")
        if not pk.isdigit() or len(pk) > 12:
            raise Http404("no such statement")
        lookup = {"pk": int(pk), "status": Statement.Status.DRAFT}
    else:
        lookup = {"number": number}
    try:
        statement = queryset.get(**lookup)
    except Statement.DoesNotExist:
        raise Http404("no such statement") from None
    return statement


def statement_lines(statement: Statement) -> QuerySet[StatementLine]:
    return statement.lines.select_related("ticket").order_by("position")


def statement_lines_for_user(user: User, statement: Statement) -> list[StatementLine]:
    """The lines of ``statement`` as ``user`` may read them.

    A line for a ticket the viewer could not open keeps its number, minutes, amount and
    reason, but not the ticket's subject nor the work description: ``line.withheld`` is
    set and those fields are blanked on the (unsaved) line objects.
    """
    from supportdesk.tickets.access import tickets_for_user

    lines = list(statement_lines(statement))
    ticket_ids = {line.ticket_id for line in lines}
    visible = set(tickets_for_user(user).filter(pk__in=ticket_ids).values_list("pk", flat=True))
    for line in lines:
        line.withheld = line.ticket_id not in visible
        if line.withheld:
            line.description = ""
            line.ticket.subject = ""
    return lines
