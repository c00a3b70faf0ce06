"""Time and billing actions: log, override and correct time; draft, issue, credit statements.

Same shape as every action (DESIGN rules 1 and 2): keyword-only arguments, an explicit
``actor``, one transaction, the row locked, an ``Event`` on the ticket's timeline for
ticket work. Refusals raise ``InvalidInput``, ``IllegalTransition`` or
``PermissionDenied`` and change nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import SYSTEM_EMAIL, Organisation, Role, User
from supportdesk.billing.compute import compute_statement, line_key
from supportdesk.billing.models import (
    Override,
    Statement,
    StatementLine,
    StatementSequence,
    TimeEntry,
    month_start,
)
from supportdesk.core import clock
from supportdesk.core.errors import IllegalTransition, InvalidInput, PermissionDenied, Text
from supportdesk.tickets import kit
from supportdesk.tickets.events import Verb, record_event
from supportdesk.tickets.models import Event, Ticket

# Longest single entry: a working day and then some; longer work is several entries.
MAX_ENTRY_MINUTES = 16 * 60
DESCRIPTION_MAX = 5000
# R6: "a consultant or business consultant may override one entry".
OVERRIDE_ROLES = frozenset({Role.CONSULTANT, Role.BUSINESS_CONSULTANT, Role.ADMIN})
# Who drafts, issues, credits and exports statements.
BILLING_ROLES = frozenset({Role.BUSINESS_CONSULTANT, Role.ADMIN})


def _today() -> dt.date:
    return timezone.localdate(clock.now())


def may_bill(actor: User) -> bool:
    """Billing staff, and the system user that closes months on a schedule or command."""
    return actor.role in BILLING_ROLES or actor.email == SYSTEM_EMAIL


def _require_billing(actor: User, what: Text) -> None:
    if not may_bill(actor):
        raise PermissionDenied(
            _("only business consultants and administrators may %(what)s") % {"what": what}
        )


def _lock_organisation(organisation_id: int) -> Organisation:
    # Every change to an organisation's billing takes this lock: drafting, issuing,
    # crediting and overriding are serialised per organisation.
    return Organisation.objects.select_for_update().get(pk=organisation_id)


def _event(
    ticket: Ticket, actor: User, verb: Verb, *, new: dict[str, object], reason: str
) -> Event:
    # R9: customers see the consultants' work on their tickets.
    return record_event(ticket, actor, verb, new=new, reason=reason, public=True)


def _text(field: str, value: str | None, *, limit: int = DESCRIPTION_MAX) -> str:
    return kit.text(field, value, required=True, limit=limit)


def issued_statement_of(entry: TimeEntry) -> Statement | None:
    """The issued statement billing ``entry``, which locks it, if there is one."""
    line = StatementLine.objects.issued().filter(entry=entry).select_related("statement").first()
    return line.statement if line else None


# --- time entries -------------------------------------------------------------------


def time_log(
    *,
    ticket: Ticket,
    actor: User,
    minutes: int,
    description: str,
    date: dt.date | None = None,
) -> TimeEntry:
    """Log what a consultant did on a ticket, in raw minutes (R6; shown to the customer, R9).

    Billed minutes are never typed: the charging rules compute them on the statement.
    """
    kit.require_staff(actor, _("log time"))
    minutes = kit.minutes("minutes", minutes, most=MAX_ENTRY_MINUTES)
    description = _text("description", description)
    day = date or _today()
    if day > _today():
        raise InvalidInput(
            "date",
            _("%(day)s is in the future: log time once it is done") % {"day": day.isoformat()},
        )
    with transaction.atomic():
        ticket = kit.lock(ticket)
        entry = TimeEntry.objects.create(
            ticket=ticket,
            consultant=actor,
            date=day,
            minutes=minutes,
            description=description,
            created_at=clock.now(),
        )
        _event(
            ticket,
            actor,
            Verb.TIME_LOGGED,
            new={"entry": entry.pk, "minutes": minutes, "date": day.isoformat()},
            reason=description,
        )
    return entry


def time_override(*, entry: TimeEntry, actor: User, charge: str, reason: str = "") -> TimeEntry:
    """Override the charging rules for one entry, free or charged, with a reason (R6).

    ``charge=""`` returns the entry to the rules. An entry on an issued statement is
    locked: correct it instead.
    """
    if actor.role not in OVERRIDE_ROLES:
        raise PermissionDenied(_("only consultants and business consultants may override a charge"))
    if charge not in Override.values:
        raise InvalidInput(
            "charge", _("%(charge)r is not one of 'free', 'charged' or ''") % {"charge": charge}
        )
    reason = _text("reason", reason) if charge else ""
    with transaction.atomic():
        _lock_organisation(entry.ticket.organisation_id)
        entry = TimeEntry.objects.select_for_update().select_related("ticket").get(pk=entry.pk)
        if entry.corrects_id:
            raise IllegalTransition(
                _("a correction is charged as the entry it corrects: override that entry")
            )
        issued = issued_statement_of(entry)
        if issued is not None:
            raise IllegalTransition(
                _(
                    "the %(day)s entry is on issued statement %(number)s: it is locked; "
                    "correct it instead"
                )
                % {"day": entry.date.isoformat(), "number": issued.number}
            )
        if charge == entry.override and reason == entry.override_reason:
            return entry
        entry.override = charge
        entry.override_reason = reason
        entry.override_by = actor if charge else None
        entry.override_at = clock.now() if charge else None
        entry.save(update_fields=["override", "override_reason", "override_by", "override_at"])
        _event(
            entry.ticket,
            actor,
            Verb.TIME_OVERRIDDEN,
            new={"entry": entry.pk, "charge": charge or "rules"},
            reason=reason or "charged by the rules again",
        )
    return entry


def time_correct(*, entry: TimeEntry, actor: User, minutes: int, reason: str) -> TimeEntry:
    """Take minutes back from an entry: a credit line on the next statement (R6).

    Entries on issued statements are never edited; this is how they are corrected.
    """
    kit.require_staff(actor, _("correct time"))
    reason = _text("reason", reason)
    with transaction.atomic():
        entry = TimeEntry.objects.select_for_update().select_related("ticket").get(pk=entry.pk)
        if entry.corrects_id:
            raise IllegalTransition(
                _("a correction cannot be corrected: correct the original entry")
            )
        taken = entry.corrections.aggregate(total=Sum("minutes"))["total"] or 0
        left = entry.minutes - taken
        if left <= 0:
            raise IllegalTransition(
                _("the %(day)s entry has been corrected to 0 minutes already")
                % {"day": entry.date.isoformat()}
            )
        minutes = kit.minutes("minutes", minutes, most=left)
        correction = TimeEntry.objects.create(
            ticket=entry.ticket,
            consultant=actor,
            date=_today(),
            minutes=minutes,
            description=f"Correction: {reason}",
            corrects=entry,
            created_at=clock.now(),
        )
        _event(
            entry.ticket,
            actor,
            Verb.TIME_CORRECTED,
            new={"entry": correction.pk, "corrects": entry.pk, "minutes": -minutes},
            reason=reason,
        )
    return correction


# --- statements ---------------------------------------------------------------------


def statement_draft(*, organisation: Organisation, month: dt.date, actor: User) -> Statement | None:
    """Draft (or draft again) an organisation's statement for a month (R6).

    Returns ``None`` and removes a stale draft when there is nothing to bill.
    """
    _require_billing(actor, _("draft statements"))
    month = month_start(month)
    with transaction.atomic():
        organisation = _lock_organisation(organisation.pk)
        live = Statement.objects.filter(
            organisation=organisation,
            month=month,
            type=Statement.Type.INVOICE,
            status__in=[Statement.Status.DRAFT, Statement.Status.ISSUED],
        ).first()
        if live is not None and not live.is_draft:
            raise IllegalTransition(
                _(
                    "%(organisation)s has issued statement %(number)s for %(month)s: credit it "
                    "before drafting the month again"
                )
                % {"organisation": organisation, "number": live.number, "month": f"{month:%Y-%m}"}
            )
        computed = compute_statement(organisation, month, draft=live)
        if not computed.lines:
            if live is not None:
                live.delete()
            return None
        statement = live or Statement(
            organisation=organisation, month=month, type=Statement.Type.INVOICE
        )
        statement.hourly_rate = computed.rate
        statement.vat_percent = computed.vat_percent
        statement.billed_minutes = computed.billed_minutes
        statement.net, statement.vat, statement.gross = computed.net, computed.vat, computed.gross
        statement.drafted_at = clock.now()
        statement.save()
        statement.lines.all().delete()
        for line in computed.lines:
            line.statement = statement
        StatementLine.objects.bulk_create(computed.lines)
    return statement


def close_month(*, month: dt.date, actor: User) -> list[Statement]:
    """Draft the month's statements for every organisation with time to bill (R6)."""
    _require_billing(actor, _("close a month"))
    month = month_start(month)
    # Organisations with unbilled time up to the month's end, or a draft to refresh.
    on_live = StatementLine.objects.filter(
        entry__isnull=False,
        statement__type=Statement.Type.INVOICE,
        statement__status__in=[Statement.Status.DRAFT, Statement.Status.ISSUED],
    ).values("entry_id")
    ids = set(
        TimeEntry.objects.filter(date__lt=_next_month(month))
        .exclude(pk__in=on_live)
        .values_list("ticket__organisation_id", flat=True)
        .distinct()
    ) | set(
        Statement.objects.filter(month=month, status=Statement.Status.DRAFT).values_list(
            "organisation_id", flat=True
        )
    )
    drafted = []
    for organisation in Organisation.objects.filter(pk__in=ids).order_by("name"):
        if Statement.objects.filter(
            organisation=organisation,
            month=month,
            type=Statement.Type.INVOICE,
            status=Statement.Status.ISSUED,
        ).exists():
            continue
        statement = statement_draft(organisation=organisation, month=month, actor=actor)
        if statement is not None:
            drafted.append(statement)
    return drafted


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _format_number(year: int, n: int) -> str:
    return f"{year}-{n:04d}"


