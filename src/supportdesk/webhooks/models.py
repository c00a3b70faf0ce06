"""Webhook endpoints the administrators register, and the log of every delivery."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.core import crypto
from supportdesk.core.models import Named


class Endpoint(Named):
    """A URL that receives the ticket events it asks for, signed with its secret."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    verbs = models.JSONField(
        _("events"),
        default=list,
        blank=True,
        help_text=_("The events to send; none selected sends every event."),
    )
    secret_encrypted = models.TextField(blank=True, editable=False)
    secret = crypto.EncryptedSecret("secret_encrypted")
    active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True, editable=False)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta(Named.Meta):
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def wants(self, verb: str) -> bool:
        return self.active and (not self.verbs or verb in self.verbs)


class Delivery(models.Model):
    """One event to one endpoint: its payload, attempts and the last answer."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        GAVE_UP = "gave_up", _("Gave up")

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.BigIntegerField(_("event"))
    verb = models.CharField(_("event"), max_length=48)
    payload = models.JSONField()
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="pending")
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_status = models.PositiveIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_event_once")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_due",
                condition=models.Q(state="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.event_id} → {self.endpoint}"
