from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "supportdesk.mail"
    label = "mail"
    verbose_name = "Mail"