def next_number(year: int) -> str:
    """The number the next statement issued in ``year`` gets, unless another is issued first
    (shown before issuing; ``_take_number`` takes it under a lock)."""
    last = StatementSequence.objects.filter(year=year).values_list("last", flat=True).first()
    return _format_number(year, (last or 0) + 1)


def _take_number(year: int) -> str:
    StatementSequence.objects.get_or_create(year=year)
    sequence = StatementSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return _format_number(year, sequence.last)


def statement_issue(*, statement: Statement, actor: User) -> Statement:
    """Issue a draft: it gets the year's next number and is never changed again (R6).

    Refused when the time behind it changed since it was drafted: the draft a person
    reviewed is the statement that is issued.
    """
    _require_billing(actor, _("issue statements"))
    with transaction.atomic():
        _lock_organisation(statement.organisation_id)
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        if not statement.is_draft:
            raise IllegalTransition(statement.refusal())
        computed = compute_statement(statement.organisation, statement.month, draft=statement)
        stored = [line_key(line) for line in statement.lines.order_by("position")]
        if [line_key(line) for line in computed.lines] != stored or (
            computed.rate != statement.hourly_rate
        ):
            raise IllegalTransition(
                _(
                    "the draft for %(organisation)s %(month)s is out of date: time or rules "
                    "changed since it was drafted; draft it again and review it"
                )
                % {"organisation": statement.organisation, "month": f"{statement.month:%Y-%m}"}
            )
        _stamp_issued(statement, actor)
    return statement


