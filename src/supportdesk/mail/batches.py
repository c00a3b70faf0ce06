"""``supportdesk mail listen`` processes what it receives in batches, in its own thread.

The LMTP/SMTP handler stores each message and answers the MTA at once; the stored ids
are collected and processed together every ``interval`` seconds (the look-ups shared by
the batch, one transaction per message), and the pipe command's spool is read at the
same pace. A listener stopped before it processed what it stored leaves the rows
``received``: the pending sweep (``mail_process_pending``) takes them a minute later.
"""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, connections

log = logging.getLogger(__name__)


class Batches:
    def __init__(self, *, interval: float = 1.0, spool: bool = True) -> None:
        self.interval = interval
        self.spool = spool
        self._ids: list[int] = []
        self._lock = threading.Lock()

    def add(self, inbound_id: int) -> None:
        with self._lock:
            self._ids.append(inbound_id)

    def flush(self) -> int:
        """Process what was stored since the last flush, then the spool; returns how many."""
        from supportdesk.mail.process import process_batch
        from supportdesk.mail.spool import ingest_spool

        with self._lock:
            ids, self._ids = self._ids, []
        done = 0
        close_old_connections()
        try:
            if ids:
                done += len(process_batch(ids).processed)
            if self.spool:
                done += len(ingest_spool().processed)
        except Exception:  # the database is away: the pending sweep and the spool keep it all
            log.exception("mail batch not processed now")
        return done

    def run(self, stop: threading.Event) -> None:
        try:
            while not stop.wait(self.interval):
                self.flush()
            self.flush()
        finally:
            connections.close_all()
