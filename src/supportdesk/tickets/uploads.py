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
from django.db.models import QuerySet, Sum
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
    if ticket is not None:
        used = _used(Attachment.objects.filter(ticket=ticket))
        limit = settings.UPLOAD_TICKET_MAX_BYTES
        if used + total > limit:
            raise InvalidInput(
                "attachments",
                f"ticket {ticket.number} already holds {_mb(used)} MB of files; with these "
                f"{_mb(total)} MB it would pass its limit of {limit // MB} MB "
                "(UPLOAD_TICKET_MAX_MB)",
            )
    if organisation is not None:
        start = timezone.localtime(clock.now()).replace(
            day=1, hour=0, minute=0, second=0, microsecond=0
        )
        used = _used(
            Attachment.objects.filter(ticket__organisation=organisation, created_at__gte=start)
        )
        limit = settings.UPLOAD_ORGANISATION_MONTH_MAX_BYTES
        if used + total > limit:
            raise InvalidInput(
                "attachments",
                f"{organisation} has sent {_mb(used)} MB of files this month; with these "
                f"{_mb(total)} MB it would pass the monthly limit of {limit // MB} MB "
                "(UPLOAD_ORGANISATION_MONTH_MAX_MB)",
            )


def _used(attachments: QuerySet[Attachment]) -> int:
    return int(attachments.aggregate(total=Sum("size"))["total"] or 0)
