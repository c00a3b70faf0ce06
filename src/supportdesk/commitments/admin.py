from typing import Any

from django.contrib import admin

from supportdesk.commitments.clocks import clear_calendar_cache
from supportdesk.commitments.models import BusinessHours, ClosedDay, ShortDay
from supportdesk.core.audit import AuditedAdmin


class CalendarAdmin(AuditedAdmin):
    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        clear_calendar_cache()

    def delete_model(self, request: Any, obj: Any) -> None:
        super().delete_model(request, obj)
        clear_calendar_cache()


@admin.register(BusinessHours)
class BusinessHoursAdmin(CalendarAdmin):
    list_display = ["weekday", "opens", "closes"]


@admin.register(ClosedDay)
class ClosedDayAdmin(CalendarAdmin):
    list_display = ["date", "reason"]


@admin.register(ShortDay)
class ShortDayAdmin(CalendarAdmin):
    list_display = ["date", "opens", "closes", "reason"]
