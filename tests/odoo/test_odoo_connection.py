""" "Test connection" (console and admin) and the rights a customer really gives: an API user
with ordinary rights may not read ir.module.module; what still works is said in words."""

from __future__ import annotations

import pytest
from django.utils import translation

from supportdesk.odoo import actions
from supportdesk.tickets.models import CodeOwner
from tests.factories import make_ticket
from tests.odoo.odoo_server import DATABASE, LIMITED_KEY, LIMITED_LOGIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited(odoo, make_instance, org_a, consultant):
    """The instance reached as an integration user with ordinary rights (no Settings)."""
    instance = make_instance(odoo, org_a, login=LIMITED_LOGIN, key=LIMITED_KEY)
    return actions.instance_detect_version(instance=instance, actor=consultant)


def test_an_administrator_api_user_gets_every_feature(instance, odoo, consultant):
    report = actions.instance_test_connection(instance=instance, actor=consultant)
    text = "\n".join(report.lines)
    assert report.ok, text
    assert f"logged in; Odoo {odoo.version} Enterprise over " in text
    assert "Companies: Alpha AB, Alpha Norge AS." in text
    assert "The API user can read sales orders (sale.order)." in text
    assert "purchase orders (purchase.order): not installed" in text
    assert "Code-owner classification: works." in text


def test_an_ordinary_api_user_is_told_what_it_may_not_read(limited, consultant):
    report = actions.instance_test_connection(instance=limited, actor=consultant)
    text = "\n".join(report.lines)
    assert not report.ok
    assert (
        "The API user may not read modules (author, licence) (ir.module.module): needs Settings."
        in text
    )
    assert "Checking references: works." in text
    assert "Code-owner classification: works in part." in text


def test_missing_sales_rights_leave_reference_checks_working_in_part(
    odoo, make_instance, org_a, consultant
):
    odoo.databases[DATABASE]["users"]["clerk@acme.example"] = (
        9,
        "clerk-key",
        frozenset({"base.group_user", "account.group_account_invoice"}),
    )
    instance = make_instance(odoo, org_a, login="clerk@acme.example", key="clerk-key")
    report = actions.instance_test_connection(instance=instance, actor=consultant)
    text = "\n".join(report.lines)
    assert "may not read sales orders (sale.order): needs Sales / User" in text
    assert "Checking references: works in part. Found: invoices and journal entries" in text


def test_a_wrong_key_is_no_connection(odoo, make_instance, org_a, consultant):
    instance = make_instance(odoo, org_a, key="wrong-key")
    report = actions.instance_test_connection(instance=instance, actor=consultant)
    assert not report.logged_in
    assert "no connection" in report.lines[0] and "refused the login" in report.lines[0]
    instance.refresh_from_db()
    assert "refused the login" in instance.last_error


def test_the_report_is_in_swedish_for_a_swedish_reader(limited, consultant):
    with translation.override("sv"):
        report = actions.instance_test_connection(instance=limited, actor=consultant)
        text = "\n".join(report.lines)
    assert "inloggad" in text and "Kodägarklassning: fungerar delvis." in text


def test_code_owner_classification_with_ordinary_rights(limited, alice, consultant):
    """ir.model, ir.model.fields and ir.model.data suffice for Studio and custom fields; for
    a module the owner is left to the consultant, saying why, instead of failing."""
    ticket = make_ticket(alice, subject="Studio field", description="")
    studio = actions.code_owner_classify(
        ticket=ticket, actor=consultant, model="sale.order", field="x_studio_delivery_window"
    )
    assert studio.owner == CodeOwner.CUSTOMER
    module = actions.code_owner_classify(
        ticket=ticket, actor=consultant, model="sale.order", field="partner_id"
    )
    assert (module.owner, module.module) == ("", "sale")
    assert "may not read that module's author and licence" in module.explanation
    assert module.evidence["module_unreadable"] is True


def test_the_console_shows_the_instances_with_a_test_button(client, consultant, instance, alice):
    ticket = make_ticket(alice, subject="S00042", description="")
    client.force_login(consultant)
    page = client.get(f"/console/tickets/{ticket.number}/").content.decode()
    assert f"/console/odoo/instances/{instance.pk}/test/" in page
    response = client.post(
        f"/console/odoo/instances/{instance.pk}/test/", {"ticket": ticket.number}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Every feature works with the rights of the API user." in body
    assert "Companies: Alpha AB, Alpha Norge AS." in body


def test_customers_do_not_reach_the_test_button(client, alice, instance):
    client.force_login(alice)
    assert client.post(f"/console/odoo/instances/{instance.pk}/test/").status_code == 404


def test_the_admin_action_reports_each_instance(client, admin_user, limited, settings):
    settings.OTP_REQUIRED_ROLES = []
    client.force_login(admin_user)
    response = client.post(
        "/admin/odoo/odooinstance/",
        {"action": "test_connection", "_selected_action": [limited.pk]},
        follow=True,
    )
    body = response.content.decode()
    assert "needs Settings" in body and "Code-owner classification: works in part." in body
