from django.urls import path, register_converter

from supportdesk.reports import views


class ExportFormat:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormat, "export_format")

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("commitments/", views.commitments, name="commitments"),
    path("billing/", views.billing, name="billing"),
    path("service/", views.service, name="service"),
    path("satisfaction/", views.satisfaction, name="satisfaction"),
    path("<slug:report>.xlsx", views.export_workbook, name="export_workbook"),
    path(
        "<slug:report>/<slug:table>.<export_format:fmt>",
        views.export_table,
        name="export_table",
    ),
]
