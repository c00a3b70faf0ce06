"""What the console keeps of its own: preferences, saved replies, running timers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.core.models import SavedQuery

# Notification kinds, and the preference that says whether each also goes by mail.
MAIL_PREFERENCE = {
    "new_ticket": "mail_new_ticket",
    "assigned": "mail_assigned",
    "customer_replied": "mail_customer_replied",
    "assignment_warning": "mail_deadlines",
    "assignment_breached": "mail_deadlines",
    "missed_call": "mail_missed_calls",
    "mentioned": "mail_mentions",
}


class StaffPreference(models.Model):
    """How a member of staff wants to hear of things besides the console."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_preference"
    )
    mail_new_ticket = models.BooleanField(_("new tickets (dispatchers)"), default=True)
    mail_assigned = models.BooleanField(_("a ticket is assigned to me"), default=True)
    mail_customer_replied = models.BooleanField(_("a customer replied on my ticket"), default=True)
    mail_deadlines = models.BooleanField(_("deadline warnings and breaches"), default=True)
    mail_missed_calls = models.BooleanField(_("missed calls to call back"), default=True)
    mail_mentions = models.BooleanField(_("a colleague mentions me in a note"), default=True)

    class Meta:
        verbose_name = _("staff preference")
        verbose_name_plural = _("staff preferences")

    def __str__(self) -> str:
        return f"preferences of {self.user}"

    def wants_mail(self, kind: str) -> bool:
        field = MAIL_PREFERENCE.get(kind)
        return bool(field and getattr(self, field))


class NotificationMail(models.Model):
    """That a notification's mail was decided (sent or not wanted): each is mailed once."""

    notification = models.OneToOneField(
        "commitments.Notification", on_delete=models.CASCADE, related_name="mail"
    )
    mailed = models.BooleanField(default=False)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notification mail")
        verbose_name_plural = _("notification mails")

    def __str__(self) -> str:
        return f"mail for notification {self.notification_id}: {self.mailed}"


class SavedReply(models.Model):
    """A reply text consultants reuse; shared with the whole desk."""

    title = models.CharField(_("title"), max_length=120, unique=True)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Markdown. Placeholders: {customer_first_name}, {ticket_number}, "
            "{consultant_name}, {organisation}."
        ),
    )
    # Sent with the reply when the saved reply is chosen (a guide, a form to fill in…).
    attachment = models.FileField(
        _("attachment"), upload_to="saved-replies/%Y/", max_length=300, blank=True
    )
    attachment_name = models.CharField(max_length=255, blank=True)
    attachment_type = models.CharField(max_length=150, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class TimerRun(models.Model):
    """A running work timer on a ticket: kept in the database, so it survives reloads
    and follows the consultant to another browser or web node."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE)
    started_at = models.DateTimeField()

    class Meta:
        verbose_name = _("timer run")
        verbose_name_plural = _("timer runs")
        constraints = [
            models.UniqueConstraint(fields=["user", "ticket"], name="one_timer_per_ticket")
        ]

    def __str__(self) -> str:
        return f"timer of {self.user_id} on {self.ticket_id}"


class SavedView(SavedQuery):
    """A list's filter a member of staff named, to come back to (with its count): on the
    board or on My day, each list with its own names."""

    class Page(models.TextChoices):
        BOARD = "board", _("Board")
        MY_DAY = "my_day", _("My day")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    page = models.CharField(_("list"), max_length=16, choices=Page.choices, default=Page.BOARD)

    class Meta(SavedQuery.Meta):
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "page", "name"], name="saved_view_name_per_user_page"
            )
        ]
