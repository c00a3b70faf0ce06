"""Customers' Odoo instances, checks of ticket references, code-owner classifications (R7)
and the bug workflow (R8): evidence, upstream reports and patch releases."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import Organisation
from supportdesk.core import crypto
from supportdesk.tickets.models import CodeOwner, OdooReference, Ticket


class OdooInstance(models.Model):
    """One Odoo database of a customer (production, staging…) and the API user to reach it."""

    class Role(models.TextChoices):
        PRODUCTION = "production", _("Production")
        STAGING = "staging", _("Staging")
        TEST = "test", _("Test")

    class Api(models.TextChoices):
        XMLRPC = "xmlrpc", "XML-RPC"
        JSON2 = "json2", "JSON-2"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="odoo_instances"
    )
    name = models.CharField(_("name"), max_length=60, help_text=_("e.g. production, staging"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.PRODUCTION)
    url = models.URLField(_("URL"), help_text=_("Only the address, like https://acme.odoo.com"))
    database = models.CharField(_("database"), max_length=63)
    login = models.CharField(_("API login"), max_length=200)
    api_key_encrypted = models.TextField(blank=True, editable=False)
    api_key = crypto.EncryptedSecret("api_key_encrypted")
    # Module authors of the customer's own code (besides Studio), e.g. "Acme IT" (R7).
    own_module_authors = models.CharField(
        _("authors of the customer's own modules"), max_length=300, blank=True
    )
    server_version = models.CharField(max_length=40, blank=True)
    serie = models.CharField(max_length=10, blank=True)
    api = models.CharField(max_length=8, choices=Api.choices, default=Api.XMLRPC)
    version_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Odoo instance")
        verbose_name_plural = _("Odoo instances")
        ordering = ["organisation", "role", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="odoo_instance_name_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.name}"

    @property
    def host(self) -> str:
        """Lower-case host with a non-default port, as the recogniser reports URL hosts."""
        parts = urlsplit(self.url)
        host = (parts.hostname or "").lower()
        return f"{host}:{parts.port}" if parts.port else host


class RecordCheck(models.Model):
    """What an instance said about a reference of a ticket: exists, name, state, company."""

    reference = models.ForeignKey(OdooReference, on_delete=models.CASCADE, related_name="checks")
    instance = models.ForeignKey(OdooInstance, on_delete=models.CASCADE, related_name="checks")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    checked_at = models.DateTimeField(default=timezone.now)
    exists = models.BooleanField(null=True, help_text=_("Empty when the check failed."))
    model = models.CharField(max_length=128, blank=True)
    record_id = models.BigIntegerField(null=True, blank=True)
    display_name = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=64, blank=True)
    state_label = models.CharField(max_length=200, blank=True)
    company = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("record check")
        verbose_name_plural = _("record checks")
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["reference", "-checked_at"], name="odoo_check_latest")]

    def __str__(self) -> str:
        return f"{self.reference} on {self.instance}: {self.summary}"

    @property
    def error_headline(self) -> str:
        """The error's first line; Odoo's own text follows in ``error_details``."""
        return self.error.split("\n\n", 1)[0]

    @property
    def error_details(self) -> str:
        return self.error.split("\n\n", 1)[1] if "\n\n" in self.error else ""

    @property
    def found_by_id(self) -> bool:
        """Looked up by record id (a URL): only then does "not found" mean "does not exist".
        A number is searched by name, and names can be edited or numbered otherwise."""
        return self.record_id is not None

    @property
    def summary(self) -> str:
        if self.error:
            return f"not checked: {self.error_headline}"
        if not self.exists:
            return "no such record" if self.found_by_id else "not found by this name"
        parts = [self.display_name or f"{self.model} #{self.record_id}"]
        if self.state_label or self.state:
            parts.append(self.state_label or self.state)
        if self.company:
            parts.append(self.company)
        return " · ".join(parts)


class OwnerClassification(models.Model):
    """Who owns the code of a model or field a ticket is about (R7), and the evidence."""

    class Source(models.TextChoices):
        INSTANCE = "instance", _("Read from the instance")
        OVERRIDE = "override", _("Set by a consultant")

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="owner_classifications"
    )
    instance = models.ForeignKey(
        OdooInstance, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    owner = models.CharField(max_length=32, choices=CodeOwner.choices)
    model = models.CharField(max_length=128, blank=True)
    field = models.CharField(max_length=128, blank=True)
    module = models.CharField(max_length=128, blank=True)
    vendor = models.CharField(max_length=300, blank=True)
    licence = models.CharField(max_length=32, blank=True)
    explanation = models.TextField(blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True, help_text=_("Why a consultant overrode it."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("code owner classification")
        verbose_name_plural = _("code owner classifications")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        what = f"{self.model}.{self.field}" if self.field else self.model or "ticket"
        return f"{what}: {self.get_owner_display()}"


class BugEvidence(models.Model):
    """Evidence that a bug reproduces on standard data (R8): a runbot URL or written steps."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="bug_evidence")
    runbot_url = models.URLField(_("runbot URL"), max_length=500, blank=True)
    reproduction = models.TextField(_("written reproduction"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bug evidence")
        verbose_name_plural = _("bug evidence")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(runbot_url="") | ~Q(reproduction=""), name="bug_evidence_not_empty"
            )
        ]

    def __str__(self) -> str:
        return self.runbot_url or self.reproduction[:60]


