from django.contrib import admin

from supportdesk.mail.models import OutboundMail


@admin.register(OutboundMail)
class OutboundMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "purpose", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state", "purpose"]
    search_fields = ["subject", "message_id"]
    readonly_fields = [f.name for f in OutboundMail._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
