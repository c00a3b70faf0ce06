"""Attainment of the commitments (R3, R5) over a dataset whose figures are worked out by hand.

February 2027 has no Swedish holiday: weekdays are 9 working hours (08:00–17:00,
540 minutes). 1 February is a Monday. The figures are taken at NOW, Monday 1 March 12:00.

For a ticket registered at 10:00 on a weekday: assignment is due 2 working days later at
10:00, same-day at 17:00 that day, resolution 10 working days later at 10:00 plus pauses.
Outside hours the clocks start at the previous close (= the next opening).

    #    registered (local)  assigned (min)        started     resolved (min)         A  S  R
    T1   Mon 1  00:15        Mon 1 08:30 (30)      Mon 09:00   Wed 3 08:00 (1080)     +  +  +
    T2   Tue 2  10:00        Thu 4 09:00 (1020)    Thu 09:30   Fri 5 10:00 (1620)     +  -  +
    T3   Wed 3  10:00        Fri 5 11:00 (1140)    Fri 11:30   Wed 24 10:00 (8100)    -  -  -
    T4   Thu 4  10:00        10:15 (15)            10:20       Thu 25 10:00 (4860)    +  +  +
         waiting on the customer Fri 5 10:00 – Mon 15 10:00: 420 + 5×540 + 120 = 3240
         paused, so resolution is due Thu 18 10:00 + 3240 min (6 days) = Fri 26 10:00
    T5   Fri 5  10:00        10:10 (10)            10:20       — due Fri 19, past     +  +  -
    T6   Mon 8  10:00        10:20 (20)            10:40       — waiting since Tue 9  +  +  ·
    T7   Tue 9  10:00        — due Thu 11, past    —           — due Tue 23, past     -  -  -
    T8   Sun 28 23:30        — due Tue 2 Mar 17:00 —           — due Fri 12 Mar       ·  ·  ·
    T9   Fri 26 10:00        10:05 (5)             10:10       — due Fri 12 Mar       +  +  ·
    T10  Mon 22 16:30        16:50 (20)            Tue 08:30   Wed 24 16:30 (1080)    +  -  +
    T11  Sat 13 11:00        Mon 15 09:00 (60)     09:15       Mon 15 12:00 (240)     +  +  +
    T12  Thu 11 10:00        Mon 15 10:00 (1080)   10:30       Thu 25 10:00 (5400)    +  -  +
         assigned and resolved exactly at their deadlines: met
    T13  Mon 15 10:00        10:45 (45)            11:00       Fri 19 10:00 (1620)    +  +  +
         resolved Tue 16 10:00, reopened Wed 17 10:00: 2160 - 540 paused = 1620
    T14  Tue 16 10:00        10:40 (40)            11:00       Wed 17 10:00 (540)     +  +  +
         (T14 is the only ticket of the other organisation)

    + met, - missed, · pending. Outside the period: Sun 31 Jan 23:45 and Mon 1 Mar 00:30.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from supportdesk.api.models import ApiToken
from supportdesk.commitments.kpi import attainment
from supportdesk.core import clock
from supportdesk.core.errors import InvalidInput
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Ticket
from tests.commitments.helpers import at, local
from tests.factories import make_ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("steady_session_clock")]

NOW = local(2027, 3, 1, 12, 0)
FEBRUARY = (dt.date(2027, 2, 1), dt.date(2027, 2, 28))


class Desk:
    """The people who work the dataset's tickets, at chosen instants of February 2027."""

    def __init__(self, dispatcher, consultant) -> None:
        self.dispatcher = dispatcher
        self.consultant = consultant

    def register(self, requester, day: int, hh: int, mm: int, month: int = 2) -> Ticket:
        with at(2027, month, day, hh, mm):
            return make_ticket(requester, subject=f"Registered {month}/{day} {hh}:{mm:02d}")

    def assign(self, ticket: Ticket, day: int, hh: int, mm: int) -> None:
        with at(2027, 2, day, hh, mm):
            actions.ticket_assign(ticket=ticket, actor=self.dispatcher, assignee=self.consultant)

    def start(self, ticket: Ticket, day: int, hh: int, mm: int) -> None:
        with at(2027, 2, day, hh, mm):
            actions.ticket_start(ticket=ticket, actor=self.consultant)

    def resolve(self, ticket: Ticket, day: int, hh: int, mm: int) -> None:
        with at(2027, 2, day, hh, mm):
            actions.ticket_resolve(ticket=ticket, actor=self.consultant)

    def wait_on_customer(self, ticket: Ticket, day: int, hh: int, mm: int) -> None:
        with at(2027, 2, day, hh, mm):
            actions.ticket_wait(ticket=ticket, actor=self.consultant, on="customer")


