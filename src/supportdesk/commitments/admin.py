from typing import Any

from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import redirect

from supportdesk.commitments.actions import calendar_days_changed
from supportdesk.commitments.models import BusinessHours, CalendarChange, ClosedDay, ShortDay
from supportdesk.core.admin import CachedRowsAdmin, ReadOnlyAdmin


class CalendarAdmin(CachedRowsAdmin):
    """Closed and shortened days: a change moves the open tickets' deadlines at once."""

    @staticmethod
    def clear_cache() -> None:
        calendar_days_changed()


@admin.register(BusinessHours)
class BusinessHoursAdmin(admin.ModelAdmin):
    """One row per weekday could close the rest of the week unnoticed: the week is edited
    as a whole in the console's week editor, with a preview and a confirmation."""

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: Any, extra_context: Any = None) -> HttpResponse:
        return redirect("console:calendar")

    def change_view(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("console:calendar")


@admin.register(CalendarChange)
class CalendarChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "changed_by", "moved_tickets"]


@admin.register(ClosedDay)
class ClosedDayAdmin(CalendarAdmin):
    list_display = ["date", "reason"]


@admin.register(ShortDay)
class ShortDayAdmin(CalendarAdmin):
    list_display = ["date", "opens", "closes", "reason"]
    fields = ["date", "opens", "closes", "reason"]
