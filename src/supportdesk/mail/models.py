"""The outbox: every mail Supportdesk sends goes through here, is retried, and sent once."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutboundMail(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"

    to = models.JSONField(help_text="List of recipient addresses.")
    cc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=998)
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(max_length=998, unique=True)
    # Why this mail exists, for de-duplication and the timeline ("ack", "reply", "invitation"…).
    purpose = models.CharField(max_length=48)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbound_mails",
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["ticket", "created_at"], name="outbox_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} to {', '.join(self.to)}: {self.subject}"
