"""The client's guards: no loopback, private or link-local addresses (unless allowed), no
plain http over the internet, no redirects, no host a customer typed; a wrong API key
and a slow server give clear errors."""

from __future__ import annotations

import ipaddress
import socket
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportdesk.core.errors import InvalidInput
from supportdesk.odoo import actions
from supportdesk.odoo.client import (
    OdooAuthError,
    OdooClient,
    OdooRefused,
    OdooTimeout,
    _vetted_address,
)
from supportdesk.tickets.models import OdooReference
from tests.factories import make_ticket
from tests.odoo.odoo_server import API_KEY, DATABASE, LOGIN

NON_PUBLIC_NETWORKS = [
    "127.0.0.0/8",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "169.254.0.0/16",
    "100.64.0.0/10",
    "0.0.0.0/8",
    "::1/128",
    "fc00::/7",
    "fe80::/10",
]


@pytest.fixture
def private_off(settings):
    settings.ODOO_ALLOW_PRIVATE_HOSTS = False
    return settings


@pytest.fixture
def listener():
    """A loopback socket that would accept a connection, to prove none was made."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    sock.setblocking(False)
    yield sock
    sock.close()


def _was_connected(sock: socket.socket) -> bool:
    try:
        connection, _ = sock.accept()
    except BlockingIOError:
        return False
    connection.close()
    return True


def _client(url: str, **options) -> OdooClient:
    return OdooClient(url=url, database=DATABASE, login=LOGIN, api_key=API_KEY, **options)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_host_on_loopback_is_refused_before_connecting(private_off, listener, host):
    port = listener.getsockname()[1]
    with pytest.raises(OdooRefused) as error:
        _client(f"https://{host}:{port}").version()
    assert "loopback, private or link-local" in error.value.message
    assert "ODOO_ALLOW_PRIVATE_HOSTS" in error.value.message
    assert not _was_connected(listener)


@pytest.mark.parametrize(
    "url", ["https://10.20.30.40", "https://192.168.1.10:8069", "https://169.254.169.254"]
)
def test_private_and_link_local_addresses_are_refused(private_off, url):
    with pytest.raises(OdooRefused, match="loopback, private or link-local"):
        _client(url).version()


def test_a_name_resolving_to_a_private_address_is_refused(private_off, monkeypatch):
    answers = {
        "erp.acme.example": ["10.0.0.5"],
        "mixed.acme.example": ["93.184.216.34", "192.168.0.9"],  # one bad answer is enough
    }

    def fake_getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    for host in answers:
        with pytest.raises(OdooRefused, match=host):
            _client(f"https://{host}").version()


@given(
    st.sampled_from(NON_PUBLIC_NETWORKS).flatmap(
        lambda net: st.ip_addresses(network=ipaddress.ip_network(net))
    )
)
def test_every_non_public_address_is_refused(address):
    with pytest.raises(OdooRefused):
        _vetted_address(str(address), 443, allow_private=False)


def test_a_public_address_passes_the_guard():
    assert _vetted_address("93.184.216.34", 443, allow_private=False) == "93.184.216.34"


def test_plain_http_is_refused_unless_private_hosts_are_allowed(private_off):
    with pytest.raises(OdooRefused, match="plain http"):
        _client("http://acme.example.com")


def test_the_connection_goes_to_the_vetted_address(odoo_server, monkeypatch):
    # A second DNS answer cannot redirect the call: the address checked is the one used.
    server = odoo_server()
    calls = []
    real = socket.getaddrinfo

    def pinned(host, port, *args, **kwargs):
        calls.append(host)
        return real("127.0.0.1", port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", pinned)
    client = _client(f"http://erp.acme.example:{server.port}")
    assert client.version().serie == "17.0"
    # Connecting resolves only the numeric address (no DNS); the name is looked up once.
    assert calls[0] == "erp.acme.example"
    assert set(calls[1:]) <= {"127.0.0.1"}


def test_a_redirect_is_refused_not_followed(odoo_server):
    server = odoo_server(redirect_to="http://169.254.169.254/latest/meta-data/")
    with pytest.raises(OdooRefused) as error:
        _client(server.url).version()
    assert "redirect to http://169.254.169.254/latest/meta-data/" in error.value.message
    assert server.requests == [("/xmlrpc/2/common", "redirected")]


@pytest.mark.parametrize("version", ["17.0+e", "19.0+e"])
def test_a_wrong_api_key_is_a_clear_error(odoo_server, version):
    server = odoo_server(version)
    client = OdooClient(
        url=server.url, database=DATABASE, login=LOGIN, api_key="not-the-key", api=""
    )
    client.api = client.version().api
    with pytest.raises(OdooAuthError) as error:
        client.read("sale.order", [42], ["name"])
    message = error.value.message
    assert f"refused the login {LOGIN!r}" in message and "API key" in message
    assert "not-the-key" not in message


def test_a_key_revoked_after_login_is_a_clear_error(odoo_server):
    server = odoo_server("17.0+e")
    client = _client(server.url)
    client.authenticate()
    server.databases[DATABASE]["users"][LOGIN] = (2, "a-new-key")  # revoked in Odoo
    with pytest.raises(OdooAuthError, match="check the login and the key"):
        client.read("sale.order", [42], ["name"])


def test_a_wrong_key_is_stored_on_the_instance_as_its_error(odoo, make_instance, org_a, consultant):
    instance = make_instance(odoo, org_a, key="expired-key")
    with pytest.raises(InvalidInput, match="refused the login"):
        actions.instance_detect_version(instance=instance, actor=consultant)
    instance.refresh_from_db()
    assert "refused the login" in instance.last_error


def test_a_slow_server_times_out(odoo_server):
    server = odoo_server(delay=2.0)
    client = _client(server.url, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(OdooTimeout) as error:
        client.version()
    assert time.monotonic() - started < 1.5
    assert "did not answer within 0.3 s" in error.value.message


def test_a_host_typed_by_a_customer_is_never_called(instance, odoo, alice, consultant, monkeypatch):
    ticket = make_ticket(
        alice,
        description="See https://169.254.169.254/odoo/sale.order/42 and "
        f"http://127.0.0.1:{odoo.port + 1}/odoo/sale.order/42",
    )
    urls = list(ticket.odoo_refs.filter(type=OdooReference.Type.URL))
    assert len(urls) == 2
    before = len(odoo.requests)
    resolved = []
    real = socket.getaddrinfo
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda host, *a, **k: resolved.append(host) or real(host, *a, **k)
    )
    for reference in urls:
        with pytest.raises(InvalidInput, match="is not a configured Odoo instance"):
            actions.reference_check(ticket=ticket, actor=consultant, reference=reference)
    assert resolved == []
    assert len(odoo.requests) == before
