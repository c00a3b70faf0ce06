"""Administrators register webhook endpoints and read each one's delivery log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from supportdesk.core import netguard
from supportdesk.core.admin import SecretForm, secret_field
from supportdesk.core.audit import AuditedAdmin
from supportdesk.tickets.events import Verb
from supportdesk.webhooks.models import Delivery, Endpoint


class EndpointForm(SecretForm):
    secret_name = "secret"
    verbs = forms.MultipleChoiceField(
        label=_("Events"),
        choices=Verb.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None selected: every event."),
    )
    secret = secret_field(_("Signing secret"))

    class Meta:
        model = Endpoint
        fields = ["name", "url", "verbs", "active"]

    def clean_url(self) -> str:
        from django.conf import settings

        url = self.cleaned_data["url"]
        try:
            netguard.check_url(url, allow_private=settings.WEBHOOK_ALLOW_PRIVATE_HOSTS)
        except netguard.AddressRefused as exc:
            raise forms.ValidationError(str(exc)) from None
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.instance.secret_encrypted and not data.get("secret"):
            self.add_error("secret", _("A new endpoint needs a signing secret."))
        return data

    def save(self, commit: bool = True) -> Endpoint:
        endpoint = super().save(commit=False)
        if endpoint.active and endpoint.disabled_at:
            endpoint.disabled_at = None
            endpoint.disabled_reason = ""
            endpoint.consecutive_failures = 0
        if commit:
            endpoint.save()
        return endpoint


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-created_at", "-id"]
    fields = ("created_at", "verb", "event_id", "state", "attempts", "last_status", "last_error")
    readonly_fields = fields
    show_change_link = True


@admin.register(Endpoint)
class EndpointAdmin(AuditedAdmin):
    form = EndpointForm
    list_display = ["name", "url", "active", "consecutive_failures", "disabled_at"]
    readonly_fields = ["consecutive_failures", "disabled_at", "disabled_reason", "created_at"]
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "endpoint",
        "verb",
        "event_id",
        "state",
        "attempts",
        "last_status",
    ]
    list_filter = ["state", "endpoint", "verb"]
    readonly_fields = tuple(f.name for f in Delivery._meta.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
