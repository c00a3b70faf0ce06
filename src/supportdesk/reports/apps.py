from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "supportdesk.reports"
    label = "reports"
    verbose_name = "Reports and dashboards"

    def ready(self) -> None:
        from supportdesk.reports import subscribers  # noqa: F401
