from __future__ import annotations

from django.contrib import admin

from supportdesk.console.models import SavedReply, StaffPreference


@admin.register(SavedReply)
class SavedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "created_by", "created_at"]
    search_fields = ["title", "body"]


@admin.register(StaffPreference)
class StaffPreferenceAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "mail_new_ticket",
        "mail_assigned",
        "mail_customer_replied",
        "mail_deadlines",
        "mail_missed_calls",
        "mail_mentions",
    ]
