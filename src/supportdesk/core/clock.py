"""The current instant, which demo data and replays may set for a block of work.

Actions read the time here so that ``supportdesk demo`` can register history in the
past through the real actions (events, clocks and timestamps all agree).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_override: ContextVar[dt.datetime | None] = ContextVar("supportdesk_clock", default=None)


def now() -> dt.datetime:
    return _override.get() or timezone.now()


@contextmanager
def at(instant: dt.datetime) -> Iterator[None]:
    token = _override.set(instant)
    try:
        yield
    finally:
        _override.reset(token)
