"""``supportdesk odoo recognise|version|check|classify``."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from supportdesk.odoo.models import RecordCheck
from tests.factories import make_ticket
from tests.odoo.conftest import sale_order_summary

TEXT = """Hej! Fakturan INV/2026/00012 för order S00042 har fel moms,
se https://acme.odoo.com/odoo/sales/42?debug=1 (betalning 1 250,00 kr den 2026-03-04).
Ring 08-749 09 95."""


def _run(*args: str, stdin: str = "") -> str:
    out = io.StringIO()
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command("odoo", *args, stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue()


def test_recognise_prints_one_json_object_per_find_in_order():
    lines = [json.loads(line) for line in _run("recognise", stdin=TEXT).splitlines()]
    assert [(x["type"], x["text"]) for x in lines] == [
        ("reference", "INV/2026/00012"),
        ("reference", "S00042"),
        ("url", "https://acme.odoo.com/odoo/sales/42?debug=1"),
    ]
    invoice, order, url = lines
    assert (invoice["kind"], invoice["model"]) == ("customer_invoice", "account.move")
    assert (order["kind"], order["model"]) == ("sale_order", "sale.order")
    assert url == {
        "type": "url",
        "text": "https://acme.odoo.com/odoo/sales/42?debug=1",
        "kind": "path",
        "model": None,
        "record_id": 42,
        "host": "acme.odoo.com",
        "database": "acme",
        "action": "sales",
        "companies": [],
        "view_type": "form",
        "normalised": "https://acme.odoo.com/odoo/sales/42",
    }


def test_recognise_prints_nothing_for_text_without_odoo_data():
    assert _run("recognise", stdin="Call me on 070-123 45 67 about 1/2 of 2026/01/15.") == ""


@pytest.mark.django_db
def test_version_check_and_classify(instance, alice):
    assert _run("version", "--instance", str(instance.pk)).strip() == (
        f"Alpha AB: production: Odoo {instance.server_version}, "
        f"{'JSON-2' if instance.api == 'json2' else 'XML-RPC'} (database acme)"
    )
    ticket = make_ticket(alice, subject="S00042", description="")
    assert (
        _run("check", ticket.number).strip()
        == f"S00042 on production: {sale_order_summary(instance.server_version)}"
    )
    assert RecordCheck.objects.filter(reference__ticket=ticket).count() == 1
    printed = _run(
        "classify",
        "--instance",
        "Alpha AB/production",
        "--model",
        "sale.order",
        "--field",
        "x_studio_delivery_window",
    )
    assert printed.startswith(
        "customer: sale.order.x_studio_delivery_window was made with Odoo Studio"
    )
    stored = _run(
        "classify",
        "--instance",
        "Alpha AB/production",
        "--model",
        "product.brand",
        "--ticket",
        ticket.number,
    )
    assert stored.startswith("Third-party app: product.brand comes from a third-party app")
    ticket.refresh_from_db()
    assert ticket.code_owner == "third_party"


@pytest.mark.django_db
def test_errors_are_one_sentence(instance):
    with pytest.raises(CommandError, match="no instance 'Nope/production'"):
        _run("classify", "--instance", "Nope/production", "--model", "sale.order")
    with pytest.raises(CommandError, match="is not a model on"):
        _run("classify", "--instance", str(instance.pk), "--model", "sale.orders")
