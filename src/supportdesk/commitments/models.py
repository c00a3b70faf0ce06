"""The working calendar an administrator edits: business hours, closed and short days."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class OpeningHours(models.Model):
    """A day's hours, from ``opens`` to ``closes`` (later the same day)."""

    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        abstract = True

    @property
    def hours(self) -> str:
        return f"{self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.closes <= self.opens:
            raise ValidationError({"closes": _("must be later than the opening time")})


class BusinessHours(OpeningHours):
    """Opening hours of one weekday; a weekday without a row is closed.

    With no rows at all, the default is Monday–Friday from the ``BUSINESS_HOURS`` setting.
    """

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS, unique=True)

    class Meta:
        verbose_name = _("business hours")
        verbose_name_plural = _("business hours")
        ordering = ["weekday"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.hours}"


class ClosedDay(models.Model):
    """A day the desk is closed besides weekends and Swedish (de facto) holidays."""

    date = models.DateField(_("date"), unique=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.reason}".strip()


class ShortDay(OpeningHours):
    """A day with shortened hours (for example the day before a holiday)."""

    date = models.DateField(_("date"), unique=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("short day")
        verbose_name_plural = _("short days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.hours}"


class Absence(models.Model):
    """A consultant away (holiday, course, illness): not suggested for assignment (R3)."""

    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="absences",
        limit_choices_to={"role__in": ["consultant", "business_consultant", "dispatcher"]},
    )
    starts = models.DateField(_("first day"))
    ends = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-starts"]
        indexes = [models.Index(fields=["starts", "ends"], name="absence_span")]

    def __str__(self) -> str:
        return f"{self.user}: {self.starts.isoformat()} – {self.ends.isoformat()}"

    def clean(self) -> None:
        if self.ends < self.starts:
            raise ValidationError({"ends": _("must not be before the first day")})


class Notification(models.Model):
    """A message to a member of staff: deadline warnings and breaches, assignments…"""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notifications"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    kind = models.CharField(max_length=48)
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox")
        ]

    def __str__(self) -> str:
        return self.text


class CalendarChange(models.Model):
    """A change of the weekly hours: who, when, the week before and after, what moved."""

    changed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField()
    old_week = models.JSONField()  # {"0": ["08:00", "17:00"], "5": null, …}
    new_week = models.JSONField()
    moved_tickets = models.JSONField(default=list)  # numbers of open tickets whose deadlines moved

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"week changed {self.changed_at:%Y-%m-%d %H:%M} by {self.changed_by}"
