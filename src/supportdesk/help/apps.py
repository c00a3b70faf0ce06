from django.apps import AppConfig


class HelpConfig(AppConfig):
    name = "supportdesk.help"
    label = "help"
    verbose_name = "Help center and satisfaction"
