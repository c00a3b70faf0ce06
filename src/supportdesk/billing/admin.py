"""Billing in the admin: profiles are configured here; time and statements are shown.

Time entries and statements change only through their actions (pages, commands). An
issued statement is read-only here, and saying so is part of the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from supportdesk.billing.models import BillingProfile, Statement, TimeEntry
from supportdesk.core.admin import ReadOnlyAdmin
from supportdesk.core.audit import AuditedAdmin


@admin.register(BillingProfile)
class BillingProfileAdmin(AuditedAdmin):
    list_display = ["organisation", "hourly_rate", "rounding_minutes", "odoo_partner_id"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name"]


@admin.register(TimeEntry)
class TimeEntryAdmin(ReadOnlyAdmin):
    """Read-only: time is logged, overridden and corrected through the actions."""

    list_display = ["date", "ticket", "consultant", "minutes", "override", "corrects"]
    list_filter = ["override"]
    list_select_related = ["ticket", "consultant", "corrects"]
    date_hierarchy = "date"


STATEMENT_FIELDS = (
    "organisation",
    "month",
    "type",
    "status",
    "number",
    "credits",
    "hourly_rate",
    "vat_percent",
    "billed_minutes",
    "net",
    "vat",
    "gross",
    "note",
    "issued_at",
    "issued_by",
    "credited_at",
    "odoo_move_id",
    "exported_at",
    "line_table",
)


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    """Drafts may carry a note; issued statements are shown read-only, with the reason."""

    list_display = ["__str__", "status", "billed_minutes", "net", "gross", "issued_at"]
    list_filter = ["status", "type", "month"]
    list_select_related = ["organisation"]
    search_fields = ["number", "organisation__name"]
    fields = STATEMENT_FIELDS
    readonly_fields = [f for f in STATEMENT_FIELDS if f != "note"]
    actions = None  # no bulk delete: statements are removed only as drafts, by redrafting

    @admin.display(description=_("lines"))
    def line_table(self, obj: Statement) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    line.ticket_number,
                    line.date or "",
                    line.raw_minutes,
                    line.billed_minutes,
                    line.amount,
                    line.reason,
                )
                for line in obj.lines.order_by("position")
            ),
        )
        return format_html(
            "<table><tr><th>ticket</th><th>date</th><th>logged</th><th>billed</th>"
            "<th>amount</th><th>why</th></tr>{}</table>",
            rows,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # drafted by "supportdesk billing close" or the statements page

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not obj.is_draft:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not obj.is_draft:
            return False
        return super().has_delete_permission(request, obj)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if obj is not None and not obj.is_draft:
            messages.warning(request, obj.refusal())
        return super().change_view(request, object_id, form_url, extra_context)
