from django.apps import AppConfig


class HelpConfig(AppConfig):
    name = "supportdesk.help"
    label = "help"
    verbose_name = "Help center and satisfaction"

    def ready(self) -> None:
        from supportdesk.core import mail_context
        from supportdesk.help import subscribers

        mail_context.provide("status", subscribers.rating_links_for_mail)
