"""The client's guards against server-side request forgery: only an instance's origin is
accepted, its host must resolve to public addresses (unless ``ODOO_ALLOW_PRIVATE_HOSTS``),
and the connection goes to the vetted address while speaking TLS to the host's name."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from supportdesk.core import netguard
from supportdesk.odoo.errors import OdooRefused, OdooUnavailable


def check_base_url(url: str, *, allow_private: bool | None = None) -> tuple[str, str, int]:
    """(scheme, host, port) of an instance URL, or ``OdooRefused`` saying what is wrong.

    Only the origin is allowed: no user name, path, query or fragment.
    """
    allow = settings.ODOO_ALLOW_PRIVATE_HOSTS if allow_private is None else allow_private
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise OdooRefused(f"{url!r} is not a URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise OdooRefused(f"{url!r} is not an http(s) URL with a host")
    if scheme == "http" and not allow:
        raise OdooRefused(
            f"{url!r} uses plain http: the API key would travel unencrypted; use https "
            "(http only with ODOO_ALLOW_PRIVATE_HOSTS for an instance on a private network)"
        )
    if parts.username or parts.password:
        raise OdooRefused(f"{url!r} contains a user name: give the login separately")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise OdooRefused(
            f"{url!r} has a path or query: give only the address of the instance, "
            "like https://acme.odoo.com"
        )
    return scheme, parts.hostname.lower(), port or (443 if scheme == "https" else 80)


def _vetted_address(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to, through the one outbound guard (``core.netguard``)."""
    try:
        return netguard.vetted_address(
            host,
            port,
            allow_private=allow_private,
            hint="an instance on a private network needs ODOO_ALLOW_PRIVATE_HOSTS",
        )
    except netguard.AddressRefused as exc:
        raise OdooRefused(str(exc)) from None
    except netguard.HostUnavailable as exc:
        raise OdooUnavailable(str(exc)) from None


_PinnedHTTPConnection = netguard.PinnedHTTPConnection
_PinnedHTTPSConnection = netguard.PinnedHTTPSConnection
