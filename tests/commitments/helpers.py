"""Shared helpers for the commitments tests: local instants and actions placed in time."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from zoneinfo import ZoneInfo

from supportdesk.core import clock

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    """An instant on the desk's wall clock (Europe/Stockholm)."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=STOCKHOLM)


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> AbstractContextManager[None]:
    """Run the actions in the block as if it were this local instant (they read clock.now())."""
    return clock.at(local(y, m, d, hh, mm))
