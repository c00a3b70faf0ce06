from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "supportdesk.console"
    label = "console"
    verbose_name = "Consultant console"

    def ready(self) -> None:
        from supportdesk.console import subscribers  # noqa: F401
