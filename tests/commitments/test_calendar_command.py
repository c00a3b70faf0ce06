"""``supportdesk calendar``: working-time arithmetic on the desk's calendar from the shell."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from supportdesk.commitments.clocks import clear_calendar_cache
from supportdesk.commitments.models import ClosedDay
from tests.commitments.helpers import local

pytestmark = pytest.mark.django_db


def calendar(*argv: str) -> str:
    out = StringIO()
    call_command("calendar", *argv, stdout=out)
    return out.getvalue().strip()


def test_adding_two_working_days_skips_midsummer_eve():
    # Wednesday 23 June 2027 + 2: Thursday 24th, (Friday 25th is Midsummer Eve), Monday 28th.
    assert calendar("add", "2027-06-23T10:00", "--working-days", "2") == "2027-06-28T10:00+02:00"


def test_working_minutes_between_skip_midsummer_eve_and_the_weekend():
    # Two whole working days of 9 hours: Wed 10:00 → Thu 10:00 → Mon 10:00.
    assert calendar("between", "2027-06-23T10:00", "2027-06-28T10:00") == "1080"


def test_adding_working_minutes_and_the_close_of_the_day():
    assert calendar("add", "2027-06-24T16:00", "--working-minutes", "90") == (
        "2027-06-28T08:30+02:00"
    )
    assert calendar("close", "2027-06-25T09:00") == "2027-06-28T17:00+02:00"  # a holiday


def test_instants_with_an_offset_are_taken_as_given_and_shown_in_local_time():
    # 08:00 UTC is 10:00 in Stockholm in summer.
    assert calendar("add", "2027-06-23T08:00+00:00", "--working-days", "2") == (
        "2027-06-28T10:00+02:00"
    )


def test_the_command_uses_the_administrators_closed_days():
    ClosedDay.objects.create(date=local(2027, 6, 24).date(), reason="Staff day")
    clear_calendar_cache()

    assert calendar("add", "2027-06-23T10:00", "--working-days", "2") == "2027-06-29T10:00+02:00"


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["add", "23/06/2027", "--working-days", "2"], "instant"),
        (["add", "2027-06-23T10:00", "--working-days", "-1"], "--working-days"),
        (["add", "2027-06-23T10:00", "--working-minutes", "-5"], "--working-minutes"),
        (["add", "2027-06-23T10:00", "--working-days", "two"], "--working-days"),
        (["between", "2027-06-23T10:00", "tomorrow"], "end"),
        (["between", "yesterday", "2027-06-23T10:00"], "start"),
        (["close", "2027-13-01T10:00"], "instant"),
    ],
)
def test_bad_input_is_refused_naming_the_argument(argv, named):
    with pytest.raises(CommandError) as refused:
        calendar(*argv)

    assert f"{named}:" in str(refused.value)


def test_add_needs_an_amount():
    with pytest.raises(CommandError, match="--working-days"):
        calendar("add", "2027-06-23T10:00")
