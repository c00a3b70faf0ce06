"""The stored clocks of a ticket (R3 assignment, R5 resolution), set by the real actions.

Every action runs at a chosen instant (``clock.at`` or ``time_machine``); the week of
2027-03-08 is a normal Swedish working week (Easter 2027 starts on Good Friday, 26 March).
"""

from __future__ import annotations

import pytest
import time_machine

from supportdesk.commitments.clocks import clear_calendar_cache, current_calendar, recompute_clocks
from supportdesk.commitments.models import ClosedDay
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Ticket
from tests.commitments.helpers import at, local
from tests.factories import make_ticket

CLOCK_COLUMNS = (
    "assignment_due",
    "same_day_due",
    "resolution_due",
    "assignment_warn_at",
    "paused_minutes",
    "assignment_minutes",
    "resolution_minutes",
)

pytestmark = pytest.mark.django_db


def columns(ticket: Ticket) -> dict[str, object]:
    return {name: getattr(ticket, name) for name in CLOCK_COLUMNS}


def register_wednesday(alice) -> Ticket:
    with at(2027, 3, 10, 10, 0):
        return make_ticket(alice)


def assign_and_start(ticket: Ticket, dispatcher, consultant, *, day=(2027, 3, 10)) -> Ticket:
    with at(*day, 10, 30):
        actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    with at(*day, 10, 45):
        return actions.ticket_start(ticket=ticket, actor=consultant)


def test_wednesday_morning_ticket_is_due_for_assignment_on_friday_at_the_same_time(alice):
    ticket = register_wednesday(alice)
    ticket.refresh_from_db()

    assert ticket.assignment_due == local(2027, 3, 12, 10, 0)  # Friday, 2 working days
    assert ticket.same_day_due == local(2027, 3, 10, 17, 0)  # Wednesday's close
    # 10 working days: 11, 12, 15, 16, 17, 18, 19, 22, 23, 24 March.
    assert ticket.resolution_due == local(2027, 3, 24, 10, 0)
    # Dispatchers are warned 2 working hours before the deadline: at Thursday's close, which
    # is the same point of working time as Friday's opening.
    assert ticket.assignment_warn_at == local(2027, 3, 11, 17, 0)
    assert (
        current_calendar().working_minutes_between(ticket.assignment_warn_at, ticket.assignment_due)
        == 120
    )
    assert ticket.paused_minutes == 0
    assert ticket.assignment_minutes is None
    assert ticket.resolution_minutes is None


def test_saturday_ticket_is_due_for_assignment_at_tuesdays_close(alice):
    # time_machine instead of clock.at: the actions read the real (travelled) time.
    with time_machine.travel(local(2027, 3, 13, 11, 0), tick=False):
        ticket = make_ticket(alice)
    ticket.refresh_from_db()

    assert ticket.registered_at == local(2027, 3, 13, 11, 0)
    assert ticket.assignment_due == local(2027, 3, 16, 17, 0)  # Tuesday 17:00
    assert ticket.same_day_due == local(2027, 3, 15, 17, 0)  # the first working day: Monday
    assert ticket.assignment_warn_at == local(2027, 3, 16, 15, 0)


def test_waiting_on_the_customer_shifts_resolution_due_by_exactly_the_paused_working_minutes(
    alice, dispatcher, consultant
):
    ticket = assign_and_start(register_wednesday(alice), dispatcher, consultant)
    due_before = Ticket.objects.get(pk=ticket.pk).resolution_due
    assert due_before == local(2027, 3, 24, 10, 0)

    pause_start, pause_end = local(2027, 3, 11, 14, 0), local(2027, 3, 15, 11, 30)
    with at(2027, 3, 11, 14, 0):
        actions.ticket_wait(ticket=ticket, actor=consultant, on="customer", reason="need a log")
    # The stored target does not move while the pause is still running.
    assert Ticket.objects.get(pk=ticket.pk).resolution_due == due_before
    with at(2027, 3, 15, 11, 30):  # the customer answers: the ticket is back in work
        actions.ticket_reply(ticket=ticket, actor=alice, body="Here it is", channel=Channel.PORTAL)

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == "in_progress"
    calendar = current_calendar()
    paused = calendar.working_minutes_between(pause_start, pause_end)
    assert paused == 180 + 540 + 210  # Thursday 14–17, all of Friday, Monday 8–11:30
    assert ticket.paused_minutes == paused
    assert calendar.working_minutes_between(due_before, ticket.resolution_due) == paused
    # Wednesday 24th 10:00 + 930 working minutes: 420 that day, 510 on Thursday from 08:00.
    assert ticket.resolution_due == local(2027, 3, 25, 16, 30)
    # The assignment clocks are not paused: they were met before.
    assert ticket.assignment_due == local(2027, 3, 12, 10, 0)


