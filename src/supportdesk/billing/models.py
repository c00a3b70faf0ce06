"""Time entries: what consultants did on a ticket, and how it is charged (R6, R9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Charge(models.TextChoices):
    FREE = "free", _("Free")
    INCLUDED = "included", _("Included in agreement")
    CHARGED = "charged", _("Charged")


class TimeEntry(models.Model):
    """Raw minutes as logged; billed minutes are computed by the charging rules."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="time_entries"
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries"
    )
    date = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("minutes"))
    description = models.TextField(_("what was done"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["ticket", "date"], name="time_entry_ticket_date")]

    def __str__(self) -> str:
        return f"{self.minutes} min on {self.ticket_id} by {self.consultant_id}"
