"""Screenshots read by OCR, what was found in them, and error signatures (R2, R8)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.tickets.models import Attachment, OdooReference, Ticket


def crop_path(instance: ScreenshotFinding, filename: str) -> str:
    # Through the same storage as attachments; a random name, never the customer's.
    return f"attachments/crops/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.png"


class Screenshot(models.Model):
    """An image a customer sent, and what OCR read in it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be read")
        READ = "read", _("Read")
        FAILED = "failed", _("Could not be read")

    attachment = models.OneToOneField(
        Attachment, on_delete=models.CASCADE, related_name="screenshot"
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="screenshots")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    phash = models.CharField(max_length=64, blank=True)  # 16×16 DCT hash, hex
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    address = models.CharField(max_length=2000, blank=True)
    dialog_title = models.CharField(max_length=200, blank=True)
    dialog_message = models.TextField(blank=True)
    dialog_traceback = models.TextField(blank=True)
    seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["phash"], name="screenshot_phash")]

    def __str__(self) -> str:
        return f"screenshot {self.attachment_id} of {self.ticket_id}"


class ScreenshotFinding(models.Model):
    """A URL, number or dialog found in a screenshot, with the crop it was read from."""

    class Kind(models.TextChoices):
        URL = "url", _("Odoo URL")
        REFERENCE = "reference", _("Transaction reference")
        DIALOG = "dialog", _("Error dialog")

    screenshot = models.ForeignKey(Screenshot, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.CharField(max_length=2000)
    reference = models.OneToOneField(
        OdooReference,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="screenshot_finding",
    )
    box = models.JSONField(default=list)
    crop = models.FileField(upload_to=crop_path, max_length=300, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    corrected_to = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class ErrorSignature(models.Model):
    """A normalised Odoo error: exception type, masked message, last frames."""

    key = models.CharField(max_length=64, unique=True)
    loose_key = models.CharField(max_length=64, db_index=True)
    exception = models.CharField(max_length=200)
    message = models.TextField()
    frames = models.JSONField(default=list)
    addon = models.CharField(max_length=128, blank=True)
    first_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        short = self.exception.rsplit(".", 1)[-1]
        where = f" in {self.frames[-1]}" if self.frames else ""
        return f"{short}: {self.message}{where}"


class TicketSignature(models.Model):
    """An error signature seen on a ticket, and where it was read."""

    class Source(models.TextChoices):
        TEXT = "text", _("Ticket text")
        SCREENSHOT = "screenshot", _("Screenshot")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="error_signatures")
    signature = models.ForeignKey(ErrorSignature, on_delete=models.CASCADE, related_name="links")
    source = models.CharField(max_length=16, choices=Source.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "signature"], name="ticket_signature_once")
        ]
        indexes = [
            models.Index(fields=["signature", "-created_at"], name="ticket_signature_recent")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.signature_id}"
