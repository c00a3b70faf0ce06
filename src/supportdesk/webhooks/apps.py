from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Outbound webhooks and chat notifications: subscribers of the ticket events."""

    name = "supportdesk.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks and chat")

    def ready(self) -> None:
        from supportdesk.webhooks import subscribers  # noqa: F401