@pytest.fixture
def february(alice, bob, dispatcher, consultant) -> dict[str, Ticket]:
    desk = Desk(dispatcher, consultant)
    t: dict[str, Ticket] = {}

    t["T0"] = desk.register(alice, 31, 23, 45, month=1)  # outside: the day before
    t["T1"] = desk.register(alice, 1, 0, 15)
    desk.assign(t["T1"], 1, 8, 30)
    desk.start(t["T1"], 1, 9, 0)
    desk.resolve(t["T1"], 3, 8, 0)

    t["T2"] = desk.register(alice, 2, 10, 0)
    desk.assign(t["T2"], 4, 9, 0)
    desk.start(t["T2"], 4, 9, 30)
    desk.resolve(t["T2"], 5, 10, 0)

    t["T3"] = desk.register(alice, 3, 10, 0)
    desk.assign(t["T3"], 5, 11, 0)
    desk.start(t["T3"], 5, 11, 30)
    desk.resolve(t["T3"], 24, 10, 0)

    t["T4"] = desk.register(alice, 4, 10, 0)
    desk.assign(t["T4"], 4, 10, 15)
    desk.start(t["T4"], 4, 10, 20)
    desk.wait_on_customer(t["T4"], 5, 10, 0)
    with at(2027, 2, 15, 10, 0):
        actions.ticket_reply(ticket=t["T4"], actor=alice, body="Log", channel=Channel.PORTAL)
    desk.resolve(t["T4"], 25, 10, 0)

    t["T5"] = desk.register(alice, 5, 10, 0)
    desk.assign(t["T5"], 5, 10, 10)
    desk.start(t["T5"], 5, 10, 20)

    t["T6"] = desk.register(alice, 8, 10, 0)
    desk.assign(t["T6"], 8, 10, 20)
    desk.start(t["T6"], 8, 10, 40)
    desk.wait_on_customer(t["T6"], 9, 10, 0)

    t["T7"] = desk.register(alice, 9, 10, 0)

    t["T11"] = desk.register(alice, 13, 11, 0)
    desk.assign(t["T11"], 15, 9, 0)
    desk.start(t["T11"], 15, 9, 15)
    desk.resolve(t["T11"], 15, 12, 0)

    t["T12"] = desk.register(alice, 11, 10, 0)
    desk.assign(t["T12"], 15, 10, 0)
    desk.start(t["T12"], 15, 10, 30)
    desk.resolve(t["T12"], 25, 10, 0)

    t["T13"] = desk.register(alice, 15, 10, 0)
    desk.assign(t["T13"], 15, 10, 45)
    desk.start(t["T13"], 15, 11, 0)
    desk.resolve(t["T13"], 16, 10, 0)
    with at(2027, 2, 17, 10, 0):
        actions.ticket_reopen(ticket=t["T13"], actor=alice, reason="Still wrong")
    desk.resolve(t["T13"], 19, 10, 0)

    t["T14"] = desk.register(bob, 16, 10, 0)
    desk.assign(t["T14"], 16, 10, 40)
    desk.start(t["T14"], 16, 11, 0)
    desk.resolve(t["T14"], 17, 10, 0)

    t["T10"] = desk.register(alice, 22, 16, 30)
    desk.assign(t["T10"], 22, 16, 50)
    desk.start(t["T10"], 23, 8, 30)
    desk.resolve(t["T10"], 24, 16, 30)

    t["T9"] = desk.register(alice, 26, 10, 0)
    desk.assign(t["T9"], 26, 10, 5)
    desk.start(t["T9"], 26, 10, 10)

    t["T8"] = desk.register(alice, 28, 23, 30)
    t["TX"] = desk.register(alice, 1, 0, 30, month=3)  # outside: the day after
    return {name: Ticket.objects.get(pk=ticket.pk) for name, ticket in t.items()}


def numbers(tickets: dict[str, Ticket], *names: str) -> list[str]:
    return [tickets[name].number for name in names]