def _stamp_issued(statement: Statement, actor: User) -> dt.datetime:
    """Give ``statement`` the year's next number and mark it issued by ``actor``, now."""
    now = clock.now()
    statement.number = _take_number(timezone.localdate(now).year)
    statement.status = Statement.Status.ISSUED
    statement.issued_at = now
    statement.issued_by = actor
    statement.save()
    return now


def _negated(row: Any, *fields: str) -> dict[str, Any]:
    """The amounts of a statement or line with the sign turned: what a credit repeats."""
    return {field: -getattr(row, field) for field in fields}


def statement_credit(*, statement: Statement, actor: User, reason: str) -> Statement:
    """Cancel an issued statement with a credit statement that nets it to zero (R6).

    Its time entries are released: the next draft of the month bills them again.
    """
    _require_billing(actor, _("credit statements"))
    reason = _text("reason", reason, limit=1000)
    with transaction.atomic():
        _lock_organisation(statement.organisation_id)
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        if statement.type == Statement.Type.CREDIT:
            raise IllegalTransition(
                _("%(number)s is a credit statement: it is final") % {"number": statement.number}
            )
        if statement.status != Statement.Status.ISSUED:
            raise IllegalTransition(
                _("only an issued statement can be credited; this one is %(status)s")
                % {"status": statement.get_status_display()}
            )
        # Written as a draft, then issued in the same transaction: lines are only ever
        # added to drafts.
        credit = Statement.objects.create(
            organisation=statement.organisation,
            month=statement.month,
            type=Statement.Type.CREDIT,
            credits=statement,
            currency=statement.currency,
            hourly_rate=statement.hourly_rate,
            vat_percent=statement.vat_percent,
            note=reason,
            **_negated(statement, "billed_minutes", "net", "vat", "gross"),
            drafted_at=clock.now(),
        )
        StatementLine.objects.bulk_create(
            StatementLine(
                statement=credit,
                position=line.position,
                type=StatementLine.Type.CREDIT,
                ticket_id=line.ticket_id,
                entry=None,
                date=line.date,
                consultant_name=line.consultant_name,
                description=line.description,
                charge=line.charge,
                **_negated(line, "raw_minutes", "billed_minutes", "amount"),
                reason_data={
                    "type": "credit",
                    "number": statement.number,
                    "of": line.reason_data or {"type": "text", "text": line.legacy_reason},
                },
            )
            for line in statement.lines.order_by("position")
        )
        now = _stamp_issued(credit, actor)
        statement.status = Statement.Status.CREDITED
        statement.credited_at = now
        statement.save(update_fields=["status", "credited_at"])
    return credit
