"""The same instance checks against a real Odoo (16 or later), when one is given:

    ODOO_TEST_URL=https://acme.odoo.com ODOO_TEST_DB=acme \\
    ODOO_TEST_LOGIN=api@acme.example ODOO_TEST_KEY=… \\
    .venv/bin/python -m pytest tests/odoo/test_odoo_real_instance.py

The API user needs read access to sales and accounting and to Settings › Technical (ir.*).
Without these variables the same tests run against the protocol-level test server
(tests/odoo/odoo_server.py, as Odoo 18 and 19): no real Odoo can be installed here.
Nothing is written to the instance.
"""

from __future__ import annotations

import os

import pytest

from supportdesk.odoo import actions
from supportdesk.odoo.client import OdooAuthError, OdooClient
from supportdesk.tickets.models import CodeOwner
from tests.factories import make_ticket
from tests.odoo.odoo_server import API_KEY, DATABASE, LOGIN

REAL = {name: os.environ.get(f"ODOO_TEST_{name}", "") for name in ("URL", "DB", "LOGIN", "KEY")}
pytestmark = [pytest.mark.django_db]


@pytest.fixture(params=["18.0+e", "19.0+e"] if not all(REAL.values()) else ["real"])
def real(request, settings, org_a, consultant, odoo_server):
    """The instance under test: the real one given, else the protocol-level test server."""
    if request.param == "real":
        # A real instance is reached as in production: public addresses and https only,
        # unless the instance given is itself on a private network.
        settings.ODOO_ALLOW_PRIVATE_HOSTS = os.environ.get("ODOO_TEST_PRIVATE") == "1"
        settings.ODOO_TIMEOUT = 30
        url, database, login, key = REAL["URL"], REAL["DB"], REAL["LOGIN"], REAL["KEY"]
    else:
        server = odoo_server(request.param)
        url, database, login, key = server.url, DATABASE, LOGIN, API_KEY
    instance = actions.instance_save(
        actor=consultant,
        organisation=org_a,
        name="production",
        url=url,
        database=database,
        login=login,
        api_key=key,
    )
    return actions.instance_detect_version(instance=instance, actor=consultant)


def test_version_and_login(real):
    assert int(real.serie.split(".")[0]) >= 16
    assert real.api == ("json2" if int(real.serie.split(".")[0]) >= 19 else "xmlrpc")


def test_a_wrong_key_is_refused_clearly(real):
    client = OdooClient(
        url=real.url, database=real.database, login=real.login, api_key="wrong", api=real.api
    )
    with pytest.raises(OdooAuthError):
        client.search_read("res.partner", [], ["id"], limit=1)


def test_an_existing_and_a_missing_document_are_told_apart(real, alice, consultant):
    client = OdooClient.for_instance(real)
    orders = client.search_read("sale.order", [["name", "=like", "S%"]], ["name"], limit=1)
    assert orders, "the instance needs one sale order numbered S… for this test"
    name = orders[0]["name"]
    ticket = make_ticket(alice, subject=f"{name} and S9999999", description="")
    checks = {c.reference.text: c for c in actions.reference_check(ticket=ticket, actor=consultant)}
    assert checks[name].exists is True and checks[name].display_name
    assert checks["S9999999"].exists is False


def test_base_models_are_odoo_community(real, alice, consultant):
    ticket = make_ticket(alice)
    row = actions.code_owner_classify(
        ticket=ticket, actor=consultant, model="res.partner", field="name"
    )
    assert (row.owner, row.module) == (CodeOwner.ODOO_COMMUNITY, "base")