def staff_figures(t: dict[str, Ticket]) -> dict[str, object]:
    """The figures for the whole desk, worked out in the module docstring."""
    return {
        "from": "2027-02-01",
        "to": "2027-02-28",
        "registered": 14,  # T1–T14; T0 and TX fall outside in local time
        "assignment": {
            "target": 1.0,
            "met": 11,  # all assigned in time but T3 (late) and T7, T8 (unassigned)
            "missed": 2,  # T3 assigned an hour late, T7 never assigned and past due
            "pending": 1,  # T8: due Tuesday 2 March, still ahead
            "share": 0.8462,  # 11 / 13
            "on_target": False,  # the commitment is all of them
            # 12 assigned: 5 10 15 20 20 [30 40] 45 60 1020 1080 1140 -> 35 min
            "median_working_hours": 0.58,
            "missed_tickets": numbers(t, "T3", "T7"),
        },
        "same_day": {
            "target": 0.9,
            "met": 8,  # T1 T4 T5 T6 T9 T11 T13 T14
            "missed": 5,  # T2 T3 (next days), T7 (never), T12 (Monday), T10 (started Tue)
            "pending": 1,  # T8: Monday 1 March is not over
            "share": 0.6154,  # 8 / 13
            "on_target": False,
            "missed_tickets": numbers(t, "T2", "T3", "T7", "T12", "T10"),
        },
        "resolution": {
            "target": 0.8,
            "met": 8,  # T1 T2 T4 T10 T11 T12 T13 T14
            "missed": 3,  # T3 (late), T5 and T7 (open, not waiting, past due)
            "pending": 3,  # T6 (waiting on the customer), T8 and T9 (due in March)
            "share": 0.7273,  # 8 / 11
            "on_target": False,
            # 9 resolved: 240 540 1080 1080 [1620] 1620 4860 5400 8100 -> 27 h
            "median_working_hours": 27.0,
            "missed_tickets": numbers(t, "T3", "T5", "T7"),
        },
    }


def test_attainment_figures_equal_the_hand_computed_ones(february):
    assert attainment(*FEBRUARY, now=NOW) == staff_figures(february)


def test_the_stored_clock_columns_behind_the_figures(february):
    t = february
    assert t["T4"].paused_minutes == 3240
    assert t["T4"].resolution_due == local(2027, 2, 26, 10, 0)
    assert t["T4"].resolution_minutes == 4860
    assert t["T12"].assigned_at == t["T12"].assignment_due == local(2027, 2, 15, 10, 0)
    assert t["T12"].resolved_at == t["T12"].resolution_due == local(2027, 2, 25, 10, 0)
    assert t["T13"].resolution_minutes == 1620
    assert t["T8"].assignment_due == local(2027, 3, 2, 17, 0)
    assert t["T1"].assignment_due == local(2027, 2, 2, 17, 0)
    assert t["T11"].assignment_minutes == 60


def test_a_ticket_waiting_on_the_customer_is_pending_until_it_comes_back(february, consultant):
    t6 = february["T6"]
    assert t6.resolution_due < NOW  # the stored target passed while it waited
    with at(2027, 3, 1, 11, 0):
        actions.ticket_resume(ticket=t6, actor=consultant, reason="Customer called")

    later = attainment(*FEBRUARY, now=NOW)

    # Back in work: Tue 9 10:00 – Mon 1 Mar 11:00 paused moves its target to mid-March.
    assert later["resolution"]["pending"] == 3
    assert Ticket.objects.get(pk=t6.pk).resolution_due > NOW


def test_the_period_includes_its_last_day_in_local_time(february):
    t = february

    def registered(start: dt.date, end: dt.date) -> list[str]:
        figures = attainment(start, end, now=NOW)
        return [figures["registered"], *figures["assignment"]["missed_tickets"]]

    # Sunday 28 February 23:30 in Stockholm is 22:30 UTC: inside the last day.
    assert attainment(dt.date(2027, 2, 28), dt.date(2027, 2, 28), now=NOW)["registered"] == 1
    # Monday 1 February 00:15 in Stockholm is still 31 January in UTC: inside the first day.
    assert attainment(dt.date(2027, 2, 1), dt.date(2027, 2, 1), now=NOW)["registered"] == 1
    # The neighbours fall on the neighbouring days, unassigned and (for T0) past due.
    assert registered(dt.date(2027, 1, 31), dt.date(2027, 1, 31)) == [1, t["T0"].number]
    assert registered(dt.date(2027, 3, 1), dt.date(2027, 3, 1)) == [1]


def test_the_period_must_not_end_before_it_starts(db):
    with pytest.raises(InvalidInput) as refused:
        attainment(dt.date(2027, 2, 28), dt.date(2027, 2, 1))
    assert refused.value.field == "to"


