"""What only the Odoo actions check: a web link. The staff check, the row lock and the
text checks are the shared action kit's (``supportdesk.tickets.kit``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from supportdesk.core.errors import InvalidInput
from supportdesk.tickets import kit


def web_url(field: str, value: str) -> str:
    """An optional http(s) link with a host, at most 500 characters."""
    value = kit.text(field, value, required=False, limit=500)
    if value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInput(field, _("%(value)r is not an http(s) link") % {"value": value[:80]})
    return value