def wait_on_third_party_thursday_to_monday(ticket: Ticket, consultant) -> Ticket:
    with at(2027, 3, 11, 14, 0):
        actions.ticket_wait(ticket=ticket, actor=consultant, on="third_party", reason="Odoo SA")
    with at(2027, 3, 15, 11, 30):
        actions.ticket_resume(ticket=ticket, actor=consultant, reason="Odoo answered")
    return Ticket.objects.get(pk=ticket.pk)


def test_waiting_on_a_third_party_pauses_resolution_by_default(alice, dispatcher, consultant):
    ticket = assign_and_start(register_wednesday(alice), dispatcher, consultant)

    ticket = wait_on_third_party_thursday_to_monday(ticket, consultant)

    assert ticket.paused_minutes == 930
    assert ticket.resolution_due == local(2027, 3, 25, 16, 30)


def test_waiting_on_a_third_party_does_not_pause_when_only_customer_waits_are_configured(
    alice, dispatcher, consultant, settings
):
    settings.RESOLUTION_PAUSES = ["waiting_customer"]
    ticket = assign_and_start(register_wednesday(alice), dispatcher, consultant)

    ticket = wait_on_third_party_thursday_to_monday(ticket, consultant)

    assert ticket.paused_minutes == 0
    assert ticket.resolution_due == local(2027, 3, 24, 10, 0)


def test_assignment_and_resolution_working_minutes_are_stored(alice, dispatcher, consultant):
    ticket = register_wednesday(alice)
    with at(2027, 3, 11, 9, 0):
        actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    assert Ticket.objects.get(pk=ticket.pk).assignment_minutes == 420 + 60  # Wed 10–17, Thu 8–9
    with at(2027, 3, 11, 9, 30):
        actions.ticket_start(ticket=ticket, actor=consultant)
    with at(2027, 3, 11, 13, 0):
        actions.ticket_wait(ticket=ticket, actor=consultant, on="customer")
    with at(2027, 3, 12, 10, 0):
        actions.ticket_reply(ticket=ticket, actor=alice, body="Done", channel=Channel.PORTAL)
    assert Ticket.objects.get(pk=ticket.pk).resolution_minutes is None
    with at(2027, 3, 15, 12, 0):
        actions.ticket_resolve(ticket=ticket, actor=consultant, resolution="Lock date moved")

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.assignment_minutes == 480
    # Wed 420 + Thu 540 + Fri 540 + Mon 240 = 1740 working minutes, less the pause
    # Thursday 13:00 – Friday 10:00 (240 + 120 = 360).
    assert ticket.paused_minutes == 360
    assert ticket.resolution_minutes == 1740 - 360


def test_reopened_time_does_not_count_towards_resolution(alice, dispatcher, consultant):
    ticket = assign_and_start(register_wednesday(alice), dispatcher, consultant)
    with at(2027, 3, 11, 10, 0):
        actions.ticket_resolve(ticket=ticket, actor=consultant)
    with at(2027, 3, 12, 10, 0):
        actions.ticket_reopen(ticket=ticket, actor=alice, reason="Still fails")
    with at(2027, 3, 12, 15, 0):
        actions.ticket_resolve(ticket=ticket, actor=consultant)

    ticket = Ticket.objects.get(pk=ticket.pk)
    # Working time Wed 10:00 → Fri 15:00 = 420 + 540 + 420 = 1380, less the 540 minutes
    # between the first resolution and the reopening.
    assert ticket.resolution_minutes == 1380 - 540
    assert ticket.resolution_due == local(2027, 3, 25, 10, 0)  # one working day later


def test_recomputing_the_clocks_of_a_loaded_ticket_gives_identical_columns(
    alice, dispatcher, consultant
):
    ticket = assign_and_start(register_wednesday(alice), dispatcher, consultant)
    with at(2027, 3, 11, 14, 0):
        actions.ticket_wait(ticket=ticket, actor=consultant, on="customer")
    with at(2027, 3, 15, 11, 30):
        actions.ticket_reply(ticket=ticket, actor=alice, body="Answer", channel=Channel.PORTAL)
    with at(2027, 3, 16, 9, 0):
        actions.ticket_resolve(ticket=ticket, actor=consultant)
    with at(2027, 3, 17, 9, 0):
        actions.ticket_reopen(ticket=ticket, actor=alice, reason="Not fixed")
    with at(2027, 3, 18, 9, 0):
        actions.ticket_resolve(ticket=ticket, actor=consultant)

    stored = Ticket.objects.get(pk=ticket.pk)
    expected = columns(stored)
    assert expected["resolution_minutes"] is not None

    again = Ticket.objects.get(pk=ticket.pk)
    recompute_clocks(again)
    assert columns(again) == expected
    # Another "now", and a second pass over the same object, change nothing either.
    recompute_clocks(again, now=local(2027, 9, 1, 12, 0))
    recompute_clocks(again)
    assert columns(again) == expected


