"""``supportdesk kpi --from 2027-01-01 --to 2027-03-31 [--format json]``: attainment."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from supportdesk.commitments.kpi import attainment

LABELS = {
    "assignment": "Assigned within 2 working days (commitment: all)",
    "same_day": "Assigned and started the same working day (target: over 90 %)",
    "resolution": "Resolved within 10 working days (target: 80 %)",
}


def _date(field: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--{field}: {text!r} is not a date like 2027-01-31") from None


class Command(BaseCommand):
    help = "Attainment of the service commitments for a period."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from", dest="start", required=True)
        parser.add_argument("--to", dest="end", required=True)
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _date("from", options["start"]), _date("to", options["end"])
        if end < start:
            raise CommandError("--to: must not be before --from")
        result = attainment(start, end)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, indent=2))
            return
        self.stdout.write(f"{result['from']} – {result['to']}: {result['registered']} tickets")
        for name, label in LABELS.items():
            entry = result[name]
            share = "—" if entry["share"] is None else f"{entry['share'] * 100:.1f} %"
            line = (
                f"  {label}: {share} ({entry['met']} met, {entry['missed']} missed, "
                f"{entry['pending']} pending)"
            )
            if entry.get("median_working_hours") is not None:
                line += f", median {entry['median_working_hours']} working hours"
            self.stdout.write(line)
            if entry["missed_tickets"]:
                self.stdout.write("    missed: " + ", ".join(entry["missed_tickets"][:20]))
