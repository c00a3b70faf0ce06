"""Odoo data of a ticket (R2) and its attachments: what the actions store with a change.

URLs and transaction references come from explicit fields and are recognised in free
text (subjects, descriptions, every customer message); attachments are checked against
the size limit before anything is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from django.core.files.base import File
from django.utils.translation import gettext as _

from supportdesk.accounts.models import Organisation, User
from supportdesk.core.errors import InvalidInput
from supportdesk.core.rows import insert_rows
from supportdesk.tickets.models import Attachment, Message, OdooReference, Ticket
from supportdesk.tickets.recognise import find_references, find_urls, parse_odoo_url
from supportdesk.tickets.uploads import check_upload_budget


class Upload(Protocol):
    """What an attachment argument needs: Django's ``UploadedFile`` fits."""

    name: str | None
    size: int | None
    content_type: str | None

    def chunks(self, chunk_size: int | None = None) -> Iterable[bytes]: ...


def check_uploads(
    files: Sequence[Upload],
    *,
    organisation: Organisation | None = None,
    ticket: Ticket | None = None,
) -> None:
    """Each file, the request, the ticket and the organisation's month within budget."""
    check_upload_budget(files, organisation=organisation, ticket=ticket)


def store_uploads(
    ticket: Ticket,
    message: Message | None,
    files: Sequence[Upload],
    actor: User | None,
    *,
    internal: bool = False,
) -> list[Attachment]:
    stored = []
    for upload in files:
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        name = (upload.name or "attachment").replace("/", "_").replace("\\", "_")[-255:]
        attachment = Attachment(
            ticket=ticket,
            message=message,
            filename=name,
            content_type=(upload.content_type or "application/octet-stream")[:150],
            size=upload.size or 0,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
            internal=internal,
        )
        attachment.file.save(name, upload if isinstance(upload, File) else File(upload), save=False)  # type: ignore[arg-type]
        stored.append(attachment)
    return insert_rows(stored)


def odoo_refs(
    urls: Sequence[str], references: Sequence[str], texts: Sequence[str]
) -> list[OdooReference]:
    """R2: explicit URLs and references, plus what is recognised in free text."""
    found: dict[tuple[str, str], OdooReference] = {}
    for raw in urls:
        raw = raw.strip()
        if not raw:
            continue
        parsed = parse_odoo_url(raw)
        if parsed is None:
            raise InvalidInput(
                "odoo_url",
                _("%(url)r is not the URL of an Odoo screen (copy it from the browser)")
                % {"url": raw[:80]},
            )
        found.setdefault(("url", parsed.normalised()), _url_row(parsed))
    for raw in references:
        raw = raw.strip()
        if not raw:
            continue
        recognised = find_references(raw)
        if recognised:
            for ref in recognised:
                found.setdefault(("reference", ref.normalised()), _ref_row(ref))
        else:
            # A record name ("Work Center 3", a product) is kept as the customer wrote it.
            found.setdefault(
                ("reference", raw.upper()),
                OdooReference(type="reference", text=raw[:2000], normalised=raw.upper()[:2000]),
            )
    for text in texts:
        for url in find_urls(text):
            found.setdefault(("url", url.normalised()), _url_row(url))
        for ref in find_references(text):
            found.setdefault(("reference", ref.normalised()), _ref_row(ref))
    return list(found.values())


def _url_row(url: Any) -> OdooReference:
    return OdooReference(
        type="url",
        text=url.text[:2000],
        normalised=url.normalised()[:2000],
        model=url.model or "",
        record_id=url.record_id,
        host=url.host,
    )


def _ref_row(ref: Any) -> OdooReference:
    return OdooReference(
        type="reference", text=ref.text, normalised=ref.normalised(), model=ref.model
    )


def add_refs(ticket: Ticket, rows: list[OdooReference]) -> list[str]:
    """Store the references not on the ticket yet (one statement, which skips those it
    holds); returns the texts added."""
    if not rows:
        return []
    for row in rows:
        row.ticket = ticket
    fresh = insert_rows(rows, skip=("ticket", "type", "normalised"))
    return [row.text for row in fresh]
