"""Working-time calendar (R3 assignment and R5 resolution clocks): tables and properties.

Plain pytest, no database. The Swedish holiday table below is written out by hand so that
it checks the ``holidays`` package rather than repeating it.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportdesk.commitments.calendar import WorkingCalendar, default_calendar

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NEW_YORK = ZoneInfo("America/New_York")
CAL = default_calendar()
DAY_MINUTES = 9 * 60


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0, us: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, us, tzinfo=STOCKHOLM)


# -- Swedish holidays ------------------------------------------------------------------------

SWEDISH_HOLIDAYS: dict[date, str] = {
    # 2026
    date(2026, 1, 1): "New Year's Day",
    date(2026, 1, 6): "Epiphany",
    date(2026, 4, 3): "Good Friday",
    date(2026, 4, 5): "Easter Sunday",
    date(2026, 4, 6): "Easter Monday",
    date(2026, 5, 1): "May Day",
    date(2026, 5, 14): "Ascension Day",
    date(2026, 5, 24): "Whit Sunday",
    date(2026, 6, 6): "National Day",
    date(2026, 6, 19): "Midsummer Eve",
    date(2026, 6, 20): "Midsummer Day",
    date(2026, 10, 31): "All Saints' Day",
    date(2026, 12, 24): "Christmas Eve",
    date(2026, 12, 25): "Christmas Day",
    date(2026, 12, 26): "Boxing Day",
    date(2026, 12, 31): "New Year's Eve",
    # 2027
    date(2027, 1, 1): "New Year's Day",
    date(2027, 1, 6): "Epiphany",
    date(2027, 3, 26): "Good Friday",
    date(2027, 3, 28): "Easter Sunday",
    date(2027, 3, 29): "Easter Monday",
    date(2027, 5, 1): "May Day",
    date(2027, 5, 6): "Ascension Day",
    date(2027, 5, 16): "Whit Sunday",
    date(2027, 6, 6): "National Day",
    date(2027, 6, 25): "Midsummer Eve",
    date(2027, 6, 26): "Midsummer Day",
    date(2027, 11, 6): "All Saints' Day",
    date(2027, 12, 24): "Christmas Eve",
    date(2027, 12, 25): "Christmas Day",
    date(2027, 12, 26): "Boxing Day",
    date(2027, 12, 31): "New Year's Eve",
    # 2028
    date(2028, 1, 1): "New Year's Day",
    date(2028, 1, 6): "Epiphany",
    date(2028, 4, 14): "Good Friday",
    date(2028, 4, 16): "Easter Sunday",
    date(2028, 4, 17): "Easter Monday",
    date(2028, 5, 1): "May Day",
    date(2028, 5, 25): "Ascension Day",
    date(2028, 6, 4): "Whit Sunday",
    date(2028, 6, 6): "National Day",
    date(2028, 6, 23): "Midsummer Eve",
    date(2028, 6, 24): "Midsummer Day",
    date(2028, 11, 4): "All Saints' Day",
    date(2028, 12, 24): "Christmas Eve",
    date(2028, 12, 25): "Christmas Day",
    date(2028, 12, 26): "Boxing Day",
    date(2028, 12, 31): "New Year's Eve",
}


@pytest.mark.parametrize(
    ("day", "name"), sorted(SWEDISH_HOLIDAYS.items()), ids=lambda v: str(v).replace(" ", "_")
)
def test_swedish_public_and_de_facto_holidays_are_not_working_days(day: date, name: str) -> None:
    assert not CAL.is_working_day(day), name
    assert CAL.day_hours(day) is None
    assert not CAL.is_working_time(datetime.combine(day, time(12), tzinfo=STOCKHOLM))


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 5),  # Twelfth Night: a bank half-day, a working day
        date(2026, 4, 2),  # Maundy Thursday
        date(2026, 4, 30),  # Walpurgis Night
        date(2026, 5, 15),  # "klämdag" after Ascension Day: optional, not a holiday
        date(2026, 5, 25),  # Whit Monday: no longer a holiday since 2005
        date(2026, 6, 18),  # day before Midsummer Eve
        date(2026, 10, 30),  # All Saints' Eve
        date(2026, 12, 23),
        date(2026, 12, 30),
        date(2027, 6, 7),  # National Day on a Sunday: no substitute Monday
        date(2027, 12, 27),  # Christmas on a weekend: no substitute day
        date(2028, 1, 3),  # New Year's Day on a Saturday: no substitute day
        date(2028, 6, 22),
    ],
)
def test_days_next_to_holidays_are_working_days(day: date) -> None:
    assert CAL.is_working_day(day)
    assert CAL.day_hours(day) == (
        datetime.combine(day, time(8), tzinfo=STOCKHOLM),
        datetime.combine(day, time(17), tzinfo=STOCKHOLM),
    )


@pytest.mark.parametrize("year", [2026, 2027, 2028])
def test_all_saints_day_is_a_saturday_so_costs_no_working_day(year: int) -> None:
    (day,) = [d for d, name in SWEDISH_HOLIDAYS.items() if d.year == year and "Saints" in name]
    assert day.weekday() == 5


@pytest.mark.parametrize("year", [2026, 2027, 2028])
def test_working_days_per_year_match_the_holiday_table(year: int) -> None:
    days = [date(year, 1, 1) + timedelta(n) for n in range(366)]
    days = [d for d in days if d.year == year]
    expected = sum(1 for d in days if d.weekday() < 5 and d not in SWEDISH_HOLIDAYS)
    assert sum(1 for d in days if CAL.is_working_day(d)) == expected


def test_sundays_come_from_the_hours_not_from_the_holiday_package() -> None:
    sunday_open = WorkingCalendar(hours={6: (time(10), time(14))})
    assert sunday_open.is_working_day(date(2026, 3, 1))  # an ordinary Sunday
    assert not sunday_open.is_working_day(date(2026, 4, 5))  # Easter Sunday
    assert not sunday_open.is_working_day(date(2026, 3, 2))  # Monday: no hours


def test_no_holiday_country_means_no_holidays() -> None:
    plain = WorkingCalendar(holiday_country="")
    assert plain.is_working_day(date(2026, 12, 24))
    assert plain.is_working_day(date(2026, 12, 25))


# -- the examples of the brief --------------------------------------------------------------


@pytest.mark.parametrize(
    ("registered", "days", "due"),
    [
        (local(2026, 3, 4, 10), 2, local(2026, 3, 6, 10)),  # Wednesday 10:00 -> Friday 10:00
        (local(2026, 3, 7, 10), 2, local(2026, 3, 10, 17)),  # Saturday -> Tuesday's close
        (local(2026, 3, 8, 23), 2, local(2026, 3, 10, 17)),  # Sunday night -> Tuesday's close
        (local(2026, 3, 4, 7), 2, local(2026, 3, 5, 17)),  # before opening = Tuesday's close
        (local(2026, 3, 4, 8), 2, local(2026, 3, 5, 17)),  # at opening = Tuesday's close
        (local(2026, 3, 4, 8, 0, 0, 1), 2, local(2026, 3, 6, 8, 0, 0, 1)),
        (local(2026, 3, 4, 16, 59), 2, local(2026, 3, 6, 16, 59)),
        (local(2026, 3, 4, 17), 2, local(2026, 3, 6, 17)),  # at close
        (local(2026, 3, 4, 18), 2, local(2026, 3, 6, 17)),  # after close
        (local(2026, 3, 5, 10), 2, local(2026, 3, 9, 10)),  # Thursday -> Monday
        (local(2026, 4, 2, 10), 2, local(2026, 4, 8, 10)),  # over Easter
        (local(2026, 12, 23, 10), 2, local(2026, 12, 29, 10)),  # over Christmas
        (local(2026, 12, 30, 12), 1, local(2027, 1, 4, 12)),  # over New Year
        (local(2026, 6, 18, 9, 30), 1, local(2026, 6, 22, 9, 30)),  # over Midsummer
        (local(2026, 3, 4, 10), 10, local(2026, 3, 18, 10)),  # R5: 10 working days
        (local(2026, 3, 4, 10), 0, local(2026, 3, 4, 10)),
        (local(2026, 3, 7, 10), 0, local(2026, 3, 9, 8)),  # 0 days: the next opening
    ],
)
def test_add_working_days(registered: datetime, days: int, due: datetime) -> None:
    assert CAL.add_working_days(registered, days) == due


@pytest.mark.parametrize(
    ("start", "minutes", "due"),
    [
        (local(2026, 3, 4, 10), 30, local(2026, 3, 4, 10, 30)),
        (local(2026, 3, 4, 16), 60, local(2026, 3, 4, 17)),  # exactly at close: stays there
        (local(2026, 3, 4, 16), 61, local(2026, 3, 5, 8, 1)),
        (local(2026, 3, 6, 16), 60, local(2026, 3, 6, 17)),  # Friday's close, not Monday 08:00
        (local(2026, 3, 2, 16), 600, local(2026, 3, 3, 17)),  # 60 + 540: Tuesday's close
        (local(2026, 3, 7, 12), 1, local(2026, 3, 9, 8, 1)),  # Saturday: clock starts Monday
        (local(2026, 3, 4, 6), 30, local(2026, 3, 4, 8, 30)),  # before opening
        (local(2026, 3, 4, 10), 0, local(2026, 3, 4, 10)),
        (local(2026, 3, 7, 12), 0, local(2026, 3, 9, 8)),  # 0: normalised to the next opening
        (local(2026, 3, 6, 17), 0, local(2026, 3, 9, 8)),  # a close is not working time
        (local(2026, 12, 30, 16), 120, local(2027, 1, 4, 9)),  # over New Year
        (local(2026, 12, 30, 16), 60, local(2026, 12, 30, 17)),  # the last close of 2026
        (local(2026, 12, 29, 16), 600, local(2026, 12, 30, 17)),
        (local(2026, 12, 30, 17), 1, local(2027, 1, 4, 8, 1)),
        (local(2026, 4, 2, 16, 30), 45, local(2026, 4, 7, 8, 15)),  # over Easter
    ],
)
def test_add_working_minutes(start: datetime, minutes: int, due: datetime) -> None:
    assert CAL.add_working_minutes(start, minutes) == due
    if minutes:
        assert CAL.working_minutes_between(start, due) == minutes


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        (local(2026, 3, 4, 10), local(2026, 3, 4, 10), 0),
        (local(2026, 3, 4, 11), local(2026, 3, 4, 10), 0),  # end before start
        (local(2026, 3, 4, 10), local(2026, 3, 4, 10, 0, 59), 0),  # floor
        (local(2026, 3, 4, 10), local(2026, 3, 4, 10, 1, 59), 1),
        (local(2026, 3, 7), local(2026, 3, 8, 23), 0),  # weekend
        (local(2026, 3, 6, 16), local(2026, 3, 9, 9), 120),
        (local(2026, 3, 2), local(2026, 3, 9), 5 * DAY_MINUTES),
        (local(2026, 12, 23, 9), local(2027, 1, 4, 9), 8 * 60 + 60 + 3 * DAY_MINUTES),
        (local(2026, 1, 1), local(2027, 1, 1), 251 * DAY_MINUTES),
        (local(2026, 1, 1), local(2029, 1, 1), (251 + 253 + 251) * DAY_MINUTES),
    ],
)
def test_working_minutes_between(start: datetime, end: datetime, minutes: int) -> None:
    assert CAL.working_minutes_between(start, end) == minutes


@pytest.mark.parametrize(
    ("instant", "close"),
    [
        (local(2026, 3, 4, 10), local(2026, 3, 4, 17)),
        (local(2026, 3, 4, 7), local(2026, 3, 4, 17)),  # before opening: that day
        (local(2026, 3, 4, 8), local(2026, 3, 4, 17)),
        (local(2026, 3, 4, 17), local(2026, 3, 5, 17)),  # at close: the next working day
        (local(2026, 3, 4, 20), local(2026, 3, 5, 17)),
        (local(2026, 3, 7, 10), local(2026, 3, 9, 17)),  # Saturday
        (local(2026, 6, 19, 10), local(2026, 6, 22, 17)),  # Midsummer Eve
    ],
)
def test_close_of_working_day(instant: datetime, close: datetime) -> None:
    assert CAL.close_of_working_day(instant) == close


@pytest.mark.parametrize(
    ("instant", "working"),
    [
        (local(2026, 3, 4, 7, 59, 59, 999999), False),
        (local(2026, 3, 4, 8), True),  # opening is working time
        (local(2026, 3, 4, 16, 59, 59, 999999), True),
        (local(2026, 3, 4, 17), False),  # close is not
        (local(2026, 3, 7, 12), False),
        (datetime(2026, 3, 4, 7, 30, tzinfo=UTC), True),  # 08:30 in Stockholm
        (datetime(2026, 3, 4, 3, 0, tzinfo=NEW_YORK), True),  # 09:00 in Stockholm
    ],
)
def test_is_working_time(instant: datetime, working: bool) -> None:
    assert CAL.is_working_time(instant) is working


def test_next_opening() -> None:
    assert CAL.next_opening(local(2026, 3, 4, 10)) == local(2026, 3, 4, 10)
    assert CAL.next_opening(local(2026, 3, 4, 17)) == local(2026, 3, 5, 8)
    assert CAL.next_opening(local(2026, 12, 23, 17, 30)) == local(2026, 12, 28, 8)


def test_results_are_utc_whatever_the_input_zone() -> None:
    for instant in (local(2026, 3, 4, 10), datetime(2026, 3, 4, 4, tzinfo=NEW_YORK)):
        due = CAL.add_working_days(instant, 2)
        assert due.tzinfo is UTC
        assert due == datetime(2026, 3, 6, 9, tzinfo=UTC)
    assert CAL.add_working_minutes(local(2026, 3, 4, 10), 5).tzinfo is UTC
    hours = CAL.day_hours(date(2026, 3, 4))
    assert hours is not None
    assert all(instant.tzinfo is UTC for instant in hours)


# -- daylight saving time --------------------------------------------------------------------

# (Friday before the change, Monday after it) for the last Sundays of March and October.
DST_WEEKENDS = [
    (date(2026, 3, 27), date(2026, 3, 30)),
    (date(2026, 10, 23), date(2026, 10, 26)),
    (date(2027, 3, 26), date(2027, 3, 29)),  # Good Friday and Easter Monday: Thursday, Tuesday
    (date(2027, 10, 29), date(2027, 11, 1)),
    (date(2028, 3, 24), date(2028, 3, 27)),
    (date(2028, 10, 27), date(2028, 10, 30)),
]


@pytest.mark.parametrize(("friday", "monday"), DST_WEEKENDS, ids=str)
def test_working_day_is_nine_wall_clock_hours_across_dst(friday: date, monday: date) -> None:
    if friday in SWEDISH_HOLIDAYS:  # Easter 2027 falls on the March change
        friday -= timedelta(days=1)
        monday += timedelta(days=1)
    before = datetime.combine(friday, time(16), tzinfo=STOCKHOLM)
    after = datetime.combine(monday, time(9), tzinfo=STOCKHOLM)
    assert before.utcoffset() != after.utcoffset()
    assert CAL.add_working_minutes(before, 120) == after
    assert CAL.working_minutes_between(before, after) == 120
    # One working day is 540 minutes although 71 or 73 hours pass in UTC.
    opening = datetime.combine(friday, time(8), tzinfo=STOCKHOLM)
    next_opening = datetime.combine(monday, time(8), tzinfo=STOCKHOLM)
    assert CAL.working_minutes_between(opening, next_opening) == DAY_MINUTES
    # Days keep the wall-clock time of day.
    assert CAL.add_working_days(opening + timedelta(hours=2), 1) == datetime.combine(
        monday, time(10), tzinfo=STOCKHOLM
    )
    assert CAL.add_working_days(before, 1) == after + timedelta(hours=7)


def test_dst_sunday_with_night_hours_is_shorter_or_longer() -> None:
    night = WorkingCalendar(hours={6: (time(1), time(4))}, holiday_country="")
    spring = night.day_hours(date(2026, 3, 29))
    autumn = night.day_hours(date(2026, 10, 25))
    plain = night.day_hours(date(2026, 3, 22))
    assert spring and autumn and plain
    assert spring[1] - spring[0] == timedelta(hours=2)
    assert autumn[1] - autumn[0] == timedelta(hours=4)
    assert plain[1] - plain[0] == timedelta(hours=3)
    assert night.working_minutes_between(spring[0], autumn[1]) == 29 * 180 + 120 + 240  # 31 Sundays

    # Hours lying in the spring gap: 02:15 (read as CET) is after 03:00 CEST, so nothing is left.
    gap = WorkingCalendar(hours={6: (time(2, 15), time(3))}, holiday_country="")
    assert not gap.is_working_day(date(2026, 3, 29))
    assert gap.is_working_day(date(2026, 4, 5))


@pytest.mark.parametrize(
    ("start", "due"),
    [
        # Spring: 03:30 CEST on the change day -> 03:30 CEST a week later.
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), datetime(2026, 4, 5, 1, 30, tzinfo=UTC)),
        # A CET Sunday -> the change day: 01:30 CET is before the gap.
        (datetime(2026, 3, 22, 0, 30, tzinfo=UTC), datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),
        # Autumn: the second 02:30 (CET) -> 02:30 CET a week later.
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), datetime(2026, 11, 1, 1, 30, tzinfo=UTC)),
        # A CEST Sunday 02:30 -> the first 02:30 (CEST) of the change day.
        (datetime(2026, 10, 18, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ],
)
def test_add_working_days_keeps_the_wall_clock_on_dst_days(start: datetime, due: datetime) -> None:
    night = WorkingCalendar(hours={6: (time(1), time(4))}, holiday_country="")
    assert night.add_working_days(start, 1) == due


# -- shortened and closed days ---------------------------------------------------------------

WALPURGIS = date(2026, 4, 30)  # a Thursday
SHORT = WorkingCalendar(
    short_days={
        WALPURGIS: (time(8), time(13)),
        date(2026, 3, 6): (time(10), time(14)),  # a Friday opening late
        date(2026, 12, 24): (time(9), time(12)),  # an administrator opens Christmas Eve
    },
    closed_days=frozenset({date(2026, 3, 2), date(2026, 3, 3)}),
)


def test_shortened_day_hours() -> None:
    assert SHORT.day_hours(WALPURGIS) == (local(2026, 4, 30, 8), local(2026, 4, 30, 13))
    assert SHORT.is_working_day(date(2026, 12, 24))
    assert SHORT.working_minutes_between(local(2026, 4, 30), local(2026, 5, 1)) == 300


def test_add_working_days_clamps_to_a_shortened_close() -> None:
    assert SHORT.add_working_days(local(2026, 4, 28, 15), 2) == local(2026, 4, 30, 13)
    assert SHORT.add_working_days(local(2026, 4, 28, 12), 2) == local(2026, 4, 30, 12)
    assert SHORT.add_working_days(local(2026, 4, 28, 20), 2) == local(2026, 4, 30, 13)


def test_add_working_days_clamps_to_a_late_opening() -> None:
    assert SHORT.add_working_days(local(2026, 3, 4, 9), 2) == local(2026, 3, 6, 10)
    assert SHORT.add_working_days(local(2026, 3, 4, 11), 2) == local(2026, 3, 6, 11)


def test_minutes_run_over_a_shortened_day() -> None:
    assert SHORT.add_working_minutes(local(2026, 4, 30, 12), 120) == local(2026, 5, 4, 9)
    assert SHORT.add_working_minutes(local(2026, 4, 30, 12), 60) == local(2026, 4, 30, 13)


def test_closed_days_are_skipped() -> None:
    assert not SHORT.is_working_day(date(2026, 3, 2))
    assert SHORT.add_working_minutes(local(2026, 2, 27, 16), 120) == local(2026, 3, 4, 9)
    assert SHORT.add_working_days(local(2026, 2, 27, 10), 1) == local(2026, 3, 4, 10)
    assert SHORT.close_of_working_day(local(2026, 3, 2, 10)) == local(2026, 3, 4, 17)


def test_a_closed_day_beats_a_short_day() -> None:
    both = WorkingCalendar(
        short_days={date(2026, 3, 4): (time(8), time(12))},
        closed_days=frozenset({date(2026, 3, 4)}),
    )
    assert not both.is_working_day(date(2026, 3, 4))


def test_calendar_does_not_follow_later_changes_to_the_callers_dicts() -> None:
    short = {date(2026, 3, 4): (time(8), time(12))}
    cal = WorkingCalendar(short_days=short)
    short[date(2026, 3, 4)] = (time(8), time(9))
    assert cal.working_minutes_between(local(2026, 3, 4), local(2026, 3, 5)) == 240


def test_calendar_is_a_value_that_hashes_pickles_and_replaces() -> None:
    again = WorkingCalendar(short_days=dict(SHORT.short_days), closed_days=SHORT.closed_days)
    assert again == SHORT
    assert hash(again) == hash(SHORT)
    assert again != CAL
    thawed = pickle.loads(pickle.dumps(SHORT))
    assert thawed == SHORT
    assert thawed.add_working_days(local(2026, 4, 28, 15), 2) == local(2026, 4, 30, 13)
    closed = replace(CAL, closed_days=frozenset({date(2026, 3, 4)}))
    assert not closed.is_working_day(date(2026, 3, 4))
    assert CAL.is_working_day(date(2026, 3, 4))


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hours": {0: (time(17), time(8))}}, "weekday 0: opening 17:00:00 must be before"),
        ({"hours": {}}, "at least one weekday"),
        ({"hours": {7: (time(8), time(9))}}, "weekdays are 0 (Monday) to 6"),
        ({"short_days": {date(2026, 3, 4): (time(9), time(9))}}, "short day 2026-03-04"),
    ],
)
def test_bad_configuration_says_what_is_wrong(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        WorkingCalendar(**kwargs)


def test_bad_arguments_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="naive"):
        CAL.add_working_minutes(datetime(2026, 3, 4, 10), 5)
    with pytest.raises(ValueError, match="minutes: must not be negative"):
        CAL.add_working_minutes(local(2026, 3, 4, 10), -1)
    with pytest.raises(ValueError, match="days: must not be negative"):
        CAL.add_working_days(local(2026, 3, 4, 10), -1)


# -- properties -------------------------------------------------------------------------------

SATURDAY_DESK = WorkingCalendar(
    hours={0: (time(7, 30), time(16)), 2: (time(9), time(18, 15)), 5: (time(10), time(13))},
    closed_days=frozenset({date(2027, 2, 3), date(2027, 2, 6)}),
    short_days={
        date(2026, 12, 23): (time(7, 30), time(11)),
        date(2027, 1, 2): (time(11), time(12)),
    },
)
NIGHT_DESK = WorkingCalendar(hours={6: (time(0, 30), time(3, 30))}, holiday_country="")
CALENDARS = st.sampled_from([CAL, SHORT, SATURDAY_DESK, NIGHT_DESK])

_zones = st.sampled_from([UTC, STOCKHOLM, NEW_YORK])
_any_instant = st.datetimes(
    min_value=datetime(2025, 12, 20), max_value=datetime(2029, 1, 10), timezones=_zones
)
# Instants on the edges, where off-by-one mistakes live.
_edge_instant = st.builds(
    lambda day, wall: datetime.combine(day, wall, tzinfo=STOCKHOLM),
    st.dates(min_value=date(2025, 12, 20), max_value=date(2029, 1, 10)),
    st.sampled_from(
        [
            *(time(0, 30), time(3, 30), time(7, 30), time(8), time(9), time(11), time(13)),
            *(time(16), time(16, 59, 59, 999999), time(17), time(18, 15), time(23, 59, 59, 999999)),
        ]
    ),
)
INSTANTS = st.one_of(_any_instant, _edge_instant)
MINUTES = st.one_of(st.integers(0, 3 * DAY_MINUTES), st.integers(0, 200 * DAY_MINUTES))
PROPERTY = settings(max_examples=300, deadline=None)


def utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC)


def hours_of(cal: WorkingCalendar, instant: datetime) -> tuple[datetime, datetime] | None:
    return cal.day_hours(instant.astimezone(cal.tz).date())


def is_close(cal: WorkingCalendar, instant: datetime) -> bool:
    hours = hours_of(cal, instant)
    return hours is not None and hours[1] == instant


@PROPERTY
@given(CALENDARS, INSTANTS, MINUTES)
def test_adding_then_measuring_gives_back_the_minutes(
    cal: WorkingCalendar, start: datetime, minutes: int
) -> None:
    due = cal.add_working_minutes(start, minutes)
    assert cal.working_minutes_between(start, due) == minutes
    assert due >= start


@PROPERTY
@given(CALENDARS, INSTANTS, MINUTES, MINUTES)
def test_more_minutes_is_never_earlier(
    cal: WorkingCalendar, start: datetime, a: int, b: int
) -> None:
    a, b = sorted((a, b))
    assert cal.add_working_minutes(start, a) <= cal.add_working_minutes(start, b)


@PROPERTY
@given(CALENDARS, INSTANTS, INSTANTS, MINUTES)
def test_later_start_is_never_earlier(
    cal: WorkingCalendar, s1: datetime, s2: datetime, minutes: int
) -> None:
    s1, s2 = sorted((s1, s2), key=utc)
    assert cal.add_working_minutes(s1, minutes) <= cal.add_working_minutes(s2, minutes)


# Not NIGHT_DESK: its hours contain the autumn DST change, whose repeated wall-clock hour
# cannot keep both the time of day and the order of instants.
@PROPERTY
@given(st.sampled_from([CAL, SHORT, SATURDAY_DESK]), INSTANTS, INSTANTS, st.integers(0, 25))
def test_later_registration_is_never_due_earlier(
    cal: WorkingCalendar, s1: datetime, s2: datetime, days: int
) -> None:
    s1, s2 = sorted((s1, s2), key=utc)
    assert cal.add_working_days(s1, days) <= cal.add_working_days(s2, days)


@PROPERTY
@given(CALENDARS, INSTANTS, MINUTES)
def test_result_is_working_time_or_exactly_a_close(
    cal: WorkingCalendar, start: datetime, minutes: int
) -> None:
    due = cal.add_working_minutes(start, minutes)
    if minutes == 0:
        assert cal.is_working_time(due)
    else:
        assert cal.is_working_time(due) or is_close(cal, due)


@PROPERTY
@given(CALENDARS, INSTANTS, st.integers(0, 25))
def test_add_working_days_lands_on_working_time_or_a_close(
    cal: WorkingCalendar, start: datetime, days: int
) -> None:
    due = cal.add_working_days(start, days)
    assert cal.is_working_time(due) or is_close(cal, due)
    assert due >= start


@PROPERTY
@given(CALENDARS, INSTANTS, st.integers(1, 999_999), st.integers(1, 25))
def test_add_working_days_keeps_the_wall_clock_time_unless_clamped(
    cal: WorkingCalendar, instant: datetime, ppm: int, days: int
) -> None:
    hours = hours_of(cal, cal.next_opening(instant))
    assert hours is not None
    start = hours[0] + (hours[1] - hours[0]) * ppm // 1_000_000  # strictly inside the hours
    due = cal.add_working_days(start, days)
    day = due.astimezone(cal.tz).date()
    # Same wall clock (a time in a spring DST gap is read with the offset before the gap).
    same_wall = datetime.combine(day, start.astimezone(cal.tz).time(), tzinfo=cal.tz)
    # Compared in UTC: Python never finds an ambiguous wall time (the autumn DST hour) equal
    # to an instant of another zone (PEP 495), even when they are the same instant.
    assert due == same_wall.astimezone(UTC) or due in (hours_of(cal, due) or ())
    assert day > start.astimezone(cal.tz).date()


@PROPERTY
@given(INSTANTS, st.integers(0, 25))
def test_a_working_day_is_nine_hours_of_business_time(start: datetime, days: int) -> None:
    # Every day of the default calendar is 08:00-17:00, so N days are exactly N * 540 minutes.
    due = CAL.add_working_days(start, days)
    assert CAL.working_minutes_between(start, due) == days * DAY_MINUTES


@PROPERTY
@given(CALENDARS, INSTANTS)
def test_next_opening_and_close_of_working_day(cal: WorkingCalendar, instant: datetime) -> None:
    opening = cal.next_opening(instant)
    assert opening >= instant
    assert cal.is_working_time(opening)
    assert cal.working_minutes_between(instant, opening) == 0
    close = cal.close_of_working_day(instant)
    assert close > instant
    assert is_close(cal, close)
    assert close.astimezone(cal.tz).date() == opening.astimezone(cal.tz).date()


@PROPERTY
@given(CALENDARS, INSTANTS, INSTANTS, INSTANTS)
def test_measuring_is_additive(cal: WorkingCalendar, a: datetime, b: datetime, c: datetime) -> None:
    a, b, c = sorted((a, b, c), key=utc)
    whole = cal.working_minutes_between(a, c)
    parts = cal.working_minutes_between(a, b) + cal.working_minutes_between(b, c)
    assert whole - 1 <= parts <= whole  # two floors lose at most one minute


def reference_minutes(start: datetime, end: datetime) -> int:
    """Working minutes of the default calendar, summed day by day from the hand-written table."""
    start, end = utc(start), utc(end)  # same-zone datetimes compare by wall clock
    total = timedelta()
    day = start.astimezone(STOCKHOLM).date() - timedelta(days=1)
    while day <= end.astimezone(STOCKHOLM).date():
        if day.weekday() < 5 and day not in SWEDISH_HOLIDAYS:
            opening = utc(datetime.combine(day, time(8), tzinfo=STOCKHOLM))
            closing = utc(datetime.combine(day, time(17), tzinfo=STOCKHOLM))
            overlap = min(end, closing) - max(start, opening)
            total += max(overlap, timedelta())
        day += timedelta(days=1)
    return total // timedelta(minutes=1)


_table_instant = st.one_of(
    st.datetimes(
        min_value=datetime(2026, 1, 2), max_value=datetime(2028, 12, 30), timezones=_zones
    ),
    _edge_instant.filter(lambda d: date(2026, 1, 2) <= d.date() <= date(2028, 12, 30)),
)


@PROPERTY
@given(_table_instant, _table_instant)
def test_measuring_agrees_with_a_day_by_day_reference(start: datetime, end: datetime) -> None:
    start, end = sorted((start, end), key=utc)
    assert CAL.working_minutes_between(start, end) == reference_minutes(start, end)
