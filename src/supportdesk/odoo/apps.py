from django.apps import AppConfig


class OdooConfig(AppConfig):
    name = "supportdesk.odoo"
    label = "odoo"
    verbose_name = "Odoo"

    def ready(self) -> None:
        from supportdesk.odoo import subscribers  # noqa: F401
