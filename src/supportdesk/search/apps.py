from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "supportdesk.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from supportdesk.search import subscribers  # noqa: F401
