from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "supportdesk.leads"
    label = "leads"
    verbose_name = "Sales inquiries"
