from django.apps import AppConfig


class DemoConfig(AppConfig):
    """``supportdesk demo``: data to try every screen with, registered through the actions."""

    name = "supportdesk.demo"
    label = "demo"
    verbose_name = "Demo data"
