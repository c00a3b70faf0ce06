"""Recording configuration changes in the audit trail (``core.models.AuditEntry``).

``record`` is the one writer. ``AuditedAdmin`` records every save and delete made in the
admin (inline rows included); actions that change configuration call ``record`` or
``record_change`` themselves. Secrets are never copied into the trail: only that they
changed.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from supportdesk.core.models import AuditEntry

SECRET_WORDS = ("password", "secret", "key", "token")


def _is_secret(name: str) -> bool:
    return any(word in name for word in SECRET_WORDS)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.datetime | dt.time | decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The object's own columns (foreign keys as ids); secrets as a marker only."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        name = field.attname
        value = getattr(obj, name)
        values[field.name] = "(secret)" if _is_secret(field.name) and value else _plain(value)
    for m2m in obj._meta.many_to_many:
        if obj.pk is not None:
            values[m2m.name] = sorted(str(o) for o in getattr(obj, m2m.name).all())
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            if _is_secret(name):
                changes[name] = ["(secret)", "(changed)"]
            else:
                changes[name] = [old, new]
    return changes


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
    via: str = "",
) -> AuditEntry | None:
    """Append one entry; a change that changed nothing is not recorded."""
    if action == AuditEntry.Action.CHANGED and not changes:
        return None
    authenticated = getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_label=(getattr(actor, "email", "") or str(actor or "")) if actor else "",
        action=action,
        model=obj._meta.label_lower,
        object_id=str(obj.pk or ""),
        object_repr=str(obj)[:300],
        changes=changes or {},
        via=via,
    )


def record_change(
    *, actor: Any, obj: models.Model, before: dict[str, Any], via: str
) -> AuditEntry | None:
    return record(
        actor=actor,
        action=AuditEntry.Action.CHANGED,
        obj=obj,
        changes=diff(before, snapshot(obj)),
        via=via,
    )


def record_created(*, actor: Any, obj: models.Model, via: str) -> AuditEntry | None:
    """A new object, with the values it was given (empty ones left out)."""
    return record(
        actor=actor,
        action=AuditEntry.Action.CREATED,
        obj=obj,
        changes={k: [None, v] for k, v in snapshot(obj).items() if v not in (None, "")},
        via=via,
    )


def _stored(obj: models.Model) -> dict[str, Any]:
    if obj.pk is None:
        return {}
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    return snapshot(stored) if stored is not None else {}


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes (and its inlines') go to the audit trail."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        request._audit_before = _stored(obj) if change else {}  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(request, "_audit_before", {})
        if change:
            record_change(actor=request.user, obj=obj, before=before, via="admin")
        else:
            record_created(actor=request.user, obj=obj, via="admin")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        befores = {
            f.instance.pk: _stored(f.instance)
            for f in formset.forms
            if f.instance.pk is not None and f.has_changed()
        }
        for doomed in formset.deleted_forms if formset.can_delete else []:
            if doomed.instance.pk is not None:
                record(
                    actor=request.user,
                    action=AuditEntry.Action.DELETED,
                    obj=doomed.instance,
                    via="admin",
                )
        super().save_formset(request, form, formset, change)
        for obj in getattr(formset, "new_objects", []):
            record_created(actor=request.user, obj=obj, via="admin")
        for obj, _fields in getattr(formset, "changed_objects", []):
            record_change(actor=request.user, obj=obj, before=befores.get(obj.pk, {}), via="admin")

    # Deletions are recorded first, in the admin's transaction, while the row has its id.
    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _record_deleted(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            _record_deleted(request, obj)
        super().delete_queryset(request, queryset)


def _record_deleted(request: HttpRequest, obj: models.Model) -> None:
    record(
        actor=request.user,
        action=AuditEntry.Action.DELETED,
        obj=obj,
        changes={k: [v, None] for k, v in snapshot(obj).items() if v not in (None, "", [])},
        via="admin",
    )
