from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "supportdesk.mail"
    label = "mail"
    verbose_name = "Mail"

    def ready(self) -> None:
        from anymail.signals import inbound

        from supportdesk.mail import subscribers  # noqa: F401
        from supportdesk.mail.webhook import inbound_received

        inbound.connect(inbound_received, dispatch_uid="supportdesk-mail-inbound")
