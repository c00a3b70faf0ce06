"""Export of issued statements to our Odoo, against the protocol-level Odoo test server on
loopback (tests/odoo/odoo_server.py), on every version it imitates."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.urls import reverse

from supportdesk.billing import actions, odoo_export
from supportdesk.billing.models import BillingProfile
from supportdesk.core.errors import IllegalTransition, InvalidInput
from supportdesk.tickets.models import Kind
from tests.billing.conftest import log, ticket_of
from tests.odoo.odoo_server import API_KEY, DATABASE, LOGIN, VERSIONS, FakeOdoo


@pytest.fixture(params=VERSIONS)
def odoo(request, settings):
    """Our own Odoo: the shared protocol-level test server, once per version it imitates."""
    with FakeOdoo(request.param) as fake:
        settings.BILLING_ODOO_URL = fake.url
        settings.BILLING_ODOO_DB = DATABASE
        settings.BILLING_ODOO_USER = LOGIN
        settings.BILLING_ODOO_API_KEY = API_KEY
        settings.ODOO_ALLOW_PRIVATE_HOSTS = True  # the test server is on loopback
        settings.ODOO_TIMEOUT = 2
        yield fake


def created(odoo: FakeOdoo) -> list[dict]:
    """The account.move records the export made (the server's own data has ids below 30)."""
    return [m for m in odoo.records("account.move") if m.get("ref", "").startswith("2027-")]


@pytest.fixture
def issued(alice, consultant, biller, org_a):
    BillingProfile.objects.create(organisation=org_a, odoo_partner_id=42)
    tickets = [ticket_of(alice), ticket_of(alice, kind=Kind.LICENCE), ticket_of(alice)]
    log(tickets[0], consultant, 12, dt.date(2027, 3, 3), "Opened the fiscal year")
    log(tickets[1], consultant, 20, dt.date(2027, 3, 4), "Licence count")
    log(tickets[2], consultant, 90, dt.date(2027, 3, 5), "Payment terms")
    draft = actions.statement_draft(organisation=org_a, month=dt.date(2027, 3, 1), actor=biller)
    statement = actions.statement_issue(statement=draft, actor=biller)
    statement.tickets = tickets
    return statement


def test_export_creates_a_draft_customer_invoice(odoo, issued, biller):
    move_id = odoo_export.statement_export(statement=issued, actor=biller)
    [move] = created(odoo)
    assert move_id == move["id"]
    assert (move["move_type"], move["partner_id"], move["ref"], move["state"]) == (
        "out_invoice",
        42,
        "2027-0001",
        "draft",
    )
    lines = [values for _, _, values in move["invoice_line_ids"]]
    first, _, third = issued.tickets
    # The free licence question is on the statement but not on the invoice.
    assert [line["name"] for line in lines] == [
        f"{first.number} 2027-03-03: Opened the fiscal year — 12 min "
        "(charged — configuration change)",
        f"{first.number} — 18 min (minimum charge: 30 min applied (12 min logged))",
        f"{third.number} 2027-03-05: Payment terms — 90 min (charged — configuration change)",
    ]
    assert sum(Decimal(str(line["price_unit"])) for line in lines) == issued.net
    issued.refresh_from_db()
    assert issued.odoo_move_id == move_id and issued.exported_at is not None
    with pytest.raises(IllegalTransition, match=f"exported already as invoice {move_id}"):
        odoo_export.statement_export(statement=issued, actor=biller)


def test_a_retried_export_reuses_the_invoice_it_made(odoo, issued, biller):
    odoo.records("account.move").append({"id": 7, "ref": "2027-0001", "move_type": "out_invoice"})
    assert odoo_export.statement_export(statement=issued, actor=biller) == 7
    assert [c for c in odoo.calls if c[:2] == ("account.move", "create")] == []


def test_a_credit_statement_is_exported_as_a_refund(odoo, issued, biller):
    credit = actions.statement_credit(statement=issued, actor=biller, reason="wrong rate")
    odoo_export.statement_export(statement=credit, actor=biller)
    [move] = created(odoo)
    assert move["move_type"] == "out_refund" and move["ref"] == "2027-0002"
    prices = [values["price_unit"] for _, _, values in move["invoice_line_ids"]]
    assert all(price > 0 for price in prices)
    assert sum(Decimal(str(p)) for p in prices) == issued.net


def test_a_wrong_api_key_is_reported_and_nothing_is_recorded(odoo, issued, biller, settings):
    settings.BILLING_ODOO_API_KEY = "wrong"
    with pytest.raises(odoo_export.ExportFailed, match="refused the login") as caught:
        odoo_export.statement_export(statement=issued, actor=biller)
    assert "wrong" not in str(caught.value)  # the key never appears in messages
    issued.refresh_from_db()
    assert issued.odoo_move_id is None


def test_loopback_is_refused_unless_private_hosts_are_allowed(odoo, issued, biller, settings):
    settings.ODOO_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(odoo_export.ExportFailed, match=r"plain http|loopback"):
        odoo_export.statement_export(statement=issued, actor=biller)
    assert odoo.calls == []


def test_a_slow_odoo_times_out(odoo, issued, biller, settings):
    settings.ODOO_TIMEOUT = 1
    odoo.delay = 3
    started = time.monotonic()
    with pytest.raises(odoo_export.ExportFailed, match="did not answer within 1 s"):
        odoo_export.statement_export(statement=issued, actor=biller)
    assert time.monotonic() - started < 2.5
    issued.refresh_from_db()
    assert issued.odoo_move_id is None


def test_export_needs_the_customer_id_and_an_issued_statement(
    odoo, alice, consultant, biller, org_a
):
    log(ticket_of(alice), consultant, 40, dt.date(2027, 3, 3))
    draft = actions.statement_draft(organisation=org_a, month=dt.date(2027, 3, 1), actor=biller)
    with pytest.raises(IllegalTransition, match="issue it first"):
        odoo_export.statement_export(statement=draft, actor=biller)
    issued = actions.statement_issue(statement=draft, actor=biller)
    with pytest.raises(InvalidInput, match="no customer id in our Odoo"):
        odoo_export.statement_export(statement=issued, actor=biller)


def test_export_is_off_until_configured(issued, biller, settings):
    settings.BILLING_ODOO_URL = ""
    with pytest.raises(IllegalTransition, match="not configured"):
        odoo_export.statement_export(statement=issued, actor=biller)


def test_export_button_on_the_statement_page(client, odoo, issued, biller):
    client.force_login(biller)
    page = client.get(reverse("billing:statement_detail", args=[issued.number])).content.decode()
    assert "Export to Odoo as a draft invoice" in page
    response = client.post(reverse("billing:statement_export", args=[issued.number]), follow=True)
    [move] = created(odoo)
    assert f"Exported to Odoo as draft invoice {move['id']}." in response.content.decode()


def test_the_values_travel_as_odoo_binds_create(odoo, issued, biller):
    """call_kw reads create's values from args[0] (odoo/api.py _call_kw_model_create): over
    XML-RPC they must be positional; JSON-2 (19) binds them by name, vals_list."""
    odoo_export.statement_export(statement=issued, actor=biller)
    [(_, _, args, kwargs)] = [c for c in odoo.calls if c[:2] == ("account.move", "create")]
    if odoo.major >= 19:
        assert args == [] and kwargs["vals_list"][0]["ref"] == "2027-0001"
    else:
        assert "vals_list" not in kwargs and args[0][0]["ref"] == "2027-0001"