class UpstreamReport(models.Model):
    """A bug reported to whoever owns the code: Odoo support or a third-party vendor (R8)."""

    class Target(models.TextChoices):
        ODOO = "odoo", _("Odoo support")
        VENDOR = "vendor", _("Third-party vendor")

    class State(models.TextChoices):
        REPORTED = "reported", _("Reported")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by them")
        FIX_PLANNED = "fix_planned", _("Fix planned")
        FIXED = "fixed", _("Fixed by them")
        REJECTED = "rejected", _("Rejected by them")
        CLOSED = "closed", _("Closed")

    FINISHED = (State.FIXED, State.REJECTED, State.CLOSED)

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="upstream_reports")
    evidence = models.ForeignKey(BugEvidence, on_delete=models.PROTECT, related_name="reports")
    target = models.CharField(max_length=16, choices=Target.choices)
    vendor = models.CharField(_("vendor"), max_length=300, blank=True)
    reference = models.CharField(_("their reference"), max_length=120)
    url = models.URLField(_("link"), max_length=500, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.REPORTED)
    state_changed_at = models.DateTimeField(default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("report to Odoo")
        verbose_name_plural = _("reports to Odoo")
        ordering = ["-reported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_target_display()} {self.reference}"

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED


class PatchRelease(models.Model):
    """A patch release of the partner's localisation addons that fixes tickets' bugs (R8)."""

    module = models.CharField(_("module"), max_length=128)
    version = models.CharField(_("version"), max_length=40)
    release_date = models.DateField(_("release date"))
    notes = models.TextField(_("release notes"), blank=True)
    tickets = models.ManyToManyField(
        Ticket, through="PatchReleaseTicket", related_name="patch_releases", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("patch release")
        verbose_name_plural = _("patch releases")
        ordering = ["-release_date", "module"]
        constraints = [
            models.UniqueConstraint(fields=["module", "version"], name="patch_release_once")
        ]

    def __str__(self) -> str:
        return f"{self.module} {self.version}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class PatchReleaseTicket(models.Model):
    release = models.ForeignKey(PatchRelease, on_delete=models.CASCADE, related_name="links")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="patch_links")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ticket in a patch release")
        verbose_name_plural = _("tickets in patch releases")
        constraints = [
            models.UniqueConstraint(fields=["release", "ticket"], name="patch_release_ticket_once")
        ]

    def __str__(self) -> str:
        return f"{self.release} fixes {self.ticket_id}"


# Screenshots, their findings and error signatures live in their own module.
from supportdesk.odoo.screen_models import (  # noqa: E402
    ErrorSignature,
    Screenshot,
    ScreenshotFinding,
    TicketSignature,
)

__all__ = [
    "BugEvidence",
    "ErrorSignature",
    "OdooInstance",
    "OwnerClassification",
    "PatchRelease",
    "PatchReleaseTicket",
    "RecordCheck",
    "Screenshot",
    "ScreenshotFinding",
    "TicketSignature",
    "UpstreamReport",
]
