"""Time entries, billing profiles and statements (R6, R9).

Raw minutes are what a consultant logged; billed minutes are computed by the charging
rules (``rules.py``) when a statement is drafted, and kept apart on its lines. Issued
statements are never edited, only credited (DESIGN rule 7).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.core.errors import IllegalTransition


class Charge(models.TextChoices):
    FREE = "free", _("Free")
    INCLUDED = "included", _("Included in agreement")
    CHARGED = "charged", _("Charged")


class Override(models.TextChoices):
    NONE = "", _("By the rules")
    FREE = "free", _("Free")
    CHARGED = "charged", _("Charged")


class BillingProfile(models.Model):
    """How an organisation is billed: its hourly rate, rounding, and Odoo customer."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="billing_profile"
    )
    hourly_rate = models.DecimalField(
        _("hourly rate (SEK)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the default rate (setting BILLING_HOURLY_RATE)."),
    )
    rounding_minutes = models.PositiveSmallIntegerField(
        _("rounding increment (minutes)"),
        default=0,
        help_text=_("Billed minutes per ticket are rounded up to a multiple of this; 0: none."),
    )
    odoo_partner_id = models.PositiveIntegerField(
        _("customer id in our Odoo"),
        null=True,
        blank=True,
        help_text=_("The res.partner id statements are exported to as draft invoices."),
    )

    class Meta:
        verbose_name = _("billing profile")
        verbose_name_plural = _("billing profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_rate__isnull=True) | Q(hourly_rate__gte=0),
                name="billing_rate_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"billing of {self.organisation}"

    @property
    def rate(self) -> Decimal:
        return self.hourly_rate if self.hourly_rate is not None else settings.BILLING_HOURLY_RATE


class TimeEntry(models.Model):
    """Raw minutes as logged; billed minutes are computed by the charging rules.

    A correction (``corrects`` set) takes ``minutes`` back from an earlier entry: it is
    how an entry on an issued statement is corrected, as a credit line on the next one.
    """

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
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text=_("The entry these minutes are taken back from."),
    )
    override = models.CharField(
        _("override"), max_length=8, choices=Override.choices, default="", blank=True
    )
    override_reason = models.TextField(_("reason for the override"), blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    override_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["ticket", "date"], name="time_entry_ticket_date")]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0), name="time_entry_minutes_positive"),
            models.CheckConstraint(
                condition=Q(override="") | ~Q(override_reason=""),
                name="time_entry_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signed_minutes} min on {self.ticket_id} by {self.consultant_id}"

    @property
    def signed_minutes(self) -> int:
        """Minutes as they count: a correction takes its minutes back."""
        return -self.minutes if self.corrects_id else self.minutes


class Statement(models.Model):
    """What an organisation is billed for one month: draft → issued → credited."""

    class Type(models.TextChoices):
        INVOICE = "invoice", _("Statement")
        CREDIT = "credit", _("Credit statement")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        CREDITED = "credited", _("Credited")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="statements"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month billed."))
    type = models.CharField(max_length=8, choices=Type.choices, default=Type.INVOICE)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    # "2027-0001": numbered per year of issue, statements and credit statements alike.
    number = models.CharField(max_length=16, unique=True, null=True, blank=True)
    credits = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credited_by",
        help_text=_("The issued statement this credit statement cancels."),
    )
    currency = models.CharField(max_length=3, default="SEK")
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2)
    vat_percent = models.DecimalField(max_digits=5, decimal_places=2)
    billed_minutes = models.IntegerField(default=0)
    net = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    vat = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    gross = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    note = models.TextField(blank=True)
    drafted_at = models.DateTimeField(default=timezone.now)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    credited_at = models.DateTimeField(null=True, blank=True)
    odoo_move_id = models.PositiveIntegerField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)

    # Once issued, only these may still change, and only by their actions.
    AFTER_ISSUE_FIELDS = frozenset({"status", "credited_at", "odoo_move_id", "exported_at"})

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-month", "organisation", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month"],
                condition=Q(type="invoice", status__in=["draft", "issued"]),
                name="one_live_statement_per_month",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False),
                name="issued_statement_has_number",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="statement_org_status")]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        # DESIGN rule 7, enforced below every caller (admin, shell, actions).
        if self.pk is not None and not kwargs.get("force_insert"):
            stored = Statement.objects.filter(pk=self.pk).values("status", "number").first()
            if stored and stored["status"] != self.Status.DRAFT:
                fields = kwargs.get("update_fields")
                if fields is None or not set(fields) <= self.AFTER_ISSUE_FIELDS:
                    raise IllegalTransition(
                        _(
                            "statement %(number)s is %(status)s: an issued statement is never "
                            "changed; credit it with a credit statement instead"
                        )
                        % {"number": stored["number"], "status": stored["status"]}
                    )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if not self.is_draft:
            raise IllegalTransition(self.refusal())
        return super().delete(*args, **kwargs)

    @property
    def label(self) -> str:
        kind = "Credit statement" if self.type == self.Type.CREDIT else "Statement"
        return f"{kind} {self.number or 'draft'} · {self.organisation} · {self.month:%Y-%m}"

    @property
    def reference(self) -> str:
        """How URLs name it: the number, or ``draft-<id>`` before it has one."""
        return self.number or f"draft-{self.pk}"

    @property
    def month_end(self) -> dt.date:
        return month_end(self.month)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def refusal(self) -> str:
        return (
            f"statement {self.number} is {self.status}: an issued statement is never changed; "
            "credit it with a credit statement instead"
        )


