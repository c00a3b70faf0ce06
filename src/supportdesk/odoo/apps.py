from django.apps import AppConfig


class OdooConfig(AppConfig):
    name = "supportdesk.odoo"
    label = "odoo"
    verbose_name = "Odoo"
