"""The same instance checks against a real Odoo (16 or later), when one is given:

    ODOO_TEST_URL=https://acme.odoo.com ODOO_TEST_DB=acme \\
    ODOO_TEST_LOGIN=api@acme.example ODOO_TEST_KEY=… \\
    .venv/bin/python -m pytest tests/odoo/test_odoo_real_instance.py

The API user needs the rights the README lists under "Rights the API user needs": an
internal user with Sales and Invoicing (Billing) rights; Settings only for module authors
and licences. Without these variables the same tests run against the protocol-level test
server (tests/odoo/odoo_server.py) as every version it imitates: no real Odoo can be
installed here.

One test writes: the statement export creates a draft customer invoice (its reference is
the statement's number) for the contact ODOO_TEST_PARTNER (an id; else the first contact)
and cancels it at once; use a staging database. Everything else only reads.
"""

from __future__ import annotations

import os

import pytest

from supportdesk.billing import actions as billing
from supportdesk.billing import odoo_export
from supportdesk.billing.models import BillingProfile
from supportdesk.core import clock
from supportdesk.odoo import actions
from supportdesk.odoo.client import OdooAuthError, OdooCallError, OdooClient
from supportdesk.tickets.models import CodeOwner
from tests.billing.conftest import NOW, log, ticket_of
from tests.factories import UserFactory, make_ticket
from tests.odoo.odoo_server import API_KEY, DATABASE, LOGIN, VERSIONS

REAL = {name: os.environ.get(f"ODOO_TEST_{name}", "") for name in ("URL", "DB", "LOGIN", "KEY")}
pytestmark = [pytest.mark.django_db]


@pytest.fixture(params=VERSIONS if not all(REAL.values()) else ["real"])
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


def test_the_connection_report(real, consultant):
    """What "Test connection" says about the API user: printed, to read with ``-s``."""
    report = actions.instance_test_connection(instance=real, actor=consultant)
    print("\n".join(report.lines))
    assert report.logged_in, report.error
    assert report.companies, "the API user should read its companies"
    assert any(line.startswith("Checking references: works") for line in report.lines)
    assert any(line.startswith("Code-owner classification: works") for line in report.lines)


def test_the_statement_export_makes_a_draft_invoice_then_cancels_it(
    real, settings, alice, consultant, org_a
):
    client = OdooClient.for_instance(real)
    partner = int(os.environ.get("ODOO_TEST_PARTNER") or 0) or int(
        client.search_read("res.partner", [], ["id"], limit=1)[0]["id"]
    )
    settings.BILLING_ODOO_URL, settings.BILLING_ODOO_DB = real.url, real.database
    settings.BILLING_ODOO_USER, settings.BILLING_ODOO_API_KEY = real.login, real.api_key
    biller = UserFactory(email="bea@partner.example", role="business_consultant", organisation=None)
    BillingProfile.objects.create(organisation=org_a, odoo_partner_id=partner)
    with clock.at(NOW):
        log(ticket_of(alice), consultant, 45, NOW.date().replace(day=3), "Real-instance export")
        draft = billing.statement_draft(
            organisation=org_a, month=NOW.date().replace(day=1), actor=biller
        )
        assert draft is not None
        statement = billing.statement_issue(statement=draft, actor=biller)
        move_id = odoo_export.statement_export(statement=statement, actor=biller)
    try:
        [move] = client.read("account.move", [move_id], ["state", "move_type", "ref", "partner_id"])
        assert (move["state"], move["move_type"], move["ref"]) == (
            "draft",
            "out_invoice",
            statement.number,
        )
    finally:
        try:
            client.call("account.move", "button_cancel", ids=[move_id])
        except OdooCallError as exc:
            # button_cancel returns None: Odoo commits, then cannot marshal None over XML-RPC.
            assert "cannot marshal None" in exc.details, exc.full
    assert client.read("account.move", [move_id], ["state"])[0]["state"] == "cancel"
