"""Inquiries from non-customers about services and prices (R10): leads, never tickets."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Lead(models.Model):
    class Source(models.TextChoices):
        WEB = "web", _("Inquiry form")
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Telephone")

    class State(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    message = models.TextField(_("message"))
    source = models.CharField(max_length=16, choices=Source.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.NEW)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.company or self.name or self.email}: {self.subject or self.message[:40]}"
