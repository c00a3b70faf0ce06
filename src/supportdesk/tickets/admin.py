from django.contrib import admin

from supportdesk.core.admin import ReadOnlyAdmin
from supportdesk.tickets.models import Ticket


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    """Read-only: tickets change only through actions (console, portal, API, mail)."""

    list_display = ["number", "subject", "organisation", "status", "assignee", "registered_at"]
    list_filter = ["status", "channel", "kind"]
    list_select_related = ["organisation", "assignee"]
    search_fields = ["subject"]
    show_full_result_count = False
