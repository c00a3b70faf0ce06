from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "supportdesk.reports"
    label = "reports"
    verbose_name = "Reports and dashboards"
