"""The client's guards against server-side request forgery: only an instance's origin is
accepted, its host must resolve to public addresses (unless ``ODOO_ALLOW_PRIVATE_HOSTS``),
and the connection goes to the vetted address while speaking TLS to the host's name."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings

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
    """The address to connect to; refuses hosts resolving to non-public addresses."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OdooUnavailable(f"{host} cannot be resolved: {exc}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise OdooUnavailable(f"{host} resolves to no address")
    if not allow_private:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
                ip = ip.ipv4_mapped
            if not ip.is_global or ip.is_multicast:
                raise OdooRefused(
                    f"{host} resolves to {address}, a loopback, private or link-local "
                    "address: refused (an instance on a private network needs "
                    "ODOO_ALLOW_PRIVATE_HOSTS)"
                )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the vetted address while speaking to ``host`` (Host header)."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the vetted address, with SNI and certificate checked for ``host``."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]
