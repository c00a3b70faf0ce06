"""Invitations: customer accounts are made by their business consultant, never by sign-up (R9)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.core.models import SavedQuery


def hash_invitation_token(token: str) -> str:
    """Only the hash is stored: a copy of the database does not hold working links."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """A one-time, expiring link that lets a customer user set a password."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the person to set a password")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Replaced by a newer invitation")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email", "created_at"], name="invitation_email")]

    def __str__(self) -> str:
        return f"{self.email} ({self.organisation})"

    def state_at(self, now: dt.datetime) -> State:
        if self.accepted_at is not None:
            return self.State.ACCEPTED
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.PENDING


class SavedTicketView(SavedQuery):
    """A filter of the ticket list (state, scope, q, sort) a customer user named, to come
    back to (with its count)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_ticket_views"
    )

    class Meta(SavedQuery.Meta):
        verbose_name = _("saved ticket view")
        verbose_name_plural = _("saved ticket views")
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_ticket_view_per_user")
        ]
