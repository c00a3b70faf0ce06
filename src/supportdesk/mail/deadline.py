"""Stop processing a message that takes too long (``MAIL_PROCESS_SECONDS``).

Processing runs in the worker's own thread (Huey's thread workers, the pipe command, the
listener). A watchdog timer raises :class:`ProcessingTimeout` in that thread when the time
is up (``PyThreadState_SetAsyncExc``): the exception arrives between two Python steps, the
transaction rolls back, and the message is kept as failed with the reason. Steps done in
C (parsing HTML, sanitising, a query) are bounded in size, so the stop comes soon after.
"""

from __future__ import annotations

import ctypes
import threading
from types import TracebackType


class ProcessingTimeout(Exception):
    """Processing one message took longer than allowed."""


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )


class deadline:
    """``with deadline(20): ...`` raises ProcessingTimeout in this thread after 20 s."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.thread_id = threading.get_ident()
        self.lock = threading.Lock()
        self.active = False
        self.fired = False
        self.timer = threading.Timer(seconds, self._fire)
        self.timer.daemon = True

    def _fire(self) -> None:
        with self.lock:
            if self.active:
                self.fired = True
                _raise_in(self.thread_id, ProcessingTimeout)

    def __enter__(self) -> deadline:
        self.active = True
        self.timer.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with self.lock:
            self.active = False
            self.timer.cancel()
            fired = self.fired
        if fired:
            _raise_in(self.thread_id, None)  # not delivered yet: it is raised here instead
            raise ProcessingTimeout(
                f"processing took longer than {self.seconds:g} s and was stopped"
            ) from exc
