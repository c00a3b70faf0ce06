from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from supportdesk.core.admin import CachedRowsAdmin, SecretForm, secret_field
from supportdesk.mail.lookups import clear_address_cache
from supportdesk.mail.models import CallTask, InboundMail, Mailbox, OutboundMail


class MailboxForm(SecretForm):
    secret_name = "imap_secret"
    imap_secret = secret_field(_("IMAP password or token"))

    class Meta:
        model = Mailbox
        fields = [
            "name",
            "address",
            "active",
            "default_organisation",
            "imap_host",
            "imap_port",
            "imap_security",
            "imap_username",
            "imap_auth",
            "imap_folder",
            "imap_done_folder",
            "imap_idle",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("imap_host"):
            if not data.get("imap_username"):
                self.add_error("imap_username", _("is required to read the mailbox over IMAP"))
            has_secret = bool(self.instance.imap_secret_encrypted) or data.get("imap_secret")
            if not has_secret:
                self.add_error("imap_secret", _("is required to read the mailbox over IMAP"))
        return data


@admin.register(Mailbox)
class MailboxAdmin(CachedRowsAdmin):
    form = MailboxForm
    list_display = [
        "name",
        "address",
        "default_organisation",
        "imap_host",
        "active",
        "last_polled_at",
    ]
    list_filter = ["active"]
    readonly_fields = ["uidvalidity", "last_uid", "last_polled_at", "last_error"]
    clear_cache = clear_address_cache

    fieldsets = [
        (None, {"fields": ["name", "address", "active", "default_organisation"]}),
        (
            _("IMAP"),
            {
                "fields": [
                    "imap_host",
                    "imap_port",
                    "imap_security",
                    "imap_username",
                    "imap_auth",
                    "imap_secret",
                    "imap_folder",
                    "imap_done_folder",
                    "imap_idle",
                ]
            },
        ),
        (_("State"), {"fields": ["uidvalidity", "last_uid", "last_polled_at", "last_error"]}),
    ]


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = [
        "received_at",
        "from_address",
        "subject",
        "source",
        "state",
        "outcome",
        "ticket",
    ]
    list_filter = ["state", "source", "outcome", "mailbox"]
    search_fields = ["subject", "from_address", "message_id"]
    exclude = ["raw"]
    actions = ["reprocess"]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [f.name for f in InboundMail._meta.fields if f.name != "raw"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Process failed messages again"))
    def reprocess(self, request: HttpRequest, queryset: QuerySet[InboundMail]) -> None:
        from supportdesk.mail.process import process_batch

        ids = list(queryset.filter(state=InboundMail.State.FAILED).values_list("pk", flat=True))
        result = process_batch(ids, retry_failed=True)
        self.message_user(
            request,
            gettext("%(processed)d processed, %(failed)d failed again.")
            % {"processed": len(result.processed), "failed": len(result.failed)},
            messages.WARNING if result.failed else messages.SUCCESS,
        )


@admin.register(OutboundMail)
class OutboundMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "purpose", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state", "purpose"]
    search_fields = ["subject", "message_id"]
    readonly_fields = [f.name for f in OutboundMail._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(CallTask)
class CallTaskAdmin(admin.ModelAdmin):
    list_display = ["created_at", "ticket", "contact", "done_at"]
    list_filter = ["done_at"]
    raw_id_fields = ["ticket", "contact"]
