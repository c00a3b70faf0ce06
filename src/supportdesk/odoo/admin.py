"""Administrators configure customers' Odoo instances; everything else is read-only here
(it changes through the actions: console, API, command)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import User
from supportdesk.core.admin import ReadOnlyAdmin, SecretForm, secret_field
from supportdesk.core.audit import AuditedAdmin
from supportdesk.core.errors import ActionError
from supportdesk.odoo import actions
from supportdesk.odoo.client import OdooRefused, check_base_url
from supportdesk.odoo.models import (
    OdooInstance,
    OwnerClassification,
    PatchRelease,
    PatchReleaseTicket,
    RecordCheck,
    UpstreamReport,
)


class OdooInstanceForm(SecretForm):
    secret_name = "api_key"
    api_key = secret_field(_("API key"))

    class Meta:
        model = OdooInstance
        fields = ["organisation", "name", "role", "url", "database", "login", "own_module_authors"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].rstrip("/")
        try:
            check_base_url(url)
        except OdooRefused as exc:
            raise forms.ValidationError(exc.message) from None
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is None and not data.get("api_key"):
            self.add_error("api_key", _("is required for a new instance"))
        return data


@admin.register(OdooInstance)
class OdooInstanceAdmin(AuditedAdmin):
    form = OdooInstanceForm
    list_display = ["organisation", "name", "role", "url", "database", "server_version", "api"]
    list_filter = ["role", "api"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name", "url", "database"]
    readonly_fields = ["server_version", "serie", "api", "version_checked_at", "last_error"]
    actions = ["test_connection"]

    @admin.action(description=_("Test connection"))
    def test_connection(self, request: HttpRequest, queryset: QuerySet[OdooInstance]) -> None:
        """Log in to each instance chosen and report what the API user can read."""
        actor = request.user
        for instance in queryset.select_related("organisation"):
            try:
                if not isinstance(actor, User):
                    raise PermissionError
                report = actions.instance_test_connection(instance=instance, actor=actor)
            except (ActionError, PermissionError) as exc:
                text = getattr(exc, "message", "") or _("only support staff may test connections")
                self.message_user(request, f"{instance}: {text}", messages.ERROR)
                continue
            lines = format_html_join("", "<li>{}</li>", ((line,) for line in report.lines))
            level = messages.SUCCESS if report.ok else messages.WARNING
            self.message_user(request, format_html("<ul>{}</ul>", lines), level)


@admin.register(RecordCheck)
class RecordCheckAdmin(ReadOnlyAdmin):
    list_display = ["reference", "instance", "exists", "display_name", "state", "checked_at"]
    list_select_related = ["reference", "instance", "instance__organisation"]


@admin.register(OwnerClassification)
class OwnerClassificationAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "owner", "source", "model", "field", "module", "created_at"]
    list_filter = ["owner", "source"]
    list_select_related = ["ticket"]


@admin.register(UpstreamReport)
class UpstreamReportAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "target", "vendor", "reference", "state", "reported_at"]
    list_filter = ["target", "state"]
    list_select_related = ["ticket"]


class PatchReleaseTicketInline(admin.TabularInline):
    model = PatchReleaseTicket
    extra = 0
    can_delete = False
    readonly_fields = ["ticket", "linked_by", "linked_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PatchRelease)
class PatchReleaseAdmin(ReadOnlyAdmin):
    list_display = ["module", "version", "release_date", "published_at"]
    inlines = [PatchReleaseTicketInline]
