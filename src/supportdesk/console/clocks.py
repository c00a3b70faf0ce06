"""The clocks of a ticket as the console shows them (R3, R5): working hours left to
assign, to start the same day, to the resolution target, each with a colour state.

The board shows three on each of its 50 rows, so what they say is translated once per
process and language (``ClockWords``, ``core/words.py``), and a clock that says the same
as another is the same object.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.conf import settings
from django.utils.translation import gettext

from supportdesk.commitments.clocks import hours, working_minutes_left
from supportdesk.core.words import per_language
from supportdesk.tickets.models import OPEN_STATUSES, WAITING_STATUSES, Ticket

# "At risk": an assigned ticket whose resolution target is within this much working time.
RESOLUTION_RISK_MINUTES = 8 * 60


@dataclasses.dataclass(frozen=True)
class Clock:
    """One commitment of a ticket as the board shows it: text, and a colour state."""

    text: str
    state: str  # ok | warn | late | done | paused | none
    title: str = ""


class ClockWords:
    """What the clocks say, translated once per process and language (``clock_words``):
    a page of the board shows three clocks on each of its 50 rows."""

    def __init__(self) -> None:
        self.assigned = Clock(gettext("assigned"), "done")
        self.assigned_late = Clock(gettext("assigned late"), "late")
        self.none = Clock("—", "none")
        self.started_same_day = Clock(gettext("started same day"), "done")
        self.not_same_day = Clock(gettext("not same day"), "late")
        self.paused = Clock(
            gettext("paused"), "paused", gettext("the resolution clock is paused while waiting")
        )
        self.left_to_assign = gettext("working hours left to assign")
        self.today = gettext("%(hours)s today")
        self.to_start_today = gettext("to start it today")
        self.left_to_resolve = gettext("working hours left to the resolution target")


clock_words = per_language(ClockWords)


def assignment_clock(ticket: Ticket, now: dt.datetime, words: ClockWords | None = None) -> Clock:
    """R3: working hours left to assign, or whether it was assigned in time."""
    words = words or clock_words()
    if ticket.assigned_at is not None:
        kept = ticket.assignment_due is None or ticket.assigned_at <= ticket.assignment_due
        return words.assigned if kept else words.assigned_late
    left = working_minutes_left(ticket.assignment_due, now)
    if left is None:
        return words.none
    state = "late" if left < 0 else "warn" if left <= settings.ASSIGNMENT_WARNING_MINUTES else "ok"
    return Clock(hours(left), state, words.left_to_assign)


def same_day_clock(ticket: Ticket, now: dt.datetime, words: ClockWords | None = None) -> Clock:
    """R3: assigned and started the day it was registered."""
    words = words or clock_words()
    due = ticket.same_day_due
    if due is None:
        return words.none
    if ticket.assigned_at is not None and ticket.started_at is not None:
        met = ticket.assigned_at <= due and ticket.started_at <= due
        return words.started_same_day if met else words.not_same_day
    if now > due:
        return words.not_same_day
    left = working_minutes_left(due, now) or 0
    return Clock(
        words.today % {"hours": hours(left)}, "warn" if left <= 60 else "ok", words.to_start_today
    )


def resolution_clock(ticket: Ticket, now: dt.datetime, words: ClockWords | None = None) -> Clock:
    """R5: working hours left to the resolution target (a target, never a promise)."""
    words = words or clock_words()
    if ticket.status in WAITING_STATUSES and ticket.status in settings.RESOLUTION_PAUSES:
        return words.paused
    if ticket.status not in OPEN_STATUSES:
        return words.none
    left = working_minutes_left(ticket.resolution_due, now)
    if left is None:
        return words.none
    state = "late" if left < 0 else "warn" if left <= RESOLUTION_RISK_MINUTES else "ok"
    return Clock(hours(left), state, words.left_to_resolve)