def test_the_kpi_costs_the_same_number_of_queries_for_one_ticket_or_fourteen(
    february, django_assert_num_queries
):
    # One aggregate, two medians, three lists of missed tickets.
    with django_assert_num_queries(6):
        one = attainment(dt.date(2027, 2, 16), dt.date(2027, 2, 16), now=NOW)
    with django_assert_num_queries(6):
        fourteen = attainment(*FEBRUARY, now=NOW)
    with django_assert_num_queries(3):  # without the lists of missed tickets
        attainment(*FEBRUARY, now=NOW, with_missed=False)
    assert (one["registered"], fourteen["registered"]) == (1, 14)


def test_the_kpi_command_prints_the_same_figures_as_json(february):
    out = StringIO()
    with clock.at(NOW):
        call_command(
            "kpi", "--from", "2027-02-01", "--to", "2027-02-28", "--format", "json", stdout=out
        )

    assert json.loads(out.getvalue()) == staff_figures(february)


def test_the_kpi_command_prints_a_readable_summary(february):
    out = StringIO()
    with clock.at(NOW):
        call_command("kpi", "--from", "2027-02-01", "--to", "2027-02-28", stdout=out)

    text = out.getvalue()
    assert "2027-02-01 – 2027-02-28: 14 tickets" in text
    assert "84.6 % (11 met, 2 missed, 1 pending), median 0.58 working hours" in text
    assert "72.7 % (8 met, 3 missed, 3 pending), median 27.0 working hours" in text
    assert "missed: " + ", ".join(numbers(february, "T3", "T7")) in text


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--from", "2027-02-28", "--to", "2027-02-01"], "--to"),
        (["--from", "2027-02-30", "--to", "2027-03-01"], "--from"),
        (["--from", "2027-02-01", "--to", "March"], "--to"),
    ],
)
def test_the_kpi_command_names_the_bad_argument(db, argv, named):
    with pytest.raises(CommandError, match=f"^{named}:"):
        call_command("kpi", *argv, stdout=StringIO())


def get_kpi(client, user, **params):
    _, raw = ApiToken.issue(user=user, name="kpi")
    with clock.at(NOW):
        return client.get("/api/v1/kpi", params, headers={"Authorization": f"Bearer {raw}"})


def test_the_api_gives_staff_the_same_figures(client, february, dispatcher):
    response = get_kpi(client, dispatcher, **{"from": "2027-02-01", "to": "2027-02-28"})

    assert response.status_code == 200, response.content
    assert response.json() == staff_figures(february)


def test_the_api_gives_a_customer_only_their_organisations_figures_without_ticket_lists(
    client, february, alice, bob
):
    period = {"from": "2027-02-01", "to": "2027-02-28"}
    mine = get_kpi(client, alice, **period).json()
    theirs = get_kpi(client, bob, **period).json()

    # Alice's organisation: everything but T14.
    assert mine["registered"] == 13
    assert mine["assignment"] == {
        "target": 1.0,
        "met": 10,
        "missed": 2,
        "pending": 1,
        "share": 0.8333,  # 10 / 12
        "on_target": False,
        # 11 assigned: 5 10 15 20 20 [30] 45 60 1020 1080 1140
        "median_working_hours": 0.5,
    }
    assert mine["same_day"] == {
        "target": 0.9,
        "met": 7,
        "missed": 5,
        "pending": 1,
        "share": 0.5833,  # 7 / 12
        "on_target": False,
    }
    assert mine["resolution"] == {
        "target": 0.8,
        "met": 7,
        "missed": 3,
        "pending": 3,
        "share": 0.7,  # 7 / 10
        "on_target": False,
        # 8 resolved: 240 1080 1080 [1620 1620] 4860 5400 8100
        "median_working_hours": 27.0,
    }
    # Bob's organisation has T14 only: assigned in 40 minutes, resolved in 540.
    assert theirs["registered"] == 1
    assert theirs["assignment"] == {
        "target": 1.0,
        "met": 1,
        "missed": 0,
        "pending": 0,
        "share": 1.0,
        "on_target": True,
        "median_working_hours": 0.67,
    }
    assert theirs["resolution"]["median_working_hours"] == 9.0
    assert "missed_tickets" not in json.dumps(mine)


def test_the_api_refuses_a_period_ending_before_it_starts_naming_the_field(client, dispatcher, db):
    response = get_kpi(client, dispatcher, **{"from": "2027-02-28", "to": "2027-02-01"})

    assert response.status_code == 422
    assert response.json()["field"] == "to"
    assert "before" in response.json()["detail"]


def test_the_api_refuses_an_impossible_date_naming_the_field(client, dispatcher, db):
    response = get_kpi(client, dispatcher, **{"from": "2027-02-30", "to": "2027-03-01"})

    assert response.status_code == 422
    assert response.json()["field"] == "from"
