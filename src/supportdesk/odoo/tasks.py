"""Odoo tasks: thin, they take ids and call actions (DESIGN rule 6)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(retries=2, retry_delay=10)
def read_screenshot(screenshot_id: int) -> None:
    """OCR of one customer screenshot, then its findings recorded on the ticket (R2)."""
    from supportdesk.odoo.screen_reading import read

    read(screenshot_id)


@db_task(retries=3, retry_delay=10)
def customer_wrote(*event_ids: int) -> None:
    """After customers' tickets or replies: screenshots to read, error signatures (R2, R8)."""
    from supportdesk.odoo.subscribers import customer_wrote as work

    work(*event_ids)
