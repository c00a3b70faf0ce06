"""Working-time calendar: business hours, Swedish holidays, working minutes and days.

The service commitments count *working* time: assignment within 2 working days (R3) and
resolution within 10 working days (R5). This module is the arithmetic behind those clocks.
It is pure Python (no Django) so that the clocks can be recomputed cheaply for every action
and property-tested on their own.

Model
-----
Each local date of the calendar's time zone has at most one working interval
``[open, close)``. Which interval is decided, in this order of precedence:

1. ``closed_days`` (set by an administrator): closed;
2. ``short_days`` (set by an administrator): those hours, even on a weekend or holiday,
   because an explicit administrator decision beats the generic calendar;
3. public holidays and de facto holidays of ``holiday_country`` (the ``holidays``
   package, categories PUBLIC and DE_FACTO; for Sweden that adds Midsummer Eve, Christmas
   Eve and New Year's Eve; Sundays are *not* taken from the package, see below): closed;
4. the weekly ``hours``.

Opening and closing times are wall-clock times of the time zone, so a working day is 9 hours
long on the days of the DST changes too, however many hours pass in UTC overnight.

Business time is a single line made of the working intervals laid end to end: the close of
one working day and the opening of the next are the *same point* of business time. All the
arithmetic below is done on that line, in integer microseconds, so that it is exact and
``working_minutes_between(s, add_working_minutes(s, m)) == m`` always holds.

Every datetime this module returns is aware and in UTC (``datetime.UTC``), like the stored
columns; compare results by instant, or ``.astimezone(calendar.tz)`` to show them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays
from holidays.constants import DE_FACTO, PUBLIC

__all__ = ["DEFAULT_HOURS", "DEFAULT_TZ", "WorkingCalendar", "default_calendar"]

DEFAULT_TZ = ZoneInfo("Europe/Stockholm")
_OFFICE_HOURS = (time(8, 0), time(17, 0))
DEFAULT_HOURS: Mapping[int, tuple[time, time] | None] = MappingProxyType(
    {weekday: _OFFICE_HOURS if weekday < 5 else None for weekday in range(7)}
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
_MINUTE_US = 60_000_000
_DAY_US = 86_400_000_000
_AVG_YEAR_US = 31_556_952_000_000  # 365.2425 days: only a first guess of an instant's year
_MAX_EMPTY_YEARS = 10  # a calendar with no working day for this long is a configuration error


def _to_us(instant: datetime) -> int:
    """Microseconds since the epoch: exact integers, so that no rounding can lose a minute."""
    if instant.tzinfo is None:
        raise ValueError(f"instant {instant!r} is naive: give an aware datetime")
    return (instant - _EPOCH) // _ONE_US


def _from_us(us: int) -> datetime:
    return _EPOCH + timedelta(0, 0, us)  # positional: a third faster than microseconds=us


@cache
def _holiday_dates(country: str, year: int) -> frozenset[date]:
    """Public and de facto holidays of ``country`` in ``year``, cached for every calendar.

    With ``holidays`` 0.109, ``Sweden`` gives public holidays by default and Midsummer Eve,
    Christmas Eve and New Year's Eve only under the DE_FACTO category. It can also list every
    Sunday (``include_sundays=True``, "in Sweden all Sundays are holidays"); we ask it not to,
    because weekends are the business of ``hours``: an office that opens on Sundays must be
    able to say so.
    """
    try:
        found = holidays.country_holidays(
            country, years=year, categories=(PUBLIC, DE_FACTO), include_sundays=False
        )
    except ValueError:  # "Category is not supported: de_facto" for most countries
        found = holidays.country_holidays(country, years=year, include_sundays=False)
    return frozenset(found.keys())


class _Year:
    """The working intervals of one local calendar year, with their running total.

    ``cum[k]`` is the business time (µs) before working day ``k`` of the year, so the
    position of an instant inside day ``k`` is ``cum[k] + (instant - opens[k])``.
    ``offsets[k]`` is the UTC offset (µs) throughout day ``k``'s hours, or None when a DST
    change falls inside them.
    """

    __slots__ = ("closes", "cum", "end", "offsets", "opens", "ordinals", "start", "total", "year")

    def __init__(
        self,
        year: int,
        start: int,
        end: int,
        ordinals: list[int],
        opens: list[int],
        closes: list[int],
        offsets: list[int | None],
    ) -> None:
        self.year = year
        self.start = start  # local midnight of 1 January, µs
        self.end = end  # local midnight of 1 January of the next year, µs
        self.ordinals = ordinals
        self.opens = opens
        self.closes = closes
        self.offsets = offsets
        cum = [0]
        for o, c in zip(opens, closes, strict=True):
            cum.append(cum[-1] + c - o)
        self.cum = cum
        self.total = cum[-1]


def _check_hours(what: str, span: tuple[time, time]) -> tuple[time, time]:
    opening, closing = span
    if opening.tzinfo is not None or closing.tzinfo is not None:
        raise ValueError(f"{what}: give wall-clock times without tzinfo, got {span!r}")
    if not opening < closing:
        raise ValueError(f"{what}: opening {opening} must be before closing {closing}")
    return opening, closing


@dataclass(frozen=True)
class WorkingCalendar:
    """Business hours of the support desk and working-time arithmetic on them (R3, R5).

    Instants are aware datetimes in any time zone; days are local dates of ``tz``. Every
    returned datetime is in UTC. Instances are immutable: changing closed or shortened days
    means building a new calendar (its caches are per instance).
    """

    tz: ZoneInfo = DEFAULT_TZ
    hours: Mapping[int, tuple[time, time] | None] = DEFAULT_HOURS
    closed_days: frozenset[date] = frozenset()
    short_days: Mapping[date, tuple[time, time]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    holiday_country: str = "SE"  # "" means no public holidays
    _years: dict[int, _Year] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        # Private read-only copies: the caches stay right even if the caller's dicts change.
        hours: dict[int, tuple[time, time] | None] = {}
        for weekday in range(7):
            span = self.hours.get(weekday)
            hours[weekday] = None if span is None else _check_hours(f"weekday {weekday}", span)
        unknown = set(self.hours) - set(range(7))
        if unknown:
            raise ValueError(f"hours: weekdays are 0 (Monday) to 6 (Sunday), got {unknown}")
        if all(span is None for span in hours.values()):
            raise ValueError("hours: at least one weekday must have working hours")
        short = {
            day: _check_hours(f"short day {day}", span) for day, span in self.short_days.items()
        }
        object.__setattr__(self, "hours", MappingProxyType(hours))
        object.__setattr__(self, "short_days", MappingProxyType(short))
        object.__setattr__(self, "closed_days", frozenset(self.closed_days))

    def __hash__(self) -> int:
        # A value object: usable as a cache key although its mappings are not hashable.
        return hash(
            (
                self.tz,
                tuple(sorted(self.hours.items())),
                self.closed_days,
                tuple(sorted(self.short_days.items())),
                self.holiday_country,
            )
        )

    def __reduce__(self) -> tuple[type[WorkingCalendar], tuple[object, ...]]:
        # Mapping proxies do not pickle; plain dicts do, and the caches are rebuilt on demand.
        settings = (self.tz, dict(self.hours), self.closed_days, dict(self.short_days))
        return WorkingCalendar, (*settings, self.holiday_country)

    # -- days ----------------------------------------------------------------------------

    def _local_hours(self, day: date, public_holidays: frozenset[date]) -> tuple[time, time] | None:
        if day in self.closed_days:
            return None
        short = self.short_days.get(day)
        if short is not None:
            return short
        if day in public_holidays:
            return None
        return self.hours[day.weekday()]

    def _year(self, year: int) -> _Year:
        block = self._years.get(year)
        if block is None:
            block = self._years[year] = self._build_year(year)
        return block

    def _build_year(self, year: int) -> _Year:
        tz = self.tz
        public_holidays = (
            _holiday_dates(self.holiday_country, year) if self.holiday_country else frozenset()
        )
        ordinals: list[int] = []
        opens: list[int] = []
        closes: list[int] = []
        offsets: list[int | None] = []
        first = date(year, 1, 1).toordinal()
        for ordinal in range(first, date(year + 1, 1, 1).toordinal()):
            day = date.fromordinal(ordinal)
            span = self._local_hours(day, public_holidays)
            if span is None:
                continue
            opening_at = datetime.combine(day, span[0], tzinfo=tz)
            closing_at = datetime.combine(day, span[1], tzinfo=tz)
            opening, closing = _to_us(opening_at), _to_us(closing_at)
            if closing > opening:  # hours lying in a spring DST gap can leave nothing to work
                ordinals.append(ordinal)
                opens.append(opening)
                closes.append(closing)
                offset = opening_at.utcoffset()
                if offset is None or offset != closing_at.utcoffset():
                    offsets.append(None)
                else:
                    offsets.append(offset // _ONE_US)
        start = _to_us(datetime.combine(date(year, 1, 1), time(0), tzinfo=tz))
        end = _to_us(datetime.combine(date(year + 1, 1, 1), time(0), tzinfo=tz))
        return _Year(year, start, end, ordinals, opens, closes, offsets)

    def _step(self, block: _Year, delta: int, empty: int) -> tuple[_Year, int]:
        """The neighbouring year, counting years without a working day to stop a runaway walk."""
        block = self._year(block.year + delta)
        empty = empty + 1 if not block.opens else 0
        if empty > _MAX_EMPTY_YEARS:
            raise ValueError(f"no working day in the {_MAX_EMPTY_YEARS} years up to {block.year}")
        return block, empty

    def _day_at(self, block: _Year, index: int) -> tuple[_Year, int]:
        """Working day ``index`` counted from the first working day of ``block``'s year.

        ``index`` may run past either end of the year; the walk moves a year at a time.
        """
        empty = 0
        while index < 0:
            block, empty = self._step(block, -1, empty)
            index += len(block.opens)
        while index >= len(block.opens):
            index -= len(block.opens)
            block, empty = self._step(block, 1, empty)
        return block, index

    def _locate(self, us: int) -> tuple[_Year, int]:
        """The year of the instant's local date, and the last working day opening at or before it.

        The index is -1 when the instant precedes the year's first opening.
        """
        block = self._year(1970 + us // _AVG_YEAR_US)
        while us < block.start:
            block = self._year(block.year - 1)
        while us >= block.end:
            block = self._year(block.year + 1)
        return block, bisect_right(block.opens, us) - 1

    def _position(self, us: int) -> tuple[_Year, int]:
        """Business time (µs) from the start of the instant's year; outside hours, the next opening."""
        block, k = self._locate(us)
        if k < 0:
            return block, 0
        if us < block.closes[k]:
            return block, block.cum[k] + us - block.opens[k]
        return block, block.cum[k + 1]

    def day_hours(self, day: date) -> tuple[datetime, datetime] | None:
        """Opening and closing instants (UTC) of a local date, or None when it is not worked."""
        block = self._year(day.year)
        ordinal = day.toordinal()
        k = bisect_left(block.ordinals, ordinal)
        if k == len(block.ordinals) or block.ordinals[k] != ordinal:
            return None
        return _from_us(block.opens[k]), _from_us(block.closes[k])

    def is_working_day(self, day: date) -> bool:
        """Whether the local date has working hours (not a weekend, holiday or closed day)."""
        return self.day_hours(day) is not None

    # -- instants ------------------------------------------------------------------------

    def is_working_time(self, instant: datetime) -> bool:
        """Whether the instant is within ``[open, close)`` of a working day."""
        us = _to_us(instant)
        block, k = self._locate(us)
        return k >= 0 and us < block.closes[k]

    def next_opening(self, instant: datetime) -> datetime:
        """The instant itself if in working time, else the next opening: where clocks start."""
        us = _to_us(instant)
        block, k = self._locate(us)
        if k >= 0 and us < block.closes[k]:
            return _from_us(us)
        block, k = self._day_at(block, k + 1)
        return _from_us(block.opens[k])

    def close_of_working_day(self, instant: datetime) -> datetime:
        """Close of the working day the instant belongs to (R3: "the same day it is registered").

        An instant before opening belongs to that day if it is worked; an instant at or after
        the close, or on a closed day, belongs to the next working day.
        """
        us = _to_us(instant)
        block, k = self._locate(us)
        if k >= 0 and us < block.closes[k]:
            return _from_us(block.closes[k])
        block, k = self._day_at(block, k + 1)
        return _from_us(block.closes[k])

    def add_working_minutes(self, instant: datetime, minutes: int) -> datetime:
        """The instant ``minutes`` of working time after ``instant`` (R5 clocks).

        Time outside hours does not count: the clock starts at the next opening. Adding 0
        gives ``next_opening(instant)``. A result landing exactly on a close is returned as
        that close, never as the next day's opening.
        """
        if minutes < 0:
            raise ValueError(f"minutes: must not be negative, got {minutes}")
        us = _to_us(instant)
        if minutes == 0:
            return self.next_opening(instant)
        block, position = self._position(us)
        target = position + minutes * _MINUTE_US
        empty = 0
        while target > block.total:  # ">" keeps a result on the last close of a year
            target -= block.total
            block, empty = self._step(block, 1, empty)
        k = bisect_left(block.cum, target) - 1  # cum[k] < target <= cum[k + 1]
        return _from_us(block.opens[k] + target - block.cum[k])

    def add_working_days(self, instant: datetime, days: int) -> datetime:
        """Registration plus ``days`` working days of business time (R3: "within 2 working days").

        Inside working hours the local time of day is kept on the working day ``days`` later,
        clamped into that day's hours when it is shortened. An instant at or before an opening,
        or outside hours, is the close of the previous working day (the same point of business
        time), so the result is the close of the working day ``days`` after that one: Wednesday
        10:00 + 2 is Friday 10:00; Saturday + 2 is Tuesday's close. Adding 0 days gives
        ``next_opening(instant)``.

        Later registrations are never due earlier, except on a day whose working hours contain
        the autumn DST change (never office hours): its repeated hour maps to one wall clock.
        """
        if days < 0:
            raise ValueError(f"days: must not be negative, got {days}")
        us = _to_us(instant)
        block, k = self._locate(us)
        if k >= 0 and block.opens[k] < us < block.closes[k]:
            if days == 0:
                return _from_us(us)
            from_ordinal, from_offset = block.ordinals[k], block.offsets[k]
            block, k = self._day_at(block, k + days)
            to_offset = block.offsets[k]
            if from_offset is not None and to_offset is not None:
                # Fast path, no DST change inside either day's hours: a fixed offset maps the
                # instant to its wall clock and back.
                days_us = (block.ordinals[k] - from_ordinal) * _DAY_US
                target = us + days_us + from_offset - to_offset
            else:
                day = date.fromordinal(block.ordinals[k])
                wall = instant.astimezone(self.tz).time()
                target = _to_us(datetime.combine(day, wall, tzinfo=self.tz))
            return _from_us(min(max(target, block.opens[k]), block.closes[k]))
        previous = k - 1 if k >= 0 and us == block.opens[k] else k
        if days == 0:
            block, k = self._day_at(block, previous + 1)
            return _from_us(block.opens[k])
        block, k = self._day_at(block, previous + days)
        return _from_us(block.closes[k])

    def working_minutes_between(self, start: datetime, end: datetime) -> int:
        """Whole minutes (floor) of working time in ``[start, end)``; 0 if ``end <= start``.

        The inverse of ``add_working_minutes``: the measured side of the R3/R5 attainment.
        """
        start_us = _to_us(start)
        end_us = _to_us(end)
        if end_us <= start_us:
            return 0
        first, from_position = self._position(start_us)
        last, to_position = self._position(end_us)
        if first.year == last.year:
            elapsed = to_position - from_position
        else:
            between = sum(self._year(year).total for year in range(first.year + 1, last.year))
            elapsed = first.total - from_position + between + to_position
        return elapsed // _MINUTE_US


@cache
def default_calendar() -> WorkingCalendar:
    """Stockholm, Monday to Friday 08:00–17:00, Swedish public and de facto holidays."""
    return WorkingCalendar()
