"""Shared admin pieces (read-only rows, secret fields, caches cleared on change) and the
audit trail in the admin: read-only, filterable, exportable as CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from supportdesk.core.audit import AuditedAdmin
from supportdesk.core.models import AuditEntry

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that change only through actions or are never edited: the admin shows them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def secret_field(label: StrOrPromise) -> forms.CharField:
    """A password, key or token typed into the admin: never shown back, stored encrypted by
    the form's ``save``; left empty, the one saved stays."""
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted. Leave empty to keep the one saved."),
    )


class SecretForm(forms.ModelForm):
    """A model form with one :func:`secret_field`, named as the model's
    ``crypto.EncryptedSecret`` (``secret_name``): a secret typed is stored encrypted; left
    empty, the saved one stays."""

    secret_name: str

    def save(self, commit: bool = True) -> Any:
        obj = super().save(commit=False)
        if self.cleaned_data.get(self.secret_name):
            setattr(obj, self.secret_name, self.cleaned_data[self.secret_name])
        if commit:
            obj.save()
        return obj


class CachedRowsAdmin(AuditedAdmin):
    """Rows that a process-wide cache is built from: a save or a delete clears it, so the
    next read sees the change."""

    clear_cache: Callable[[], None]

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        type(self).clear_cache()

    def delete_model(self, request: Any, obj: Any) -> None:
        super().delete_model(request, obj)
        type(self).clear_cache()


def _cell(value: object) -> str:
    """Text as a spreadsheet shows it, never as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def audit_csv(entries: QuerySet[AuditEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["when", "who", "action", "what", "object id", "object", "through", "changes"])
    for entry in entries.order_by("at", "id"):
        writer.writerow(
            [
                entry.at.isoformat(),
                _cell(entry.actor_label),
                entry.action,
                entry.model,
                entry.object_id,
                _cell(entry.object_repr),
                entry.via,
                _cell(json.dumps(entry.changes, ensure_ascii=False, sort_keys=True)),
            ]
        )
    return out.getvalue()


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "model", "object_repr", "via"]
    list_filter = ["action", "model", "via"]
    search_fields = ["actor_label", "object_repr", "model"]
    date_hierarchy = "at"
    actions = ["export_csv"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in AuditEntry._meta.fields]

    @admin.action(description=_("Export the selected entries as CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[AuditEntry]) -> HttpResponse:
        response = HttpResponse(audit_csv(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
        return response
