from django.contrib import admin

from supportdesk.tickets.models import Ticket


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only: tickets change only through actions (console, portal, API, mail)."""

    list_display = ["number", "subject", "organisation", "status", "assignee", "registered_at"]
    list_filter = ["status", "channel", "kind"]
    list_select_related = ["organisation", "assignee"]
    search_fields = ["subject"]
    show_full_result_count = False

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