class StatementLineQuerySet(models.QuerySet["StatementLine"]):
    def issued(self) -> StatementLineQuerySet:
        """Lines of issued invoices: billed, and not yet credited."""
        return self.filter(
            statement__type=Statement.Type.INVOICE, statement__status=Statement.Status.ISSUED
        )


class StatementLine(models.Model):
    """One line of a statement, with the reason it costs what it costs (R6)."""

    class Type(models.TextChoices):
        ENTRY = "entry", _("Time entry")
        CORRECTION = "correction", _("Correction")
        ADJUSTMENT = "adjustment", _("Minimum charge and rounding")
        CREDIT = "credit", _("Credit")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    type = models.CharField(max_length=12, choices=Type.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="statement_lines"
    )
    entry = models.ForeignKey(
        TimeEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    date = models.DateField(null=True, blank=True)
    consultant_name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    # Signed: corrections and credits are negative.
    raw_minutes = models.IntegerField(default=0)
    billed_minutes = models.IntegerField(default=0)
    charge = models.CharField(max_length=8, choices=Charge.choices)
    # Why, as data (``billing.reasons``): put into words in the reader's language.
    reason_data = models.JSONField(_("reason"), default=dict, blank=True)
    # Words of lines issued before reasons were data; empty since.
    legacy_reason = models.TextField(blank=True, default="", db_column="reason")
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    objects = StatementLineQuerySet.as_manager()

    # Not a column: set by selectors.statement_lines_for_user when the viewer may not
    # open the line's ticket (its subject and description are then left out).
    withheld: bool = False

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["statement", "position"]
        indexes = [
            models.Index(fields=["ticket", "statement"], name="statement_line_ticket"),
            models.Index(fields=["entry"], name="statement_line_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.billed_minutes} min: {self.reason}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_unless_draft()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_unless_draft()
        return super().delete(*args, **kwargs)

    @property
    def reason(self) -> str:
        """Why this line costs what it costs, in the active language."""
        from supportdesk.billing.reasons import reason_text

        return reason_text(self.reason_data) if self.reason_data else self.legacy_reason

    @property
    def ticket_number(self) -> str:
        from supportdesk.tickets.models import NUMBER_OFFSET, NUMBER_PREFIX

        return f"{NUMBER_PREFIX}{self.ticket_id + NUMBER_OFFSET}"

    def _refuse_unless_draft(self) -> None:
        status, number = Statement.objects.filter(pk=self.statement_id).values_list(
            "status", "number"
        )[0]
        if status != Statement.Status.DRAFT:
            raise IllegalTransition(
                _(
                    "statement %(number)s is %(status)s: its lines are never changed; credit it "
                    "with a credit statement instead"
                )
                % {"number": number, "status": status}
            )


class StatementSequence(models.Model):
    """The last number given in a year; its row is locked while a number is taken."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("statement number sequence")
        verbose_name_plural = _("statement number sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)
