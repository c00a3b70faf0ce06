"""``supportdesk calendar``: inspect the working calendar (README: "Working calendar").

    supportdesk calendar add 2027-06-23T10:00 --working-days 2
    supportdesk calendar add 2027-06-23T10:00 --working-minutes 90
    supportdesk calendar between 2027-06-23T10:00 2027-06-28T10:00
    supportdesk calendar close 2027-06-23T10:00

Instants without an offset are read in the desk's time zone; results print as ISO 8601
with their offset in that time zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from supportdesk.commitments.clocks import current_calendar


def parse_instant(name: str, text: str, tz: dt.tzinfo) -> dt.datetime:
    """``text`` as an aware instant; a refusal names the argument ``name`` (rule 8)."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"{name}: {text!r} is not an ISO 8601 instant like 2027-06-23T10:00"
        ) from None
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


class Command(BaseCommand):
    help = "Working-time arithmetic on the desk's calendar."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="operation", required=True)
        add = sub.add_parser("add", help="an instant plus working days or minutes")
        add.add_argument("instant")
        amount = add.add_mutually_exclusive_group(required=True)
        amount.add_argument("--working-days", type=int)
        amount.add_argument("--working-minutes", type=int)
        between = sub.add_parser("between", help="working minutes between two instants")
        between.add_argument("start")
        between.add_argument("end")
        close = sub.add_parser("close", help="the close of the working day of an instant")
        close.add_argument("instant")

    def handle(self, *args: Any, **options: Any) -> None:
        calendar = current_calendar()
        tz = calendar.tz
        if options["operation"] == "add":
            start = parse_instant("instant", options["instant"], tz)
            if options["working_days"] is not None:
                if options["working_days"] < 0:
                    raise CommandError("--working-days: must be zero or more")
                result = calendar.add_working_days(start, options["working_days"])
            else:
                if options["working_minutes"] < 0:
                    raise CommandError("--working-minutes: must be zero or more")
                result = calendar.add_working_minutes(start, options["working_minutes"])
            self.stdout.write(result.astimezone(tz).isoformat(timespec="minutes"))
        elif options["operation"] == "between":
            start = parse_instant("start", options["start"], tz)
            end = parse_instant("end", options["end"], tz)
            self.stdout.write(str(calendar.working_minutes_between(start, end)))
        else:
            instant = parse_instant("instant", options["instant"], tz)
            result = calendar.close_of_working_day(instant)
            self.stdout.write(result.astimezone(tz).isoformat(timespec="minutes"))
