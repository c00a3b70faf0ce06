"""Outbound HTTP to addresses people configure: vetted, pinned, bounded.

Every call Supportdesk makes to a host someone typed (a customer's Odoo, a webhook
endpoint) goes through here: the host is resolved once, refused when it resolves to a
loopback, private, link-local, shared, reserved or multicast address (unless the
caller's setting allows private hosts), and the connection is pinned to the vetted
address so a second lookup cannot point it elsewhere. Redirects are not followed;
answers are bounded in size and time.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


class AddressRefused(Exception):
    """The URL or the address it resolves to is not allowed."""


class HostUnavailable(Exception):
    """The host cannot be resolved or reached, or did not answer in time."""


def vetted_address(host: str, port: int, *, allow_private: bool, hint: str = "") -> str:
    """The address to connect to; refuses hosts resolving to non-public addresses."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise HostUnavailable(f"{host} cannot be resolved: {exc}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise HostUnavailable(f"{host} resolves to no address")
    if not allow_private:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
                ip = ip.ipv4_mapped
            if not ip.is_global or ip.is_multicast:
                raise AddressRefused(
                    f"{host} resolves to {address}, a loopback, private or link-local "
                    f"address: refused{f' ({hint})' if hint else ''}"
                )
    return addresses[0]


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the vetted address while speaking to ``host`` (Host header)."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the vetted address, with SNI and certificate checked for ``host``."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


def check_url(url: str, *, allow_private: bool, hint: str = "") -> Target:
    """An http(s) URL without credentials; plain http only where private hosts are allowed."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise AddressRefused(f"{url!r} is not a URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused(f"{url!r} is not an http(s) URL with a host")
    if scheme == "http" and not allow_private:
        raise AddressRefused(
            f"{url!r} uses plain http: what is sent would travel unencrypted; use https"
            + (f" ({hint})" if hint else "")
        )
    if parts.username or parts.password:
        raise AddressRefused(f"{url!r} contains a user name or password")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, parts.hostname.lower(), port or (443 if scheme == "https" else 80), path)


def post(
    url: str,
    body: bytes,
    *,
    headers: dict[str, str],
    timeout: float,
    allow_private: bool,
    max_answer: int = 65536,
    hint: str = "",
) -> tuple[int, bytes]:
    """POST ``body`` to ``url`` through the guard; (status, first bytes of the answer)."""
    target = check_url(url, allow_private=allow_private, hint=hint)
    address = vetted_address(target.host, target.port, allow_private=allow_private, hint=hint)
    connection_class = PinnedHTTPSConnection if target.scheme == "https" else PinnedHTTPConnection
    connection = connection_class(target.host, target.port, address, timeout)
    deadline = time.monotonic() + timeout
    try:
        connection.request(
            "POST", target.path, body=body, headers={"User-Agent": "Supportdesk", **headers}
        )
        response = connection.getresponse()
        answer = b""
        while len(answer) < max_answer and (chunk := response.read(8192)):
            answer += chunk
            if time.monotonic() > deadline:
                raise TimeoutError
        return response.status, answer[:max_answer]
    except TimeoutError:
        raise HostUnavailable(f"{target.host} did not answer within {timeout:g} s") from None
    except OSError as exc:
        raise HostUnavailable(f"{target.host} cannot be reached: {exc}") from None
    finally:
        connection.close()
