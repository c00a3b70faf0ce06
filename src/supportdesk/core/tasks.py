"""Core tasks: the dispatcher's retry of a failed subscriber.

Each app keeps its own tasks in its ``tasks.py`` (periodic ones included); Huey finds
them there. Tasks are thin: they take ids and call actions (DESIGN rule 6).
"""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(retries=3, retry_delay=30)
def retry_subscriber(name: str, label: str, pk: int) -> None:
    """Run a subscriber that failed after commit once more on its event."""
    from supportdesk.core.dispatch import retry

    retry(name, label, pk)
