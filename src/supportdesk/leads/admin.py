from django.contrib import admin

from supportdesk.leads.models import Lead


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["created_at", "company", "name", "email", "source", "state"]
    list_filter = ["state", "source"]
    search_fields = ["company", "name", "email", "message"]
