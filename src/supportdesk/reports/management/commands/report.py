"""``supportdesk report commitments|billing|customer``: the reports on the command line.

supportdesk report commitments                        the dashboard's tables as text
supportdesk report commitments --format json          as GET /api/v1/reports/commitments
supportdesk report billing --from 2027-01 --to 2027-06 --format csv --table hours
supportdesk report customer --organisation "Alpha AB" --format json
supportdesk report rebuild                            the dashboard's kept figures, from scratch
supportdesk report rebuild --since 2027-01-01         only tickets registered since that day
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from supportdesk.accounts.models import Organisation
from supportdesk.core import clock
from supportdesk.reports.exports import table_csv
from supportdesk.reports.forms import MonthRange
from supportdesk.reports.tables import (
    Report,
    Table,
    billing_report,
    commitments_report,
    service_report,
)
from supportdesk.reports.templatetags.reports_tags import cell


def _organisation(text: str) -> Organisation:
    found = Organisation.objects.filter(name=text).first()
    if found is None and text.isdigit():
        found = Organisation.objects.filter(pk=int(text)).first()
    if found is None:
        raise CommandError(f"--organisation: no organisation named {text!r}")
    return found


def text_table(table: Table) -> str:
    """A table as aligned plain text, values as the page shows them."""
    header = [c.label for c in table.columns]
    body = [[cell(row.get(c.key), c.kind) for c in table.columns] for row in table.rows]
    widths = [max(len(line[k]) for line in [header, *body]) for k in range(len(header))]
    lines = [f"{table.title}: {table.caption}"]
    for k, line in enumerate([header, *body]):
        lines.append(
            "  ".join(value.ljust(width) for value, width in zip(line, widths, strict=True))
        )
        if k == 0:
            lines.append("  ".join("-" * width for width in widths))
    if not body:
        lines.append("(nothing to show)")
    return "\n".join(line.rstrip() for line in lines)


class Command(BaseCommand):
    help = "The reports: commitments dashboard, billing overview, a customer's service."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("report", choices=["commitments", "billing", "customer", "rebuild"])
        parser.add_argument(
            "--since", help="rebuild: only tickets registered on or after this day (2027-01-31)"
        )
        parser.add_argument("--organisation", help="customer: the organisation's name or id")
        parser.add_argument("--from", dest="start", help="billing: first month, like 2027-01")
        parser.add_argument("--to", dest="end", help="billing: last month, like 2027-12")
        parser.add_argument("--format", choices=["text", "json", "csv"], default="text")
        parser.add_argument("--table", help="only this table (its key, as in the JSON)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["report"] == "rebuild":
            self._rebuild(options["since"])
            return
        report = self._report(options)
        tables = list(report.tables.values())
        if options["table"]:
            if options["table"] not in report.tables:
                known = ", ".join(report.tables)
                raise CommandError(f"--table: {options['table']!r} is not one of {known}")
            tables = [report.tables[options["table"]]]
        if options["format"] == "json":
            data = report.as_json()
            if options["table"]:
                data["tables"] = {t.key: data["tables"][t.key] for t in tables}
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
        elif options["format"] == "csv":
            if len(tables) > 1:
                raise CommandError(
                    "--format csv writes one table: add --table, one of " + ", ".join(report.tables)
                )
            self.stdout.write(table_csv(tables[0]), ending="")
        else:
            self.stdout.write(f"{report.title} · {report.generated_at:%Y-%m-%d %H:%M %Z}\n")
            self.stdout.write("\n\n".join(text_table(t) for t in tables))

    def _rebuild(self, since_text: str | None) -> None:
        from supportdesk.reports.figures import rebuild

        since = None
        if since_text:
            try:
                since = dt.date.fromisoformat(since_text)
            except ValueError:
                raise CommandError(
                    f"--since: {since_text!r} is not a date like 2027-01-31"
                ) from None
        done = rebuild(since=since)
        if since is None:
            self.stdout.write(
                f"figures rebuilt from {done['tickets']:,} tickets"
                f" ({done['rows']:,} rows) in {done['seconds']:.1f} s"
            )
        else:
            self.stdout.write(
                f"figures of {done['tickets']:,} tickets registered since {since} applied again"
                f" ({done['changed']:,} changed) in {done['seconds']:.1f} s"
            )

    def _report(self, options: dict[str, Any]) -> Report:
        now = clock.now()
        if options["report"] == "commitments":
            return commitments_report(now=now)
        if options["report"] == "billing":
            form = MonthRange(
                {"start": options["start"] or "", "end": options["end"] or ""},
                today=timezone.localdate(now),
            )
            if not form.is_valid():
                field, reason = form.first_error()
                raise CommandError(f"--{'from' if field == 'start' else 'to'}: {reason}")
            first, last = form.months()
            return billing_report(first=first, last=last, now=now)
        if not options["organisation"]:
            raise CommandError("--organisation: required for the customer report")
        return service_report(organisation=_organisation(options["organisation"]), now=now)
