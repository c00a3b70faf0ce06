"""Stop processing a message that takes too long (``MAIL_PROCESS_SECONDS``).

Processing runs in the worker's own thread (Huey's thread workers, the pipe command, the
listener). A watchdog raises :class:`ProcessingTimeout` in that thread when the time is up
(``PyThreadState_SetAsyncExc``): the exception arrives between two Python steps, the
transaction rolls back, and the message is kept as failed with the reason. Steps done in
C (parsing HTML, sanitising, a query) are bounded in size, so the stop comes soon after.

One watchdog thread per process watches every deadline: starting a timer thread for each
message cost more than a reply's statements on a busy machine (the new thread has to be
scheduled before processing may begin).
"""

from __future__ import annotations

import ctypes
import heapq
import itertools
import threading
import time
from types import TracebackType


class ProcessingTimeout(Exception):
    """Processing one message took longer than allowed."""


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )


class _Watchdog:
    """Fires each registered deadline at its time, unless it was left first (a deadline
    left is dropped when the watchdog next wakes: it is not woken for each message)."""

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.due: list[tuple[float, int, deadline]] = []  # a heap by time
        self.order = itertools.count()
        self.thread: threading.Thread | None = None

    def watch(self, entry: deadline) -> None:
        with self.condition:
            heapq.heappush(self.due, (entry.at, next(self.order), entry))
            if self.thread is None or not self.thread.is_alive():  # after a fork too
                self.thread = threading.Thread(target=self._run, name="mail-deadline")
                self.thread.daemon = True
                self.thread.start()
            if self.due[0][2] is entry:  # sooner than the one the watchdog waits for
                self.condition.notify()

    def _run(self) -> None:
        with self.condition:
            while True:
                while self.due and not self.due[0][2].active:
                    heapq.heappop(self.due)  # left in time
                if not self.due:
                    self.condition.wait()
                    continue
                wait = self.due[0][0] - time.monotonic()
                if wait > 0:
                    self.condition.wait(wait)
                    continue
                _at, _n, entry = heapq.heappop(self.due)
                entry._fire()


_watchdog = _Watchdog()


class deadline:
    """``with deadline(20): ...`` raises ProcessingTimeout in this thread after 20 s."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.thread_id = threading.get_ident()
        self.lock = threading.Lock()
        self.active = False
        self.fired = False
        self.at = 0.0

    def _fire(self) -> None:
        with self.lock:
            if self.active:
                self.fired = True
                _raise_in(self.thread_id, ProcessingTimeout)

    def __enter__(self) -> deadline:
        self.active = True
        self.at = time.monotonic() + self.seconds
        _watchdog.watch(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with self.lock:
            self.active = False  # the watchdog drops it
            fired = self.fired
        if fired:
            _raise_in(self.thread_id, None)  # not delivered yet: it is raised here instead
            raise ProcessingTimeout(
                f"processing took longer than {self.seconds:g} s and was stopped"
            ) from exc
