"""Constants, helpers and the periods every report reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.billing.models import month_end

MEASURES = ("assignment", "same_day", "resolution")
MEASURE_LABELS = {
    "assignment": _("Assigned within 2 working days"),
    "same_day": _("Assigned and started the same working day"),
    "resolution": _("Resolved within 10 working days"),
}
TREND_WEEKS = 52
RISK_LIST_LIMIT = 25
RESOLUTION_RISK_WORKING_DAYS = 1
LOAD_RESOLVED_DAYS = 30

# (key, label, first age, first age of the next band) in working days.
AGE_BANDS: tuple[tuple[str, Any, int, int | None], ...] = (
    ("0", _("Today"), 0, 1),
    ("1", _("1 working day"), 1, 2),
    ("2", _("2 working days"), 2, 3),
    ("3-5", _("3–5 working days"), 3, 6),
    ("6-10", _("6–10 working days"), 6, 11),
    ("11+", _("Over 10 working days"), 11, None),
)


@dataclass(frozen=True)
class SizeBand:
    key: str
    label: str
    least: int  # tickets in the trend window, inclusive
    below: int | None  # exclusive; None: no upper bound


SIZE_BANDS: tuple[SizeBand, ...] = (
    SizeBand("small", "Small (under 12 tickets a year)", 0, 12),
    SizeBand("medium", "Medium (12–119 tickets a year)", 12, 120),
    SizeBand("large", "Large (120 or more tickets a year)", 120, None),
)
# Large customers are flagged as served faster when their median wait is this much
# shorter than the shortest median of the other bands.
FAIRNESS_TOLERANCE = 0.10


def _tz() -> dt.tzinfo:
    return timezone.get_default_timezone()


def _hours(minutes: float | int | None) -> float | None:
    return None if minutes is None else round(float(minutes) / 60, 2)


def _share(met: int, missed: int) -> float | None:
    decided = met + missed
    return round(met / decided, 4) if decided else None


def _local_date(value: dt.datetime | dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, _tz()).date() if timezone.is_aware(value) else value.date()
    return value


# --- periods ------------------------------------------------------------------------


@dataclass(frozen=True)
class Periods:
    """The periods of the dashboard, as local dates (inclusive), for the day ``today``."""

    today: dt.date

    @property
    def week(self) -> tuple[dt.date, dt.date]:
        return self.today - dt.timedelta(days=self.today.weekday()), self.today

    @property
    def month(self) -> tuple[dt.date, dt.date]:
        return self.today.replace(day=1), self.today

    @property
    def quarter(self) -> tuple[dt.date, dt.date]:
        first = 3 * ((self.today.month - 1) // 3) + 1
        return self.today.replace(month=first, day=1), self.today

    @property
    def trend(self) -> tuple[dt.date, dt.date]:
        """The last 52 weeks, Monday to today, this week included."""
        monday = self.week[0]
        return monday - dt.timedelta(weeks=TREND_WEEKS - 1), self.today

    @property
    def year_of_months(self) -> tuple[dt.date, dt.date]:
        """The last 12 months, this month included."""
        first = self.today.replace(day=1)
        for _month in range(11):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        return first, self.today

    def named(self) -> list[tuple[str, str, tuple[dt.date, dt.date]]]:
        return [
            ("week", "This week", self.week),
            ("month", "This month", self.month),
            ("quarter", "This quarter", self.quarter),
        ]


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = month_end(month) + dt.timedelta(days=1)
    return months
