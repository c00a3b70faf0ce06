"""Extra context for the mail a channel sends, provided by feature apps.

A feature app (the help center's "How did we do?") adds to a mail without the mail app
importing it: it registers a provider here from its ``AppConfig.ready()``, and the mail
app asks this registry for the context of each mail it renders. Both depend only on core.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provider = Callable[..., dict[str, Any]]
_providers: dict[str, list[Provider]] = {}


def provide(template: str, provider: Provider) -> None:
    """Call ``provider(**facts)`` for every mail rendered from ``template``."""
    if provider not in _providers.setdefault(template, []):
        _providers[template].append(provider)


def context_for(template: str, **facts: Any) -> dict[str, Any]:
    """The extra context every provider gives for one mail (later providers win)."""
    context: dict[str, Any] = {}
    for provider in _providers.get(template, []):
        context.update(provider(**facts))
    return context
