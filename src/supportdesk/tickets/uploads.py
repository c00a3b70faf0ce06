"""The upload budget of a ticket and of an organisation's month.

Per file ``ATTACHMENT_MAX_BYTES``, per request ``UPLOAD_REQUEST_MAX_BYTES`` (also enforced
while streaming, ``core.uploads``), per ticket ``UPLOAD_TICKET_MAX_BYTES`` and per
organisation and calendar month ``UPLOAD_ORGANISATION_MONTH_MAX_BYTES``. Each refusal
names the limit and its setting; nothing is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from django.conf import settings
from django.db import connection
from django.utils import timezone

from supportdesk.accounts.models import Organisation
from supportdesk.core import clock
from supportdesk.core.errors import InvalidInput
from supportdesk.tickets.models import Attachment, Ticket

MB = 1024 * 1024


class Sized(Protocol):
    name: str | None
    size: int | None


def _mb(size: int) -> str:
    return f"{size / MB:.1f}"


def check_upload_budget(
    files: Sequence[Sized], *, organisation: Organisation | None, ticket: Ticket | None = None
) -> None:
    """Refuse ``files`` unless each, their total, the ticket and the month stay in budget."""
    if not files:
        return
    per_file = settings.ATTACHMENT_MAX_BYTES
    for upload in files:
        if (upload.size or 0) > per_file:
            raise InvalidInput(
                "attachments",
                f"'{upload.name}' is {_mb(upload.size or 0)} MB; "
                f"the limit is {per_file // MB} MB per file (ATTACHMENT_MAX_MB)",
            )
    total = sum(upload.size or 0 for upload in files)
    if total > settings.UPLOAD_REQUEST_MAX_BYTES:
        raise InvalidInput(
            "attachments",
            f"the files total {_mb(total)} MB; at most "
            f"{settings.UPLOAD_REQUEST_MAX_BYTES // MB} MB may be sent at once "
            "(UPLOAD_REQUEST_MAX_MB)",
        )
    if ticket is None and organisation is None:
        return
    ticket_used, month_used = _used(ticket, organisation)
    if ticket is not None:
        limit = settings.UPLOAD_TICKET_MAX_BYTES
        if ticket_used + total > limit:
            raise InvalidInput(
                "attachments",
                f"ticket {ticket.number} already holds {_mb(ticket_used)} MB of files; with "
                f"these {_mb(total)} MB it would pass its limit of {limit // MB} MB "
                "(UPLOAD_TICKET_MAX_MB)",
            )
    if organisation is not None:
        limit = settings.UPLOAD_ORGANISATION_MONTH_MAX_BYTES
        if month_used + total > limit:
            raise InvalidInput(
                "attachments",
                f"{organisation} has sent {_mb(month_used)} MB of files this month; with these "
                f"{_mb(total)} MB it would pass the monthly limit of {limit // MB} MB "
                "(UPLOAD_ORGANISATION_MONTH_MAX_MB)",
            )


# The bytes a ticket holds and an organisation's month, in one statement (a mail reply
# with a file asked twice); written out, as the ORM's building of each cost more than it.
_USED = (
    "SELECT (SELECT COALESCE(SUM(a.size), 0) FROM tickets_attachment a WHERE a.ticket_id = %s),"
    " (SELECT COALESCE(SUM(a.size), 0) FROM tickets_attachment a"
    " INNER JOIN tickets_ticket t ON t.id = a.ticket_id"
    " WHERE t.organisation_id = %s AND a.created_at >= %s)"
)


def _used(ticket: Ticket | None, organisation: Organisation | None) -> tuple[int, int]:
    """Bytes stored on ``ticket`` and by ``organisation`` this calendar month (0: none)."""
    start = timezone.localtime(clock.now()).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    created_at = Attachment._meta.get_field("created_at")
    params = [
        ticket.pk if ticket is not None else None,
        organisation.pk if organisation is not None else None,
        created_at.get_db_prep_value(start, connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_USED, params)
        ticket_used, month_used = cursor.fetchone()
    return int(ticket_used or 0), int(month_used or 0)
