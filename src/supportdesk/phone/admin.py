from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from supportdesk.core.audit import AuditedAdmin
from supportdesk.phone.models import Call, Pbx, hash_token


@admin.register(Pbx)
class PbxAdmin(AuditedAdmin):
    list_display = ["name", "active", "created_at"]

    def save_model(self, request: HttpRequest, obj: Pbx, form: object, change: bool) -> None:
        if not change:
            import secrets

            token = secrets.token_urlsafe(32)
            obj.token_hash = hash_token(token)
            messages.warning(
                request,
                _(
                    "The PBX posts its events to /api/v1/cti/%(token)s — copy it now, "
                    "it is not shown again."
                )
                % {"token": token},
            )
        super().save_model(request, obj, form, change)


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["started_at", "direction", "caller_e164", "caller", "state", "answered_by"]
    list_filter = ["state", "direction"]
    readonly_fields = [f.name for f in Call._meta.fields]
