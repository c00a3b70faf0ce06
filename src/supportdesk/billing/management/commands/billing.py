"""``supportdesk billing``: close a month, explain a ticket's charges, issue, export.

supportdesk billing close --month 2027-03      draft the month's statements
supportdesk billing explain SD-24017           how each entry was charged, and why
supportdesk billing issue 2027-03 --organisation "Alpha AB"
supportdesk billing export 2027-0001           draft invoice in our Odoo
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Sum
from django.http import Http404

from supportdesk.accounts.models import Organisation, User, system_user
from supportdesk.billing import actions, odoo_export
from supportdesk.billing.compute import profile_for
from supportdesk.billing.forms import parse_month
from supportdesk.billing.models import Statement, StatementLine
from supportdesk.billing.rules import MINIMUM_MINUTES, billed_total
from supportdesk.billing.selectors import entries_for_ticket, statement_for_user
from supportdesk.core.errors import ActionError
from supportdesk.tickets.access import ticket_for_user


def _month(text: str) -> Any:
    try:
        return parse_month(text)
    except forms.ValidationError:
        raise CommandError(f"--month: {text!r} is not a month like 2027-03") from None


def _named[T](lookup: Callable[[User, str], T], what: str, number: str) -> T:
    """The statement or ticket the command line names (``what`` says which), else an error."""
    try:
        return lookup(system_user(), number)
    except Http404:
        raise CommandError(f"no {what} numbered {number!r}") from None


class Command(BaseCommand):
    help = "Statements and charges: close a month, explain a ticket, issue, export."

    def add_arguments(self, parser: Any) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        close = commands.add_parser("close", help="draft the month's statements")
        close.add_argument("--month", required=True, help="the month, like 2027-03")
        explain = commands.add_parser("explain", help="how a ticket's time was charged")
        explain.add_argument("ticket", help="the ticket number, like SD-24017")
        issue = commands.add_parser("issue", help="issue the month's draft statements")
        issue.add_argument("--month", required=True)
        issue.add_argument("--organisation", help="only this organisation (its name)")
        export = commands.add_parser("export", help="export a statement to our Odoo")
        export.add_argument("number", help="the statement number, like 2027-0001")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ActionError as exc:
            raise CommandError(exc.message) from None
        except odoo_export.ExportFailed as exc:
            raise CommandError(str(exc)) from None

    def _close(self, options: dict[str, Any]) -> None:
        month = _month(options["month"])
        drafted = actions.close_month(month=month, actor=system_user())
        for statement in drafted:
            self.stdout.write(
                f"{statement.organisation}: draft {statement.month:%Y-%m}, "
                f"{statement.lines.count()} lines, {statement.billed_minutes} min billed, "
                f"{statement.gross} {statement.currency} incl. VAT"
            )
        self.stdout.write(f"{len(drafted)} draft statement(s) for {month:%Y-%m}.")

    def _issue(self, options: dict[str, Any]) -> None:
        month = _month(options["month"])
        drafts = Statement.objects.filter(month=month, status=Statement.Status.DRAFT)
        if options.get("organisation"):
            try:
                organisation = Organisation.objects.get(name=options["organisation"])
            except Organisation.DoesNotExist:
                raise CommandError(
                    f"--organisation: no organisation named {options['organisation']!r}"
                ) from None
            drafts = drafts.filter(organisation=organisation)
        for draft in drafts.select_related("organisation").order_by("organisation__name"):
            statement = actions.statement_issue(statement=draft, actor=system_user())
            self.stdout.write(f"{statement.organisation}: issued {statement.number}")

    def _export(self, options: dict[str, Any]) -> None:
        statement = _named(statement_for_user, "statement", options["number"])
        move_id = odoo_export.statement_export(statement=statement, actor=system_user())
        self.stdout.write(f"{statement.number}: draft invoice {move_id} in Odoo")

    def _explain(self, options: dict[str, Any]) -> None:
        ticket = _named(ticket_for_user, "ticket", options["ticket"])
        out = self.stdout.write
        owner = f", code owner {ticket.get_code_owner_display()}" if ticket.code_owner else ""
        out(f"{ticket.number} {ticket.subject}")
        out(f"{ticket.organisation} · {ticket.get_kind_display()}{owner}")
        entries = entries_for_ticket(ticket)
        if not entries:
            out("No time logged.")
            return
        for view in entries:
            where = (
                f"  [statement {view.statement_number}]" if view.locked else "  [not billed yet]"
            )
            out(
                f"  {view.date.isoformat()}  {view.minutes:>5} min  {view.consultant}: "
                f"{view.description[:60]}"
            )
            out(f"      {view.reason}{where}")
        chargeable = sum(view.minutes for view in entries if view.billable)
        increment = profile_for(ticket.organisation).rounding_minutes
        total = billed_total(chargeable, increment=increment)
        issued = StatementLine.objects.issued().filter(ticket=ticket)
        before = issued.aggregate(total=Sum("billed_minutes"))["total"] or 0
        logged = sum(view.minutes for view in entries)
        rounding = f", rounded up to a multiple of {increment} min" if increment else ""
        out(
            f"Logged {logged} min, of which {chargeable} min chargeable. Billed in total: "
            f"{total} min (at least {MINIMUM_MINUTES} min once time is chargeable{rounding})."
        )
        by_statement = (
            issued.values("statement__number", "statement__month")
            .annotate(minutes=Sum("billed_minutes"))
            .order_by("statement__number")
        )
        for row in by_statement:
            out(
                f"  statement {row['statement__number']} ({row['statement__month']:%Y-%m}): "
                f"{row['minutes']} min"
            )
        out(f"Billed on issued statements: {before} min; still to bill: {total - before} min.")
