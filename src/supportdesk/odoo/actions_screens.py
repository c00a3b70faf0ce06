"""Actions on what screenshots and error messages tell about a ticket (R2, R8).

The OCR itself runs in a task before any transaction (``tasks.read_screenshot``); these
record its result, let the customer remove a wrong finding and a consultant correct one,
and keep the ticket's error signatures. Same shape as the other actions: keyword
arguments, an explicit actor (``None`` for the desk's own background work), one
transaction that locks the ticket, an ``Event`` on the timeline.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image

from supportdesk.accounts.models import User
from supportdesk.core import clock
from supportdesk.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from supportdesk.odoo import signatures
from supportdesk.odoo.screen_models import (
    ErrorSignature,
    Screenshot,
    ScreenshotFinding,
    TicketSignature,
)
from supportdesk.tickets.events import Verb, record_event
from supportdesk.tickets.models import Attachment, OdooReference, Ticket
from supportdesk.tickets.recognise import OdooUrl, Reference, find_references, parse_odoo_url

if TYPE_CHECKING:  # the OCR (Tesseract, numpy) is loaded by the worker that reads
    from supportdesk.odoo.ocr import Reading

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp", "image/gif", "image/bmp"})
CROP_MARGIN = 12  # pixels around a finding, so the crop shows where it was


def _lock(ticket_id: int) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket_id)


def is_customer_image(attachment: Attachment) -> bool:
    """An image a customer sent (consultants' internal files are not read)."""
    if attachment.internal or attachment.content_type.lower() not in IMAGE_TYPES:
        return False
    uploader = attachment.uploaded_by
    return uploader is None or not uploader.is_support_staff


def screenshots_register(
    *, ticket: Ticket | None = None, tickets: Iterable[Ticket] = ()
) -> list[int]:
    """A pending Screenshot for each customer image of the ticket (or tickets, read in
    one query) not yet registered; returns their ids for the reading task."""
    by_pk = {t.pk: t for t in [*([ticket] if ticket else []), *tickets]}
    attachments = Attachment.objects.select_related("uploaded_by").filter(
        ticket_id__in=list(by_pk), screenshot__isnull=True
    )
    made = []
    for attachment in attachments.order_by("pk"):
        if is_customer_image(attachment):
            shot, created = Screenshot.objects.get_or_create(
                attachment=attachment,
                defaults={"ticket": by_pk[attachment.ticket_id], "created_at": clock.now()},
            )
            if created:
                made.append(shot.pk)
    return made


def screenshot_failed(*, screenshot: Screenshot, error: str) -> Screenshot:
    with transaction.atomic():
        shot = Screenshot.objects.select_for_update().get(pk=screenshot.pk)
        shot.status = Screenshot.Status.FAILED
        shot.error = error[:2000]
        shot.read_at = clock.now()
        shot.save(update_fields=["status", "error", "read_at"])
    return shot


def screenshot_record(
    *, screenshot: Screenshot, reading: Reading, image: Image.Image, phash: str
) -> Screenshot:
    """Keep what OCR read in a customer's screenshot (R2): Odoo URLs and document numbers
    become the ticket's references with the source "screenshot" and a crop of where they
    were read; an error dialog gives the ticket an error signature."""
    with transaction.atomic():
        ticket = _lock(screenshot.ticket_id)
        shot = Screenshot.objects.select_for_update().get(pk=screenshot.pk)
        if shot.status == Screenshot.Status.READ:
            raise IllegalTransition(_("screenshot %(id)s was already read") % {"id": shot.pk})
        shot.status = Screenshot.Status.READ
        shot.phash = phash
        shot.width, shot.height = reading.width, reading.height
        shot.text = reading.text[:100_000]
        shot.address = reading.address[:2000]
        dialog = reading.dialog
        if dialog is not None:
            shot.dialog_title = dialog.title[:200]
            shot.dialog_message = dialog.message[:10_000]
            shot.dialog_traceback = dialog.traceback[:50_000]
        shot.seconds = reading.seconds
        shot.read_at = clock.now()
        shot.save()
        existing = set(ticket.odoo_refs.values_list("type", "normalised"))
        added: list[str] = []
        for url, box in reading.urls:
            row = _url_row(url)
            added += _keep(ticket, shot, row, existing, image, box, ScreenshotFinding.Kind.URL)
        for ref, box in reading.references:
            row = _reference_row(ref)
            added += _keep(
                ticket, shot, row, existing, image, box, ScreenshotFinding.Kind.REFERENCE
            )
        signature_key = ""
        if dialog is not None:
            finding = ScreenshotFinding(
                screenshot=shot,
                kind=ScreenshotFinding.Kind.DIALOG,
                text=f"{dialog.title}: {dialog.message}"[:2000],
                box=list(dialog.box),
                created_at=clock.now(),
            )
            _save_crop(finding, image, dialog.box)
            found = signatures.from_dialog(dialog.title, dialog.message, dialog.traceback)
            if found is not None:
                signature_key = _link_signature(ticket, found, TicketSignature.Source.SCREENSHOT)
        record_event(
            ticket,
            None,
            Verb.SCREENSHOT_READ,
            new={
                "attachment": shot.attachment.filename,
                "found": added,
                "dialog": dialog.title if dialog else "",
                "signature": signature_key,
            },
        )
    return shot


def _url_row(url: OdooUrl) -> OdooReference:
    """An unsaved reference for a URL read from a screenshot or typed as a correction."""
    return OdooReference(
        type=OdooReference.Type.URL,
        text=url.normalised()[:2000],
        normalised=url.normalised()[:2000],
        model=url.model or "",
        record_id=url.record_id,
        host=url.host,
    )


def _reference_row(ref: Reference) -> OdooReference:
    """An unsaved reference for a document number (``S00042``, ``INV/2026/0001``…)."""
    text = ref.normalised()
    return OdooReference(
        type=OdooReference.Type.REFERENCE, text=text, normalised=text, model=ref.model
    )


def _keep(
    ticket: Ticket,
    shot: Screenshot,
    row: OdooReference,
    existing: set[tuple[str, str]],
    image: Image.Image,
    box: tuple[int, int, int, int],
    kind: str,
) -> list[str]:
    finding = ScreenshotFinding(
        screenshot=shot, kind=kind, text=row.text, box=list(box), created_at=clock.now()
    )
    added = []
    if (row.type, row.normalised) not in existing:
        row.ticket = ticket
        row.source = OdooReference.Source.SCREENSHOT
        row.save()
        existing.add((row.type, row.normalised))
        finding.reference = row
        added.append(row.text)
    _save_crop(finding, image, box)
    return added


def _save_crop(finding: ScreenshotFinding, image: Image.Image, box: Iterable[int]) -> None:
    left, top, right, bottom = box
    area = (
        max(0, left - CROP_MARGIN),
        max(0, top - CROP_MARGIN),
        min(image.width, right + CROP_MARGIN),
        min(image.height, bottom + CROP_MARGIN),
    )
    buffer = io.BytesIO()
    image.crop(area).save(buffer, format="PNG", optimize=True)
    finding.crop.save("crop.png", ContentFile(buffer.getvalue()), save=False)
    finding.save()


def finding_remove(
    *, finding: ScreenshotFinding, actor: User, reason: str = ""
) -> ScreenshotFinding:
    """The customer (or a consultant) says a finding is wrong: its reference goes, the
    finding stays on record as removed."""
    with transaction.atomic():
        ticket = _lock(finding.screenshot.ticket_id)
        if actor.is_customer and actor.organisation_id != ticket.organisation_id:
            raise PermissionDenied(_("not your ticket"))
        finding = ScreenshotFinding.objects.select_for_update().get(pk=finding.pk)
        if finding.removed_at is not None:
            raise IllegalTransition(_("'%(text)s' was already removed") % {"text": finding.text})
        text = finding.reference.text if finding.reference else finding.text
        if finding.reference is not None:
            finding.reference.delete()
            finding.reference = None
        finding.removed_at = clock.now()
        finding.removed_by = actor
        finding.save(update_fields=["reference", "removed_at", "removed_by"])
        record_event(
            ticket, actor, Verb.SCREENSHOT_FINDING_REMOVED, new={"text": text}, reason=reason[:2000]
        )
    return finding


def finding_correct(*, finding: ScreenshotFinding, actor: User, text: str) -> ScreenshotFinding:
    """A consultant corrects what was read: the right URL or document number replaces it."""
    if not actor.is_support_staff:
        raise PermissionDenied(_("only support staff may correct what was read in a screenshot"))
    text = (text or "").strip()
    if not text:
        raise InvalidInput(
            "text", _("is required: the URL or the document number as it should read")
        )
    url = parse_odoo_url(text)
    refs = find_references(text) if url is None else []
    if url is None and not refs:
        raise InvalidInput(
            "text", _("%(text)r is neither an Odoo URL nor a document number") % {"text": text[:80]}
        )
    row = _url_row(url) if url is not None else _reference_row(refs[0])
    with transaction.atomic():
        ticket = _lock(finding.screenshot.ticket_id)
        finding = ScreenshotFinding.objects.select_for_update().get(pk=finding.pk)
        old = finding.reference.text if finding.reference else finding.text
        if finding.reference is not None:
            finding.reference.delete()
        duplicate = ticket.odoo_refs.filter(type=row.type, normalised=row.normalised).first()
        if duplicate is None:
            row.ticket = ticket
            row.source = OdooReference.Source.STAFF
            row.save()
        finding.reference = duplicate or row
        finding.corrected_to = row.text
        finding.removed_at = None
        finding.save(update_fields=["reference", "corrected_to", "removed_at"])
        record_event(
            ticket,
            actor,
            Verb.SCREENSHOT_FINDING_CORRECTED,
            new={"text": row.text},
            reason=f"read as {old}"[:2000],
        )
    return finding


def _link_signature(ticket: Ticket, found: signatures.Signature, source: str) -> str:
    signature, _created = ErrorSignature.objects.get_or_create(
        key=found.key,
        defaults={
            "loose_key": found.loose_key,
            "exception": found.exception[:200],
            "message": found.message,
            "frames": list(found.frames),
            "addon": found.addon[:128],
            "first_seen": clock.now(),
        },
    )
    _link, created = TicketSignature.objects.get_or_create(
        ticket=ticket, signature=signature, defaults={"source": source, "created_at": clock.now()}
    )
    if created:
        record_event(
            ticket,
            None,
            Verb.ERROR_SIGNATURE_SEEN,
            new={"signature": found.summary, "source": source},
            public=False,
        )
    return found.key


def signatures_from_text(*, ticket: Ticket, texts: Iterable[str]) -> list[str]:
    """R8: the error signature of each traceback in the ticket's text (mail, portal form,
    pasted text) is kept on the ticket."""
    found = [s for s in (signatures.from_text(text) for text in texts) if s is not None]
    if not found:
        return []
    with transaction.atomic():
        locked = _lock(ticket.pk)
        return [_link_signature(locked, s, TicketSignature.Source.TEXT) for s in found]