def test_actions_that_change_no_status_keep_the_clocks_the_history_gives(
    alice, dispatcher, consultant
):
    """A reply, a note and an update after a pause: the stored pause is kept (no history
    read) and every clock is what a recomputation from the whole history gives."""
    ticket = assign_and_start(register_wednesday(alice), dispatcher, consultant)
    with at(2027, 3, 11, 14, 0):
        actions.ticket_wait(ticket=ticket, actor=consultant, on="customer")
    with at(2027, 3, 15, 11, 30):
        actions.ticket_reply(ticket=ticket, actor=alice, body="Answer", channel=Channel.PORTAL)
    paused = Ticket.objects.get(pk=ticket.pk).paused_minutes
    assert paused == 930
    with at(2027, 3, 16, 9, 0):
        actions.ticket_reply(ticket=ticket, actor=alice, body="More", channel=Channel.PORTAL)
        actions.ticket_add_note(ticket=ticket, actor=consultant, body="Looked at it.")
        actions.ticket_update(ticket=ticket, actor=consultant, kind="configuration")

    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.paused_minutes == paused
    again = Ticket.objects.get(pk=ticket.pk)
    recompute_clocks(again)
    assert columns(again) == columns(stored)


def test_closed_days_set_by_an_administrator_move_the_deadlines(alice):
    ClosedDay.objects.create(date=local(2027, 3, 11).date(), reason="Staff conference")
    clear_calendar_cache()

    ticket = register_wednesday(alice)
    ticket.refresh_from_db()

    assert ticket.same_day_due == local(2027, 3, 10, 17, 0)
    # Thursday is closed: Friday is the first working day, Monday the second.
    assert ticket.assignment_due == local(2027, 3, 15, 10, 0)
    assert ticket.resolution_due == local(2027, 3, 25, 10, 0)


def test_a_closed_day_added_later_moves_the_deadlines_at_the_next_action(
    alice, dispatcher, consultant
):
    ticket = register_wednesday(alice)
    ClosedDay.objects.create(date=local(2027, 3, 12).date(), reason="Office move")
    clear_calendar_cache()

    with at(2027, 3, 10, 11, 0):
        actions.ticket_update(ticket=ticket, actor=dispatcher, kind="configuration")

    ticket.refresh_from_db()
    assert ticket.assignment_due == local(2027, 3, 15, 10, 0)  # Thursday, (Friday closed), Monday


def test_a_closed_day_saved_in_the_admin_moves_open_deadlines_at_once(
    client, admin_user, settings, alice, dispatcher, consultant
):
    """A day closed after the fact inside a past wait shortens the wait: the resolution
    target comes earlier by that day's hours at once, with no action on the ticket, and the
    stored clocks equal a recomputation from the whole history."""
    settings.OTP_REQUIRED_ROLES = []
    ticket = assign_and_start(register_wednesday(alice), dispatcher, consultant)
    with at(2027, 3, 11, 14, 0):
        actions.ticket_wait(ticket=ticket, actor=consultant, on="customer")
    with at(2027, 3, 15, 11, 30):
        actions.ticket_reply(ticket=ticket, actor=alice, body="Answer", channel=Channel.PORTAL)
    before = Ticket.objects.get(pk=ticket.pk)
    assert before.paused_minutes == 930

    client.force_login(admin_user)
    with at(2027, 3, 15, 12, 0):
        response = client.post(
            "/admin/commitments/closedday/add/", {"date": "2027-03-12", "reason": "Office move"}
        )
    assert response.status_code == 302, response.content.decode()[-2000:]

    after = Ticket.objects.get(pk=ticket.pk)
    assert after.paused_minutes == 930 - 9 * 60  # Friday's nine hours were not working time
    # 10 working days from Wednesday 10:00 with Friday closed, plus the shorter wait.
    assert after.resolution_due == current_calendar().add_working_minutes(
        local(2027, 3, 25, 10, 0), 930 - 9 * 60
    )
    again = Ticket.objects.get(pk=ticket.pk)
    recompute_clocks(again)
    assert columns(again) == columns(after)
