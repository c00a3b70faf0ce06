"""The telephone channel (R1): PBXs that report calls, the call log and its raw events."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.core.models import Named


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Pbx(Named):
    """A telephone exchange that posts CTI events to ``/api/v1/cti/<token>``.

    Only the token's hash is stored; the token is shown once when it is issued.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(Named.Meta):
        verbose_name = _("PBX")
        verbose_name_plural = _("PBXs")

    @classmethod
    def issue(cls, *, name: str) -> tuple[Pbx, str]:
        """A new PBX and its token (returned once, never stored in clear)."""
        token = secrets.token_urlsafe(32)
        return cls.objects.create(name=name, token_hash=hash_token(token)), token

    @classmethod
    def for_token(cls, token: str) -> Pbx | None:
        """The active PBX whose token this is, compared in constant time."""
        digest = hash_token(token)
        found = None
        # Every row is compared, so the time taken does not say how much of a guess matched.
        for pbx in cls.objects.filter(active=True):
            if hmac.compare_digest(pbx.token_hash, digest):
                found = pbx
        return found


class Direction(models.TextChoices):
    INBOUND = "in", _("Inbound")
    OUTBOUND = "out", _("Outbound")


class CallState(models.TextChoices):
    RINGING = "ringing", _("Ringing")
    ANSWERED = "answered", _("In progress")
    ENDED = "ended", _("Ended")
    MISSED = "missed", _("Missed")


class Call(models.Model):
    """One telephone call, from the PBX or logged by hand by a consultant.

    The state follows from the instants, whatever order the PBX's events arrive in:
    answered and hung up → ended; hung up unanswered → missed (inbound: call back).
    """

    pbx = models.ForeignKey(Pbx, on_delete=models.PROTECT, null=True, blank=True)
    # The PBX's call id; empty for calls logged by hand.
    call_id = models.CharField(max_length=200, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    from_number = models.CharField(_("from"), max_length=64, blank=True)
    to_number = models.CharField(_("to"), max_length=64, blank=True)
    # The other party's number in E.164 ("+4687490995"), empty when it cannot be read.
    caller_e164 = models.CharField(max_length=20, blank=True, db_index=True)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls_made",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, blank=True
    )
    state = models.CharField(max_length=10, choices=CallState.choices, default=CallState.RINGING)
    started_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls_answered",
    )
    cause = models.CharField(max_length=64, blank=True)
    summary = models.TextField(_("what was said"), blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls_logged",
    )
    # Missed inbound calls wait for a call-back; who owns it, and when it was done.
    callback_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="callbacks",
    )
    called_back_at = models.DateTimeField(null=True, blank=True)
    called_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="callbacks_done",
    )

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pbx", "call_id"], condition=~Q(call_id=""), name="call_once_per_pbx"
            )
        ]
        indexes = [
            models.Index(
                fields=["-started_at"],
                name="call_callback_due",
                condition=Q(state="missed", called_back_at__isnull=True),
            ),
            models.Index(fields=["answered_by", "state"], name="call_answered_by"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.caller_e164 or self.from_number}"

    def settle_state(self) -> None:
        if self.ended_at is not None:
            if self.answered_at is not None:
                self.state = CallState.ENDED
            elif self.direction == Direction.INBOUND:
                self.state = CallState.MISSED
            else:
                self.state = CallState.ENDED
        elif self.answered_at is not None:
            self.state = CallState.ANSWERED
        else:
            self.state = CallState.RINGING

    @property
    def number(self) -> str:
        """The other party's number as shown to the consultant."""
        return self.caller_e164 or (
            self.from_number if self.direction == Direction.INBOUND else self.to_number
        )


class CallEvent(models.Model):
    """Every CTI event as it arrived, duplicates included: the call log's audit trail."""

    pbx = models.ForeignKey(Pbx, on_delete=models.CASCADE, related_name="events")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    event = models.CharField(max_length=32)
    payload = models.JSONField(default=dict)
    duplicate = models.BooleanField(default=False)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("call event")
        verbose_name_plural = _("call events")
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.event} for call {self.call_id}"


class ContactNumber(models.Model):
    """A user's telephone number normalised to E.164, so a caller is found by one lookup.

    ``raw`` is the number as stored on the user; rows are refreshed when it changes.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_number"
    )
    raw = models.CharField(max_length=40)
    e164 = models.CharField(max_length=20, blank=True, db_index=True)

    class Meta:
        verbose_name = _("contact number")
        verbose_name_plural = _("contact numbers")

    def __str__(self) -> str:
        return self.e164 or self.raw
