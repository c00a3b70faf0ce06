"""The client's guards against server-side request forgery: only an instance's origin is
accepted, its host must resolve to public addresses (unless ``ODOO_ALLOW_PRIVATE_HOSTS``),
and the connection goes to the vetted address while speaking TLS to the host's name."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from supportdesk.core import netguard
from supportdesk.odoo.errors import OdooRefused, OdooUnavailable

# Said after a refusal that private hosts would lift.
PRIVATE_HINT = "an instance on a private network needs ODOO_ALLOW_PRIVATE_HOSTS"


def check_base_url(url: str, *, allow_private: bool | None = None) -> tuple[str, str, int]:
    """(scheme, host, port) of an instance URL, or ``OdooRefused`` saying what is wrong.

    The checks of every outbound URL (``core.netguard.check_url``), and only the origin is
    allowed: no path, query or fragment.
    """
    allow = settings.ODOO_ALLOW_PRIVATE_HOSTS if allow_private is None else allow_private
    try:
        target = netguard.check_url(url, allow_private=allow, hint=PRIVATE_HINT)
    except netguard.AddressRefused as exc:
        raise OdooRefused(str(exc)) from None
    parts = urlsplit(url.strip())
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise OdooRefused(
            f"{url!r} has a path or query: give only the address of the instance, "
            "like https://acme.odoo.com"
        )
    return target.scheme, target.host, target.port


def _vetted_address(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to, through the one outbound guard (``core.netguard``)."""
    try:
        return netguard.vetted_address(
            host,
            port,
            allow_private=allow_private,
            hint=PRIVATE_HINT,
        )
    except netguard.AddressRefused as exc:
        raise OdooRefused(str(exc)) from None
    except netguard.HostUnavailable as exc:
        raise OdooUnavailable(str(exc)) from None


_PinnedHTTPConnection = netguard.PinnedHTTPConnection
_PinnedHTTPSConnection = netguard.PinnedHTTPSConnection
