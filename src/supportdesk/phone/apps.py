from django.apps import AppConfig


class PhoneConfig(AppConfig):
    name = "supportdesk.phone"
    label = "phone"
    verbose_name = "Telephone"
