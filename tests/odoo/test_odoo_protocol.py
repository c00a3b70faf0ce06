"""The client against Odoo's own answers: fault codes and texts, JSON-2 status codes, the
database a JSON-2 server does not serve, and the test server's likeness to Odoo."""

from __future__ import annotations

import xmlrpc.client

import pytest

from supportdesk.odoo.client import (
    OdooAccessError,
    OdooAuthError,
    OdooCallError,
    OdooClient,
    OdooDatabaseNotServed,
    OdooNotFound,
)
from tests.odoo.odoo_server import (
    API_KEY,
    DATABASE,
    LIMITED_KEY,
    LIMITED_LOGIN,
    LOGIN,
    UID,
    VERSIONS,
    FakeOdoo,
)


def client_of(server: FakeOdoo, *, login: str = LOGIN, key: str = API_KEY, db: str = DATABASE):
    client = OdooClient(url=server.url, database=db, login=login, api_key=key)
    client.api = client.version().api
    return client


def test_an_access_error_keeps_its_first_line_and_the_groups_in_the_details(odoo):
    """Fault 4 / HTTP 403: the meaning is in the first line, the groups that would do below."""
    client = client_of(odoo, login=LIMITED_LOGIN, key=LIMITED_KEY)
    with pytest.raises(OdooAccessError) as error:
        client.search_read("ir.module.module", [], ["name"], limit=1)
    assert error.value.message.endswith(
        "You are not allowed to access 'Module' (ir.module.module) records."
    )
    assert "\t- Administration/Settings" in error.value.details
    assert "Contact your administrator" in error.value.details


def test_a_missing_record_says_so_in_the_first_line(odoo):
    """Fault 2 (MissingError) / HTTP 404: "Record does not exist", then which record."""
    client = client_of(odoo)
    with pytest.raises(OdooCallError) as error:
        client.read("sale.order", [999], ["name"])
    assert error.value.message.endswith("Record does not exist or has been deleted.")
    assert "(Record: sale.order(999,), User: 2)" in error.value.details


def test_a_traceback_gives_its_exception_line_and_keeps_the_traceback(odoo):
    """Fault 1 is a whole traceback; on JSON-2 a ValueError is an HTTP 500 with its debug."""
    client = client_of(odoo)
    with pytest.raises(OdooCallError) as error:
        client.read("sale.order", [42], ["no_such_field"])
    assert "Invalid field 'no_such_field' on model 'sale.order'" in error.value.message
    assert "Traceback (most recent call last)" in error.value.details
    if odoo.major >= 19:
        assert "(HTTP 500)" in error.value.message


@pytest.mark.parametrize("how", ["unknown", "filtered"])
def test_json_2_tells_a_database_it_does_not_serve_from_a_missing_api(odoo_server, how):
    """Odoo 19 answers its plain HTML 404 page for a database it does not serve."""
    server = odoo_server("19.0+e", dbfilter="^prod$" if how == "filtered" else ".*")
    client = client_of(server, db="nope" if how == "unknown" else DATABASE)
    with pytest.raises(OdooDatabaseNotServed) as error:
        client.read("sale.order", [42], ["name"])
    assert "serves no database" in error.value.message and "dbfilter" in error.value.message
    assert "no JSON-2 API" not in error.value.message
    older = odoo_server("18.0+e")
    forced = OdooClient(url=older.url, database=DATABASE, login=LOGIN, api_key=API_KEY, api="json2")
    with pytest.raises(OdooNotFound, match="has no JSON-2 API"):
        forced.read("sale.order", [42], ["name"])


def test_json_2_errors_come_with_odoo_status_codes(odoo_server):
    server = odoo_server("19.0+e")
    client = client_of(server)
    with pytest.raises(OdooCallError, match=r"\(HTTP 404\): the model 'no.such' does not exist"):
        client.search_read("no.such", [], ["id"])
    with pytest.raises(OdooCallError, match=r"\(HTTP 422\).*unexpected keyword argument"):
        client.call("sale.order", "search_read", domain=[], nonsense=1)
    with pytest.raises(OdooAuthError):
        client_of(server, key="wrong").search_read("sale.order", [], ["id"])


# --- the test server is like Odoo -----------------------------------------------------------


def _object(server: FakeOdoo) -> xmlrpc.client.ServerProxy:
    return xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object")


@pytest.mark.parametrize("version", [v for v in VERSIONS if not v.startswith("19")])
def test_create_with_keyword_values_fails_like_call_kw_and_rolls_back(odoo_server, version):
    server = odoo_server(version)
    before = len(server.records("res.partner"))
    with pytest.raises(xmlrpc.client.Fault) as fault:
        _object(server).execute_kw(
            DATABASE, UID, API_KEY, "res.partner", "create", [], {"vals_list": [{"name": "X"}]}
        )
    assert fault.value.faultCode == 1
    assert fault.value.faultString.rstrip().endswith("IndexError: list index out of range")
    assert len(server.records("res.partner")) == before
    new = _object(server).execute_kw(
        DATABASE, UID, API_KEY, "res.partner", "create", [[{"name": "X"}]]
    )
    assert isinstance(new, list) and len(server.records("res.partner")) == before + 1


def test_faults_carry_odoo_codes(odoo_server):
    server = odoo_server("17.0+e")
    proxy = _object(server)
    cases = [
        ((DATABASE, UID, "wrong", "sale.order", "read", [[42]]), 3, "Access Denied"),
        ((DATABASE, UID, API_KEY, "sale.order", "read", [[999]]), 2, "Record does not exist"),
        ((DATABASE, 7, LIMITED_KEY, "ir.module.module", "search_read", [[]]), 4, "not allowed"),
        ((DATABASE, UID, API_KEY, "sale.order", "read", [[42], ["nope"]]), 1, "Traceback"),
    ]
    for params, code, text in cases:
        with pytest.raises(xmlrpc.client.Fault) as fault:
            proxy.execute_kw(*params)
        assert (fault.value.faultCode, text in fault.value.faultString) == (code, True)


def test_none_is_not_marshalled_and_versions_read_like_odoo(odoo_server):
    server = odoo_server("saas~17.2+e")
    server.records("res.partner").append({"id": 99, "name": None})
    with pytest.raises(xmlrpc.client.Fault) as fault:
        _object(server).execute_kw(DATABASE, UID, API_KEY, "res.partner", "read", [[99]])
    assert "cannot marshal None" in fault.value.faultString
    info = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common").version()
    assert info["server_serie"] == "saas~17.2"
    assert info["server_version_info"][:2] == ["saas~17", 2]
    assert info["server_version_info"][5] == "e"
    installed = [m for m in server.records("ir.module.module") if m["state"] == "installed"]
    assert not any(m["to_buy"] for m in installed)
