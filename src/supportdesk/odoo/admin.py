"""Administrators configure customers' Odoo instances; everything else is read-only here
(it changes through the actions: console, API, command)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from supportdesk.core.audit import AuditedAdmin
from supportdesk.odoo.client import OdooRefused, check_base_url
from supportdesk.odoo.models import (
    OdooInstance,
    OwnerClassification,
    PatchRelease,
    PatchReleaseTicket,
    RecordCheck,
    UpstreamReport,
)


class OdooInstanceForm(forms.ModelForm):
    api_key = forms.CharField(
        label="API key",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text="Stored encrypted. Leave empty to keep the stored key.",
    )

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
            self.add_error("api_key", "is required for a new instance")
        return data


@admin.register(OdooInstance)
class OdooInstanceAdmin(AuditedAdmin):
    form = OdooInstanceForm
    list_display = ["organisation", "name", "role", "url", "database", "server_version", "api"]
    list_filter = ["role", "api"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name", "url", "database"]
    readonly_fields = ["server_version", "serie", "api", "version_checked_at", "last_error"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        key = form.cleaned_data.get("api_key")
        if key:
            obj.set_api_key(key)
        super().save_model(request, obj, form, change)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RecordCheck)
class RecordCheckAdmin(_ReadOnly):
    list_display = ["reference", "instance", "exists", "display_name", "state", "checked_at"]
    list_select_related = ["reference", "instance", "instance__organisation"]


@admin.register(OwnerClassification)
class OwnerClassificationAdmin(_ReadOnly):
    list_display = ["ticket", "owner", "source", "model", "field", "module", "created_at"]
    list_filter = ["owner", "source"]
    list_select_related = ["ticket"]


@admin.register(UpstreamReport)
class UpstreamReportAdmin(_ReadOnly):
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
class PatchReleaseAdmin(_ReadOnly):
    list_display = ["module", "version", "release_date", "published_at"]
    inlines = [PatchReleaseTicketInline]
